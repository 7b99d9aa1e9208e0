"""The influence diagram of a scenario as inline SVG: one column per kind of node.

Columns run from what is judged (left) to what is reached (right); within a column
nodes are ordered to shorten edges (a few sweeps of the barycentre heuristic).
An edge that runs right is solid; one that runs back (a state variable a decision
reads, say: the loop closes in the next period) is dashed. Every node and edge
carries ``data-node`` / ``data-from`` / ``data-to`` so the report's script can pick
out a node's neighbourhood, and a ``<title>`` tooltip.
"""

from __future__ import annotations

from html import escape

from kennan.report.figures import PALETTE, Canvas, SvgFigure
from kennan.report.mechanism import COLUMNS, MechanismGraph, MechanismNode

#: Colour of each kind of node (the figures' colour-blind palette).
COLOURS = {"judgment": "#7F7F7F", "course": PALETTE[0], "event": PALETTE[1],
           "state": PALETTE[2], "faction": PALETTE[3], "consideration": PALETTE[3],
           "decision": PALETTE[4], "outcome": PALETTE[6]}
_HEADS = ("judgments", "courses and events", "state", "factions and considerations",
          "decisions", "outcomes")
_ROW, _SMALL_ROW, _BOX_W, _GAP, _TOP = 26, 15, 150, 70, 34


def _order(graph: MechanismGraph, columns: list[list[MechanismNode]]) -> None:
    """Reorder each column in place by the mean position of its neighbours."""
    neighbours: dict[str, list[str]] = {n.id: [] for col in columns for n in col}
    for a, b in graph.edges:
        neighbours[a].append(b)
        neighbours[b].append(a)
    for _ in range(4):
        pos = {n.id: i / max(len(col), 1) for col in columns for i, n in enumerate(col)}
        for col in [*columns[1:], columns[0]]:
            keyed = []
            for i, n in enumerate(col):
                near = [pos[m] for m in neighbours[n.id]]
                keyed.append((sum(near) / len(near) if near else i / max(len(col), 1), i, n))
            col[:] = [n for _, _, n in sorted(keyed)]


def mechanism_figure(graph: MechanismGraph) -> SvgFigure:
    """The influence diagram of ``graph``."""
    columns = [[n for n in graph.nodes if n.kind in kinds] for kinds in COLUMNS]
    _order(graph, columns)
    rows = [_SMALL_ROW if k == 0 else _ROW for k in range(len(columns))]
    height = _TOP + max(len(col) * rows[k] for k, col in enumerate(columns)) + 16
    width = len(columns) * _BOX_W + (len(columns) - 1) * _GAP + 20
    cv = Canvas(width, max(height, 120))
    cv.add('<defs><marker id="mech-arrow" viewBox="0 0 8 8" refX="8" refY="4" '
           'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
           '<path d="M0,0 L8,4 L0,8 z" fill="#8a93a3"/></marker></defs>')
    place: dict[str, tuple[int, float, float]] = {}  # id -> (column, x, y centre)
    for k, col in enumerate(columns):
        x = 10 + k * (_BOX_W + _GAP)
        cv.text(x + _BOX_W / 2, 16, _HEADS[k], anchor="middle", size=12, weight="bold")
        # Spread a short column over the height, so its edges do not all bunch at the top.
        step = max(rows[k], (height - _TOP - 16) / max(len(col), 1)) if k else rows[k]
        for i, n in enumerate(col):
            place[n.id] = (k, x, _TOP + step * i + rows[k] / 2)
    for a, b in sorted(graph.edges):
        _edge(cv, place[a], place[b], a, b)
    for k, col in enumerate(columns):
        for n in col:
            _node(cv, n, place[n.id], small=k == 0, graph=graph)
    return cv.finish("What reads what: the scenario's influence diagram")


def _edge(cv: Canvas, a: tuple[int, float, float], b: tuple[int, float, float],
          src: str, dst: str) -> None:
    (ka, xa, ya), (kb, xb, yb) = a, b
    if kb > ka:
        x0, x1 = xa + _BOX_W, xb
        bend = (x1 - x0) / 2
        d = (f"M{x0:.1f},{ya:.1f} C{x0 + bend:.1f},{ya:.1f} {x1 - bend:.1f},{yb:.1f} "
             f"{x1:.1f},{yb:.1f}")
        style = ""
    elif kb < ka:
        x0, x1 = xa, xb + _BOX_W
        bend = max((x0 - x1) / 2, 30)
        d = (f"M{x0:.1f},{ya:.1f} C{x0 - bend:.1f},{ya:.1f} {x1 + bend:.1f},{yb:.1f} "
             f"{x1:.1f},{yb:.1f}")
        style = ' stroke-dasharray="4 3"'
    else:
        x0 = xa + _BOX_W
        d = (f"M{x0:.1f},{ya:.1f} C{x0 + 40:.1f},{ya:.1f} {x0 + 40:.1f},{yb:.1f} "
             f"{x0:.1f},{yb:.1f}")
        style = ' stroke-dasharray="4 3"'
    cv.add(f'<path class="mech-edge" data-from="{escape(src)}" data-to="{escape(dst)}" '
           f'd="{d}" fill="none" stroke="#8a93a3" stroke-opacity="0.55" stroke-width="1"'
           f'{style} marker-end="url(#mech-arrow)"><title>{escape(src)} → {escape(dst)}'
           '</title></path>')


def _node(cv: Canvas, n: MechanismNode, where: tuple[int, float, float], *, small: bool,
          graph: MechanismGraph) -> None:
    _, x, y = where
    h = _SMALL_ROW - 3 if small else _ROW - 6
    colour = COLOURS[n.kind]
    reads = sorted(a for a, b in graph.edges if b == n.id)
    read_by = sorted(b for a, b in graph.edges if a == n.id)
    tip = f"{n.kind} {n.id}" + (f" ({n.label})" if n.label != n.id else "")
    tip += (f"\nreads: {', '.join(reads)}" if reads else "")
    tip += (f"\nread by: {', '.join(read_by)}" if read_by else "\nread by nothing")
    room = 23 if small else 20  # characters that fit the box at its font size
    text = n.label if len(n.label) <= room else n.label[:room - 1] + "…"
    cv.add(f'<g class="mech-node" data-node="{escape(n.id)}" tabindex="0">'
           f'<title>{escape(tip)}</title>'
           f'<rect x="{x:.1f}" y="{y - h / 2:.1f}" width="{_BOX_W}" height="{h}" rx="4" '
           f'fill="{colour}" fill-opacity="{0.12 if small else 0.16}" stroke="{colour}"/>')
    cv.text(x + 6, y + (3.5 if small else 4), text, size=10 if small else 12)
    cv.add("</g>")
