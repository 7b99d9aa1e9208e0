"""Figures as plain SVG text: one code path for the HTML report and the notebook.

No plotting library: each figure is a few hundred SVG elements written here, so
the report stays one self-contained file and a notebook shows the same picture
(:class:`SvgFigure` has ``_repr_svg_``). Every mark carries a ``<title>`` (a
tooltip with its exact value) and a ``data-course`` attribute the report's
script uses to highlight one course across figures.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

#: Okabe and Ito's palette for colour-blind readers (yellow left out: too pale on white).
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000",
           "#7F7F7F")
FONT = "font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif"


def colour(i: int) -> str:
    """The i-th colour of the palette (cycling)."""
    return PALETTE[i % len(PALETTE)]


@dataclass(frozen=True)
class SvgFigure:
    """An SVG picture; Jupyter shows it inline, ``save`` writes it to a file."""

    svg: str

    def _repr_svg_(self) -> str:
        return self.svg

    def __str__(self) -> str:
        return self.svg

    def save(self, path: str | Path) -> Path:
        """Write the SVG to ``path`` (folders created) and return the path."""
        p = Path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(self.svg, encoding="utf-8")
        return p


@dataclass(frozen=True)
class Series:
    """One line: ``y`` per x position, an optional band ``low``..``high``."""

    key: str
    label: str
    y: Sequence[float]
    low: Sequence[float] | None = None
    high: Sequence[float] | None = None
    colour: str = PALETTE[0]


@dataclass(frozen=True)
class Panel:
    """One small chart of several series over a shared x axis."""

    title: str
    series: list[Series]
    y_label: str = ""
    y_range: tuple[float, float] | None = None


@dataclass(frozen=True)
class Point:
    """A mark of a scatter with 95% whiskers on both axes."""

    key: str
    label: str
    x: float
    y: float
    x_low: float = math.nan
    x_high: float = math.nan
    y_low: float = math.nan
    y_high: float = math.nan
    colour: str = PALETTE[0]


@dataclass(frozen=True)
class Bar:
    """One bar of a row: a value with an optional interval."""

    name: str
    value: float
    low: float = math.nan
    high: float = math.nan
    colour: str = PALETTE[0]


@dataclass(frozen=True)
class BarRow:
    """A labelled row of bars (e.g. one judgment's first- and total-order index)."""

    label: str
    bars: list[Bar]
    key: str = ""
    note: str = ""


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering ``[low, high]``, about ``count`` of them."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return [0.0, 1.0]
    if high <= low:
        high = low + (abs(low) or 1.0)
    raw = (high - low) / max(count - 1, 1)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    start = math.floor(low / step + 1e-9) * step
    ticks, v = [], start
    while v <= high + step * 0.5 and len(ticks) < 50:
        ticks.append(round(v, 12))
        v += step
    if ticks[-1] < high - 1e-12:
        ticks.append(round(v, 12))
    return ticks


def fmt_tick(v: float) -> str:
    """A tick label: no trailing zeros, thousands as k."""
    if abs(v) >= 10_000:
        return f"{v / 1000:g}k"
    return f"{v:.6g}"


@dataclass
class Canvas:
    width: int
    height: int
    parts: list[str] = field(default_factory=list)

    def add(self, s: str) -> None:
        self.parts.append(s)

    def text(self, x: float, y: float, s: str, *, anchor: str = "start", size: int = 12,
             fill: str = "#333", weight: str = "normal", extra: str = "") -> None:
        self.add(f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" '
                 f'fill="{fill}" font-weight="{weight}"{extra}>{escape(s)}</text>')

    def finish(self, label: str) -> SvgFigure:
        head = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {self.width} '
                f'{self.height}" width="{self.width}" height="{self.height}" role="img" '
                f'aria-label="{escape(label)}" style="{FONT};max-width:100%;height:auto">')
        return SvgFigure(head + "".join(self.parts) + "</svg>")


