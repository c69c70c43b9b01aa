"""The package's layers import downwards only, and no module import closes a cycle.

The layers, bottom to top, are :data:`LAYERS` (the architecture note, ``docs/architecture.md``,
draws them). A module may import from its own layer and from the layers below it. Imports
are read from the source with :mod:`ast`, those inside functions included, so that a deferred
import cannot hide a dependency; an import under ``if TYPE_CHECKING:`` is for annotations
only and is not a dependency at run time.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import living_review

ROOT = Path(living_review.__file__).parent
LAYERS = ("core", "provenance", "appraisal", "data", "meta", "survival", "search", "settings", "validation",
          "versions", "analyses", "report", "book", "runs", "release", "cli")
BASE = {"living_review._version"}  # the version string: a leaf any layer may read


def _modules(root: Path = ROOT) -> dict[str, Path]:
    out = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _type_checking_lines(tree: ast.AST) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


def imports(modules: dict[str, Path]) -> dict[str, set[tuple[str, int]]]:
    """Every module's imports of the package, as (imported module, line)."""
    edges: dict[str, set[tuple[str, int]]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = _type_checking_lines(tree)
        package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        found: set[tuple[str, int]] = set()
        for node in ast.walk(tree):
            if getattr(node, "lineno", None) in skip:
                continue
            if isinstance(node, ast.Import):
                found |= {(a.name, node.lineno) for a in node.names if a.name in modules}
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    base = ".".join(package[:len(package) - node.level + 1] + ([base] if base else []))
                for alias in node.names:
                    sub = f"{base}.{alias.name}"
                    if sub in modules:  # a submodule: the package's __init__ is not what is used
                        found.add((sub, node.lineno))
                    elif base in modules:
                        found.add((base, node.lineno))
        edges[name] = {(target, line) for target, line in found if target != name}
    return edges


def layer(module: str) -> int | None:
    parts = module.split(".")
    if module in BASE:
        return -1
    if len(parts) < 2:
        return None  # the package itself: a facade no module may import
    return LAYERS.index(parts[1]) if parts[1] in LAYERS else None


def upward(modules: dict[str, Path]) -> list[str]:
    """Every import that runs up the layers, or reaches a module outside them, as 'file:line: a -> b'."""
    out = []
    top = modules["living_review"].parent.parent
    for source, targets in imports(modules).items():
        here = layer(source)
        for target, line in sorted(targets):
            there = layer(target)
            if here is None and source == "living_review":
                continue  # the package's facade names its public entry points lazily
            if there is None or here is None or there > here:
                out.append(f"{modules[source].relative_to(top).as_posix()}:{line}: {source} -> {target}")
    return out


def cycles(modules: dict[str, Path]) -> list[list[str]]:
    """The module import cycles (strongly connected components of more than one module)."""
    graph = {m: {t for t, _ in targets} for m, targets in imports(modules).items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:  # Tarjan's algorithm
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_every_package_is_a_layer():
    packages = {p.name for p in ROOT.iterdir() if (p / "__init__.py").is_file()}
    assert packages == set(LAYERS)
    assert {p.stem for p in ROOT.glob("*.py")} == {"__init__", "_version"}


def test_imports_run_downwards_only():
    assert upward(_modules()) == []


def test_no_module_import_closes_a_cycle():
    assert cycles(_modules()) == []


def _fake(tmp_path: Path, files: dict[str, str]) -> dict[str, Path]:
    for rel, text in files.items():
        path = tmp_path / "living_review" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return _modules(tmp_path / "living_review")


@pytest.mark.parametrize("text", ["from living_review.report import tables\n",
                                  "def f():\n    from living_review.report.tables import table\n",
                                  "import living_review.report.tables\n"])
def test_an_upward_import_is_found_wherever_it_is_written(tmp_path, text):
    modules = _fake(tmp_path, {"__init__.py": "", "core/__init__.py": "", "core/x.py": text,
                               "report/__init__.py": "", "report/tables.py": ""})
    assert upward(modules) == [f"living_review/core/x.py:{text.count(chr(10))}: living_review.core.x -> "
                               "living_review.report.tables"]


def test_an_import_for_annotations_only_is_no_dependency(tmp_path):
    text = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from living_review.report.tables import T\n"
    modules = _fake(tmp_path, {"__init__.py": "", "core/__init__.py": "", "core/x.py": text,
                               "report/__init__.py": "", "report/tables.py": ""})
    assert upward(modules) == []


def test_a_cycle_between_modules_of_one_layer_is_found(tmp_path):
    modules = _fake(tmp_path, {"__init__.py": "", "data/__init__.py": "",
                               "data/a.py": "from living_review.data import b\n",
                               "data/b.py": "def f():\n    from living_review.data.a import g\n"})
    assert cycles(modules) == [["living_review.data.a", "living_review.data.b"]]
