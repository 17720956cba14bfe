"""The package's import graph, read from the source with ``ast``: no module imports itself back.

Every ``import claimbench…`` and ``from claimbench… import …`` counts, at module level and inside
functions (a function-level import runs too, only later). Imports under ``if TYPE_CHECKING:`` do not:
they never run. Importing ``a.b`` counts as an edge to ``a.b`` only, not to the package ``a`` that Python
also initialises: a package's ``__init__`` importing its own modules is how packages are made.
Dynamic imports (``importlib.import_module``) are not seen, except the root package's lazy re-exports:
``from claimbench import Dataset`` is an import of the module that defines ``Dataset``
(``claimbench._LAZY``), not of the root.

Two properties are checked on that graph: no import cycle, and the layering (:data:`ALLOWED`): each
sub-package imports only what its ``__init__`` docstring's "May import:" names, so nothing imports up the
data flow. The layering reads the imports under ``if TYPE_CHECKING:`` too: a type named from a package
above is a dependency on it, even though it never runs.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import claimbench

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
REEXPORTS: dict[str, str] = dict(claimbench._LAZY)
"""The root package's lazy re-exports: name -> the module that defines it (imported on first use)."""


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


def _imports(module: str, path: Path, *, type_checking: bool = False) -> Iterator[Edge]:
    """The imports of ``module``; those under ``if TYPE_CHECKING:`` too when ``type_checking``."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]

    def visit(node: ast.AST, lazy: bool) -> Iterator[Edge]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child) and not type_checking:
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
                        if base == "claimbench" and alias.name in REEXPORTS:
                            name = REEXPORTS[alias.name]
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


# --- the layering: what each part of the package may import ---------------------------------------------

BASE = frozenset(
    {
        "claimbench.errors",
        "claimbench.records",
        "claimbench.progress",
        "claimbench._io",
        "claimbench._fastjson",
        "claimbench._display",
    }
)
"""The base modules: every part may import them, and they import no sub-package (only each other)."""

SUBPACKAGES = (
    "claimbench.text",
    "claimbench.data",
    "claimbench.checkers",
    "claimbench.train",
    "claimbench.scoring",
    "claimbench.report",
    "claimbench.run",
    "claimbench.publish",
)
"""The sub-packages, each with an ``__init__`` docstring saying what it may import."""


def _part(module: str) -> str:
    """The part of the package ``module`` belongs to: its sub-package, or the top-level module itself."""
    parts = module.split(".")
    return ".".join(parts[:2])


ALLOWED: dict[str, frozenset[str]] = {
    **dict.fromkeys(BASE, BASE),
    "claimbench": BASE | set(REEXPORTS.values()),
    "claimbench.text": BASE,
    "claimbench.data": BASE | {"claimbench.text"},
    "claimbench.checkers": BASE | {"claimbench.text"},
    "claimbench.train": BASE | {"claimbench.text", "claimbench.data"},
    "claimbench.scoring": BASE | {"claimbench.data", "claimbench.report.model"},
    "claimbench.report": BASE | {"claimbench.data"},
    "claimbench.run": BASE
    | {
        "claimbench.text",
        "claimbench.data",
        "claimbench.checkers",
        "claimbench.scoring",
        "claimbench.report.model",
    },
    "claimbench.publish": BASE | {"claimbench.data"},
    "claimbench.testing": BASE | {"claimbench.checkers"},
    "claimbench.cli": frozenset(_part(m) for m in MODULES) - {"claimbench.cli"},  # the top: anything
    # the subcommands of the top (cli assembles them): anything but cli
    "claimbench._cli": frozenset(_part(m) for m in MODULES) - {"claimbench.cli", "claimbench._cli"},
}
"""Each part of the package -> what it may import besides itself: whole parts (a base module, a
sub-package) or one module of a sub-package (``claimbench.report.model``: the record types, not the
formats). The root package imports at module level only the base modules; its re-exports load their
modules on first use (``tests/test_init.py`` checks that ``import claimbench`` stays light). The root
package ``claimbench`` may be imported from anywhere for ``__version__`` and
:class:`~claimbench.errors.ClaimbenchError`; its re-exports count as imports of their modules
(:data:`REEXPORTS`). What a sub-package may import is also written in its ``__init__`` docstring
(:func:`test_each_subpackage_docstring_says_what_it_may_import` keeps the two the same)."""

KNOWN_EXCEPTIONS: dict[tuple[str, str], str] = {}
"""Imports that break :data:`ALLOWED` today, (source, target) -> why, and the fix that will remove them."""


def _allows(allowed: frozenset[str], target: str) -> bool:
    return target == "claimbench" or any(target == a or target.startswith(a + ".") for a in allowed)


LAYER_EDGES = sorted(
    {
        e
        for m, p in MODULES.items()
        for e in _imports(m, p, type_checking=True)
        if _part(e.target) != _part(e.source)
    },
    key=lambda e: (e.source, e.target, e.lazy),
)
"""Every import from one part of the package into another, lazy and ``TYPE_CHECKING`` ones included."""


def _breaks(edges: list[Edge], allowed: dict[str, frozenset[str]]) -> list[str]:
    """Each edge that ``allowed`` does not allow, as ``source -> target (lazy): source part may import …``."""
    shown = []
    for e in edges:
        rule = allowed.get(_part(e.source), frozenset())
        if not _allows(rule, e.target) and (e.source, e.target) not in KNOWN_EXCEPTIONS:
            where = " (inside a function)" if e.lazy else ""
            extra = ", ".join(sorted(rule - BASE))
            may = "the base modules" + (f" and {extra}" if extra else "")
            shown.append(f"{e.source} imports {e.target}{where}: {_part(e.source)} may import only {may}")
    return shown


def test_every_part_has_a_rule() -> None:
    """A new sub-package or top-level module needs a decision: what may it import?"""
    parts = {_part(m) for m in MODULES}
    assert not parts - set(ALLOWED), f"no rule in ALLOWED for {sorted(parts - set(ALLOWED))}: add one"
    assert not set(ALLOWED) - parts, (
        f"ALLOWED has rules for parts that are gone: {sorted(set(ALLOWED) - parts)}"
    )
    assert set(SUBPACKAGES) <= set(ALLOWED)
    for rule in ALLOWED.values():
        for target in rule:
            assert target in MODULES, f"{target} in ALLOWED is no module or package of claimbench"


def test_the_layering_reads_type_checking_imports() -> None:
    pairs = {(e.source, e.target) for e in LAYER_EDGES}
    assert ("claimbench._cli.common", "claimbench.data.dataset") in pairs  # only under TYPE_CHECKING
    assert ("claimbench.run.spec", "claimbench.checkers.registry") in pairs


def test_a_reexport_is_an_import_of_its_module(tmp_path: Path) -> None:
    source = tmp_path / "probe.py"
    source.write_text("from claimbench import Dataset, __version__\n", encoding="utf-8")
    targets = {e.target for e in _imports("claimbench.text.probe", source)}
    assert targets == {"claimbench.data.dataset", "claimbench"}


def test_the_layering_check_finds_an_upward_import() -> None:
    """The check can fail: an import of the runner by the data layer, lazy or not, is named."""
    upward = [
        Edge("claimbench.data.dataset", "claimbench.run.runner", True),
        Edge("claimbench.scoring.tables", "claimbench.report.json", False),
        Edge("claimbench.scoring.tables", "claimbench.report.model", False),
        Edge("claimbench.errors", "claimbench.data.dataset", False),
        Edge("claimbench.checkers.stance", "claimbench", True),
    ]
    assert _breaks(upward, ALLOWED) == [
        "claimbench.data.dataset imports claimbench.run.runner (inside a function): claimbench.data may "
        "import only the base modules and claimbench.text",
        "claimbench.scoring.tables imports claimbench.report.json: claimbench.scoring may import only the "
        "base modules and claimbench.data, claimbench.report.model",
        "claimbench.errors imports claimbench.data.dataset: claimbench.errors may import only the base "
        "modules",
    ]


def test_no_part_imports_what_its_rule_forbids() -> None:
    broken = _breaks(LAYER_EDGES, ALLOWED)
    assert not broken, "imports that break the layering (see ALLOWED):\n" + "\n".join(broken)


def test_every_known_exception_is_still_needed() -> None:
    """An exception whose import is gone, or that the rules now allow, is removed, not kept."""
    for source, target in sorted(KNOWN_EXCEPTIONS):
        assert any((e.source, e.target) == (source, target) for e in LAYER_EDGES), (
            f"{source} -> {target} no longer imports: drop it from KNOWN_EXCEPTIONS"
        )
        assert not _allows(ALLOWED[_part(source)], target), (
            f"{source} -> {target} is allowed now: drop it from KNOWN_EXCEPTIONS"
        )


def test_a_module_allowed_alone_imports_only_what_its_importers_may() -> None:
    """Importing ``claimbench.report.model`` also runs ``claimbench/report/__init__.py``: neither may
    bring in what the parts allowed only that one module may not import (the report formats, say)."""
    for part, rule in sorted(ALLOWED.items()):
        if part == "claimbench":
            continue  # a re-export loads its module on first use, whole: that is what it is for
        for single in sorted(t for t in rule if _part(t) != t):
            for module in (single, _part(single)):
                for e in (e for e in LAYER_EDGES + EDGES if e.source == module):
                    assert e.target == single or _allows(rule, e.target), (
                        f"{part} may import {single}, which (through {module}) imports {e.target}"
                    )


_NAMED = re.compile(r"claimbench(?:\.\w+)+")


def _may_import(docstring: str) -> set[str]:
    """The modules and packages a "May import: …" paragraph names, up to its first "Not"/"Nothing"."""
    start = docstring.index("May import:")
    text = re.split(r"\.\s+(?:Not|Nothing)\b", docstring[start:], maxsplit=1)[0]
    named = set(_NAMED.findall(text))
    return {n for n in named if not any(n.startswith(other + ".") for other in named)}


@pytest.mark.parametrize("package", SUBPACKAGES)
def test_each_subpackage_docstring_says_what_it_may_import(package: str) -> None:
    docstring = ast.get_docstring(ast.parse(MODULES[package].read_text(encoding="utf-8"))) or ""
    assert "May import:" in docstring, f"{package}/__init__.py does not say what it may import"
    said = _may_import(docstring) - BASE
    assert said == set(ALLOWED[package] - BASE), (
        f"{package}/__init__.py says it may import {sorted(said)}; ALLOWED says "
        f"{sorted(ALLOWED[package] - BASE)}: make them the same"
    )
    assert "base modules" in docstring[docstring.index("May import:") :]


def test_import_claimbench_runs_only_base_modules() -> None:
    """The root's module-level imports are base modules; everything else it offers loads on first use."""
    eager = {e.target for e in EDGES if e.source == "claimbench" and not e.lazy}
    assert eager
    assert eager <= BASE, f"claimbench/__init__.py imports {sorted(eager - BASE)} at module level"