def _legend(cv: Canvas, items: list[tuple[str, str, str]], x: float, y: float,
            width: float) -> float:
    """Legend entries (key, label, colour) flowing left to right; returns the next y."""
    cx = x
    for key, label, col in items:
        w = 26 + 7 * len(label)
        if cx + w > x + width and cx > x:
            cx, y = x, y + 18
        cv.add(f'<g class="legend-item" data-course="{escape(key)}">'
               f'<rect x="{cx:.1f}" y="{y - 9:.1f}" width="14" height="10" rx="2" '
               f'fill="{col}"/></g>')
        cv.text(cx + 19, y, label, size=12)
        cx += w
    return y + 22


def line_panels(panels: list[Panel], x_labels: Sequence[str], *, columns: int = 2,
                panel_width: int = 420, panel_height: int = 230, title: str = "",
                value_format: str = "{:.3f}") -> SvgFigure:
    """Small multiples of line charts with bands, sharing x positions ``x_labels``."""
    columns = max(1, min(columns, len(panels)))
    rows = math.ceil(len(panels) / columns)
    items: dict[str, tuple[str, str, str]] = {}
    for p in panels:
        for s in p.series:
            items.setdefault(s.key, (s.key, s.label, s.colour))
    width = columns * panel_width
    cv = Canvas(width, 0)
    top = 8.0
    if title:
        cv.text(8, 20, title, size=14, weight="600")
        top = 30.0
    top = _legend(cv, list(items.values()), 10, top + 12, width - 20)
    for i, p in enumerate(panels):
        ox = (i % columns) * panel_width
        oy = top + (i // columns) * panel_height
        _line_panel(cv, p, x_labels, ox, oy, panel_width, panel_height, value_format)
    cv.height = int(top + rows * panel_height + 6)
    return cv.finish(title or "line chart")


def _line_panel(cv: Canvas, p: Panel, x_labels: Sequence[str], ox: float, oy: float,
                w: float, h: float, vfmt: str) -> None:
    left, right, ptop, bottom = ox + 52, ox + w - 14, oy + 24, oy + h - 34
    values = [v for s in p.series for arr in (s.y, s.low or [], s.high or []) for v in arr
              if math.isfinite(v)]
    lo, hi = p.y_range if p.y_range else (min(values, default=0.0), max(values, default=1.0))
    ticks = nice_ticks(lo, hi)
    lo, hi = min(ticks[0], lo), max(ticks[-1], hi)
    n = max(len(x_labels), 1)

    def sx(t: float) -> float:
        return left + (right - left) * (t / (n - 1) if n > 1 else 0.5)

    def sy(v: float) -> float:
        return bottom - (bottom - ptop) * ((v - lo) / (hi - lo) if hi > lo else 0.5)

    cv.text(left, oy + 14, p.title, size=13, weight="600")
    for t in ticks:
        y = sy(t)
        cv.add(f'<line x1="{left}" x2="{right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e6e6e6"/>')
        cv.text(left - 6, y + 4, fmt_tick(t), anchor="end", size=10, fill="#666")
    step = max(1, math.ceil(n / 6))
    for t in range(0, n, step):
        cv.text(sx(t), bottom + 16, x_labels[t], anchor="middle", size=10, fill="#666")
    cv.add(f'<line x1="{left}" x2="{right}" y1="{bottom}" y2="{bottom}" stroke="#999"/>')
    if p.y_label:
        cv.add(f'<text transform="translate({ox + 12},{(ptop + bottom) / 2:.1f}) rotate(-90)" '
               f'text-anchor="middle" font-size="10" fill="#666">{escape(p.y_label)}</text>')
    for s in p.series:
        key = escape(s.key)
        cv.add(f'<g class="series" data-course="{key}">')
        if s.low is not None and s.high is not None:
            up = [(sx(t), sy(v)) for t, v in enumerate(s.high) if math.isfinite(v)]
            down = [(sx(t), sy(v)) for t, v in enumerate(s.low) if math.isfinite(v)][::-1]
            if up and down:
                pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in up + down)
                cv.add(f'<polygon points="{pts}" fill="{s.colour}" fill-opacity="0.14" '
                       f'stroke="none"/>')
        line = [(sx(t), sy(v)) for t, v in enumerate(s.y) if math.isfinite(v)]
        if line:
            d = "M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in line)
            cv.add(f'<path d="{d}" fill="none" stroke="{s.colour}" stroke-width="2" '
                   f'stroke-linejoin="round"/>')
        for t, v in enumerate(s.y):
            if math.isfinite(v):
                band = ""
                if s.low is not None and s.high is not None:
                    band = f" ({vfmt.format(s.low[t])} to {vfmt.format(s.high[t])})"
                cv.add(f'<circle cx="{sx(t):.1f}" cy="{sy(v):.1f}" r="3.2" fill="{s.colour}" '
                       f'fill-opacity="0" class="hover"><title>{escape(s.label)}, '
                       f'{escape(x_labels[t])}: {vfmt.format(v)}{escape(band)}</title></circle>')
        cv.add("</g>")


