"""No import cycles between socbot's modules and its plugins', type-only imports included.

A cycle that only exists under ``if TYPE_CHECKING:`` still ties two modules together: neither can
be understood, tested or moved without the other, and it is usually a service locator in disguise
(``Context.bot``). Every import counts: module level, ``TYPE_CHECKING`` blocks and inside
functions. An edge goes to the module named (``from socbot import Ocg`` is an edge to
``socbot/__init__``), not to the packages whose ``__init__`` Python runs on the way.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = {"socbot": ROOT / "socbot", "socbot_plugins": ROOT / "plugins"}
SKIP = ("socbot.store.migrations.versions",)  # alembic scripts: loaded by path, never imported


def modules() -> dict[str, Path]:
    found = {}
    for package, folder in PACKAGES.items():
        for path in folder.rglob("*.py"):
            parts = [package, *path.relative_to(folder).with_suffix("").parts]
            if parts[-1] == "__init__":
                parts.pop()
            name = ".".join(parts)
            if not name.startswith(SKIP):
                found[name] = path
    return found


def _resolve(name: str, known: dict[str, Path]) -> str | None:
    """The longest known module that ``name`` (a module, or a name inside one) lives in."""
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name or None


def imports(module: str, path: Path, known: dict[str, Path]) -> set[str]:
    """Every known module ``module`` imports, wherever in the file the import is."""
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".")
                anchor = anchor[: len(anchor) - node.level + (1 if is_package else 0)]
                base = ".".join([*anchor, base] if base else anchor)
            # ``from pkg import name`` imports pkg.name when that is a module, else pkg
            targets = [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for target in targets:
            resolved = _resolve(target, known)
            if resolved and resolved != module:
                found.add(resolved)
    return found


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imports(name, path, known) for name, path in known.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each as a path."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def _path(edges: dict[str, set[str]], component: list[str]) -> str:
    """One concrete loop through a component, to print: a -> b -> ... -> a."""
    members = set(component)
    start = component[0]
    trail, seen = [start], {start}
    while True:
        nxt = sorted(n for n in edges[trail[-1]] if n in members)
        back = [n for n in nxt if n == start]
        if back and len(trail) > 1:
            return " -> ".join([*trail, start])
        fresh = [n for n in nxt if n not in seen]
        step = fresh[0] if fresh else nxt[0]
        if step in seen:
            loop = trail[trail.index(step) :]
            return " -> ".join([*loop, step])
        trail.append(step)
        seen.add(step)


def test_the_import_graph_has_no_cycles() -> None:
    edges = graph()
    found = cycles(edges)
    assert not found, "import cycles:\n" + "\n".join(_path(edges, c) for c in found)


def test_a_cycle_is_found_and_printed() -> None:
    """The checker itself: a type-only loop and a function-level import both count."""
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(edges) == [["a", "b", "c"]]
    assert _path(edges, ["a", "b", "c"]) == "a -> b -> c -> a"


@pytest.mark.parametrize(
    "source",
    [
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from socbot.bot import Bot\n",
        "def f():\n    from socbot import bot\n",
        "import socbot.bot\n",
        "from ..bot import Bot\n",
    ],
)
def test_every_kind_of_import_is_an_edge(tmp_path: Path, source: str) -> None:
    path = tmp_path / "mod.py"
    path.write_text(source)
    known = {"socbot.bot": path, "socbot.faces.mod": path, "socbot": path}
    assert imports("socbot.faces.mod", path, known) == {"socbot.bot"}
