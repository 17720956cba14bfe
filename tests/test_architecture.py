"""The package's import graph, read from the source with ``ast``: no module imports itself back.

Every ``import claimbench…`` and ``from claimbench… import …`` counts, at module level and inside
functions (a function-level import runs too, only later). Imports under ``if TYPE_CHECKING:`` do not:
they never run. Importing ``a.b`` counts as an edge to ``a.b`` only, not to the package ``a`` that Python
also initialises: a package's ``__init__`` importing its own modules is how packages are made.
Dynamic imports (``importlib.import_module``) are not seen.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "toolkit" / "claimbench"


@dataclass(frozen=True)
class Edge:
    """``source`` imports ``target``; ``lazy`` when the import is inside a function."""

    source: str
    target: str
    lazy: bool


ALLOWED_LAZY: dict[tuple[str, str], str] = {}
"""Lazy imports that close a cycle, each with the reason it is there and how it is to go."""


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _existing(name: str) -> str:
    """The module ``name`` is, or the package it is an attribute of."""
    while name not in MODULES:
        name = name.rpartition(".")[0]
    return name


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(module: str, path: Path) -> Iterator[Edge]:
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]

    def visit(node: ast.AST, lazy: bool) -> Iterator[Edge]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                for stmt in child.orelse:
                    yield from visit(stmt, lazy)
                continue
            if isinstance(child, ast.Import):
                for alias in child.names:
                    if alias.name.split(".")[0] == "claimbench":
                        yield Edge(module, _existing(alias.name), lazy)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    parts = package.split(".")
                    parts = parts[: len(parts) - child.level + 1]
                    base = ".".join([*parts, *([child.module] if child.module else [])])
                if base.split(".")[0] == "claimbench":
                    for alias in child.names:
                        name = f"{base}.{alias.name}"
                        yield Edge(module, name if name in MODULES else _existing(base), lazy)
            inner = lazy or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
            yield from visit(child, inner)

    yield from visit(ast.parse(path.read_text(encoding="utf-8")), False)


EDGES = sorted(
    {e for m, p in MODULES.items() for e in _imports(m, p) if e.target != e.source},
    key=lambda e: (e.source, e.target, e.lazy),
)


def _cycles(edges: list[Edge]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm), sorted."""
    graph: dict[str, set[str]] = {m: set() for m in MODULES}
    for e in edges:
        graph[e.source].add(e.target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            connect(v)
    return sorted(found)


def test_the_graph_is_read() -> None:
    """The reader finds the edges it should (a reader that saw nothing would find no cycle either)."""
    pairs = {(e.source, e.target) for e in EDGES}
    assert ("claimbench.run.engines", "claimbench.run.batches") in pairs
    assert ("claimbench._cli.run", "claimbench.run.runner") in pairs  # a function-level import
    assert any(e.lazy for e in EDGES)
    assert any(not e.lazy for e in EDGES)


def test_the_reader_finds_a_cycle() -> None:
    ring = [
        Edge("claimbench.run.spec", "claimbench.run.runner", True),
        Edge("claimbench.run.runner", "claimbench.run.spec", False),
    ]
    assert _cycles(ring) == [["claimbench.run.runner", "claimbench.run.spec"]]


def test_no_import_cycle() -> None:
    edges = [e for e in EDGES if not (e.lazy and (e.source, e.target) in ALLOWED_LAZY)]
    cycles = _cycles(edges)
    shown = [
        " <-> ".join(c)
        + ": "
        + "; ".join(f"{e.source} -> {e.target}" for e in edges if {e.source, e.target} <= set(c))
        for c in cycles
    ]
    assert not cycles, "import cycles:\n" + "\n".join(shown)


def test_every_allowed_import_is_still_there_and_lazy() -> None:
    """An allow-list entry whose import is gone (or became a module-level one) is removed, not kept."""
    for pair in sorted(ALLOWED_LAZY):
        found = [e for e in EDGES if (e.source, e.target) == pair]
        assert found, f"{pair} no longer imports: drop it from ALLOWED_LAZY"
        assert all(e.lazy for e in found), (
            f"{pair} is imported at module level: the allowance is for lazy imports"
        )


@pytest.mark.parametrize(
    ("source", "target"),
    [
        (
            "claimbench.run.engines_dask",
            "claimbench.run.engines",
        ),  # the shared part is claimbench.run.batches
        (
            "claimbench.data.adapters.fnc1",
            "claimbench.data.adapters",
        ),  # adapters build through datasets._build
        ("claimbench.data.adapters._pairs", "claimbench.data.adapters"),
        (
            "claimbench.run.streaming",
            "claimbench.report.json",
        ),  # a format module; rows come from report.model
        ("claimbench.scoring.tables", "claimbench.run.spec"),  # BootstrapSpec lives in stats
        ("claimbench.scoring.tables", "claimbench.data.dataset"),  # annotations only
        ("claimbench.checkers.stance", "claimbench.checkers.claim_stance"),  # loaders live in checkers.stance
        ("claimbench.train.claims", "claimbench.checkers.claim_stance"),  # SHIPPED_CLAIM_MODEL
    ],
)
def test_imports_that_ran_up_the_flow_are_gone(source: str, target: str) -> None:
    assert not [e for e in EDGES if (e.source, e.target) == (source, target)]