def scatter(points: list[Point], *, x_label: str, y_label: str, title: str = "",
            width: int = 640, height: int = 420) -> SvgFigure:
    """A scatter of labelled points with 95% whiskers (risk against benefit)."""
    cv = Canvas(width, height)
    left, right, ptop, bottom = 64, width - 24, 40 if title else 20, height - 48
    if title:
        cv.text(8, 20, title, size=14, weight="600")
    xs = [v for p in points for v in (p.x, p.x_low, p.x_high) if math.isfinite(v)]
    ys = [v for p in points for v in (p.y, p.y_low, p.y_high) if math.isfinite(v)]
    xt = nice_ticks(min(xs, default=0.0), max(xs, default=1.0))
    yt = nice_ticks(min(ys, default=0.0), max(ys, default=1.0))

    def sx(v: float) -> float:
        return left + (right - left) * (v - xt[0]) / ((xt[-1] - xt[0]) or 1.0)

    def sy(v: float) -> float:
        return bottom - (bottom - ptop) * (v - yt[0]) / ((yt[-1] - yt[0]) or 1.0)

    for t in xt:
        cv.add(f'<line x1="{sx(t):.1f}" x2="{sx(t):.1f}" y1="{ptop}" y2="{bottom}" '
               f'stroke="#eee"/>')
        cv.text(sx(t), bottom + 16, fmt_tick(t), anchor="middle", size=10, fill="#666")
    for t in yt:
        cv.add(f'<line x1="{left}" x2="{right}" y1="{sy(t):.1f}" y2="{sy(t):.1f}" '
               f'stroke="#eee"/>')
        cv.text(left - 6, sy(t) + 4, fmt_tick(t), anchor="end", size=10, fill="#666")
    cv.text((left + right) / 2, height - 10, x_label, anchor="middle", size=12, fill="#444")
    cv.add(f'<text transform="translate(16,{(ptop + bottom) / 2:.1f}) rotate(-90)" '
           f'text-anchor="middle" font-size="12" fill="#444">{escape(y_label)}</text>')
    placed: list[tuple[float, float, float]] = []
    for p in sorted(points, key=lambda q: -q.y):
        key, x, y = escape(p.key), sx(p.x), sy(p.y)
        cv.add(f'<g class="series" data-course="{key}">')
        if math.isfinite(p.x_low) and math.isfinite(p.x_high):
            cv.add(f'<line x1="{sx(p.x_low):.1f}" x2="{sx(p.x_high):.1f}" y1="{y:.1f}" '
                   f'y2="{y:.1f}" stroke="{p.colour}" stroke-width="1.5"/>')
        if math.isfinite(p.y_low) and math.isfinite(p.y_high):
            cv.add(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{sy(p.y_low):.1f}" '
                   f'y2="{sy(p.y_high):.1f}" stroke="{p.colour}" stroke-width="1.5"/>')
        cv.add(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="6" fill="{p.colour}" stroke="#fff" '
               f'stroke-width="1.5"><title>{escape(p.label)}: {escape(x_label)} {p.x:.3g}, '
               f'{escape(y_label)} {p.y:.3g}</title></circle>')
        anchor = "end" if x > (left + right) / 2 else "start"
        x0, x1 = (x - 10 - 6.3 * len(p.label), x - 10) if anchor == "end" else \
            (x + 10, x + 10 + 6.3 * len(p.label))
        ly = _free_y(placed, x0, x1, y)
        placed.append((x0, x1, ly))
        cv.text(x1 if anchor == "end" else x0, ly, p.label, anchor=anchor, size=11,
                fill=p.colour, weight="600")
        cv.add("</g>")
    return cv.finish(title or f"{y_label} against {x_label}")


