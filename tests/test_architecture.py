"""The layers of docs/architecture.md hold: each package imports only packages below it,
and no two modules of a package import each other at module level."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).parent.parent / "src"

#: From the bottom up; a package may import those before it (docs/architecture.md).
#: Packages on one line are one layer and do not import each other.
LAYERS = [
    {"errors", "defaults", "version"},  # defaults and version import nothing
    {"safeio", "arguments"},  # each imports errors only
    {"compiler", "read", "bargaining"},
    {"scenario"},
    {"engine"},
    {"experiments"},
    {"analysis"},
    {"report"},
    {"explore"},
    {"cli"},
    {"kennan"},  # the package root: kennan.run, kennan.Results
]

#: Imports that run against the layers today, each with why it stays for now.
KNOWN_UPWARD: set[tuple[str, str]] = set()


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted((SRC / "kennan").rglob("*.py")):
        parts = path.relative_to(SRC).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


MODULES = _modules()


def _imports(path: Path, name: str, *, top_only: bool) -> set[str]:
    """Modules of kennan that ``path`` imports (at module level only, with ``top_only``:
    not in a function, not under ``if TYPE_CHECKING``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    if top_only:
        nodes = [n for stmt in tree.body
                 if not isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
                 and not (isinstance(stmt, ast.If) and "TYPE_CHECKING" in ast.unparse(stmt.test))
                 for n in ast.walk(stmt)]
    else:
        nodes = list(ast.walk(tree))
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*up, *([node.module] if node.module else [])])
            # ``from kennan.read import lexicon`` imports a submodule, not the face.
            subs = {f"{base}.{a.name}" for a in node.names} & MODULES.keys()
            found |= subs if len(subs) == len(node.names) else subs | {base}
    return {m for m in found if m == "kennan" or m.startswith("kennan.")}


def _package(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "kennan"


def _layer(package: str) -> int:
    return next(i for i, layer in enumerate(LAYERS) if package in layer)


def test_every_package_has_a_layer():
    packages = {_package(m) for m in MODULES}
    assert packages <= set().union(*LAYERS), packages - set().union(*LAYERS)


def test_packages_import_only_layers_below():
    modules = MODULES
    wrong = []
    for name, path in modules.items():
        mine = _package(name)
        for target in _imports(path, name, top_only=False):
            theirs = _package(target)
            where = str(path.relative_to(SRC / "kennan"))
            if theirs != mine and _layer(theirs) >= _layer(mine) \
                    and (where, theirs) not in KNOWN_UPWARD:
                wrong.append(f"{where} imports {target}")
    assert not wrong, "imports against the layers:\n" + "\n".join(wrong)


def test_no_module_level_cycles_inside_a_package():
    modules = MODULES
    graph = {name: {m for m in _imports(path, name, top_only=True)
                    if m in modules and m != name and _package(m) == _package(name)}
             for name, path in modules.items()}
    cycles = []
    for start in graph:
        stack, seen = [(start, (start,))], set()
        while stack:
            node, trail = stack.pop()
            for nxt in graph[node]:
                if nxt == start:
                    cycles.append(" -> ".join((*trail, start)))
                elif nxt not in seen:
                    seen.add(nxt)
                    stack.append((nxt, (*trail, nxt)))
    assert not cycles, "module-level import cycles:\n" + "\n".join(sorted(set(cycles)))