def _free_y(placed: list[tuple[float, float, float]], x0: float, x1: float,
            y: float) -> float:
    """A baseline near ``y`` for a label spanning ``x0..x1`` that clears the labels placed."""
    for dy in (-8, 16, -22, 30, -36, 44, -50, 58):
        cand = y + dy
        if all(x1 < a or x0 > b or abs(cand - c) >= 13 for a, b, c in placed):
            return cand
    return y - 8


def bar_rows(rows: list[BarRow], *, title: str = "", x_label: str = "",
             width: int = 760, label_width: int = 230, row_height: int = 30,
             x_range: tuple[float, float] | None = None) -> SvgFigure:
    """Horizontal bars, one labelled row each, with whiskers for intervals."""
    names: dict[str, str] = {}
    for r in rows:
        for b in r.bars:
            names.setdefault(b.name, b.colour)
    head = 34 if title else 8
    cv = Canvas(width, 0)
    if title:
        cv.text(8, 20, title, size=14, weight="600")
    head = _legend(cv, [(n, n, c) for n, c in names.items()], label_width, head + 12,
                   width - label_width)
    vals = [v for r in rows for b in r.bars for v in (b.value, b.low, b.high) if math.isfinite(v)]
    lo, hi = x_range if x_range else (min([0.0, *vals]), max([0.0, *vals], default=1.0))
    ticks = nice_ticks(lo, hi)
    left, right = label_width, width - 20
    bottom = head + row_height * len(rows)

    def sx(v: float) -> float:
        return left + (right - left) * (v - ticks[0]) / ((ticks[-1] - ticks[0]) or 1.0)

    for t in ticks:
        cv.add(f'<line x1="{sx(t):.1f}" x2="{sx(t):.1f}" y1="{head - 4}" y2="{bottom}" '
               f'stroke="#eee"/>')
        cv.text(sx(t), bottom + 14, fmt_tick(t), anchor="middle", size=10, fill="#666")
    if x_label:
        cv.text((left + right) / 2, bottom + 32, x_label, anchor="middle", size=11, fill="#444")
    nb = max(1, max((len(r.bars) for r in rows), default=1))
    bh = (row_height - 8) / nb
    for i, r in enumerate(rows):
        y0 = head + i * row_height
        attr = f' data-judgment="{escape(r.key)}"' if r.key else ""
        cv.add(f'<g class="bar-row"{attr}>')
        label = r.label if len(r.label) <= 34 else r.label[:33] + "…"
        cv.text(left - 8, y0 + row_height / 2 + 4, label, anchor="end", size=12)
        for k, b in enumerate(r.bars):
            if not math.isfinite(b.value):
                continue
            x0, x1 = sorted((sx(max(0.0, ticks[0])), sx(b.value)))
            yb = y0 + 4 + k * bh
            ci = (f" (95%: {b.low:.3f} to {b.high:.3f})"
                  if math.isfinite(b.low) and math.isfinite(b.high) else "")
            cv.add(f'<rect x="{x0:.1f}" y="{yb:.1f}" width="{max(x1 - x0, 0.5):.1f}" '
                   f'height="{bh - 1:.1f}" fill="{b.colour}" rx="1.5"><title>'
                   f'{escape(r.label)}: {escape(b.name)} {b.value:.3f}{escape(ci)}'
                   f'{escape(" - " + r.note if r.note else "")}</title></rect>')
            if ci:
                ym = yb + (bh - 1) / 2
                cv.add(f'<line x1="{sx(b.low):.1f}" x2="{sx(b.high):.1f}" y1="{ym:.1f}" '
                       f'y2="{ym:.1f}" stroke="#222" stroke-width="1"/>')
        cv.add("</g>")
    cv.height = int(bottom + (40 if x_label else 22))
    return cv.finish(title or "bars")
