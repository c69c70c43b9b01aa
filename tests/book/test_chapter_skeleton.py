"""Every chapter has the skeleton of a cookbook page: it narrates, and the package computes.

A chapter's code cells hold its parameters, its imports (in its first code cells, before any
computation), calls into the package, the tables and figures those calls return, and
``glue``. So a chapter holds:

* no ``def``, ``class`` or ``lambda``;
* no loop that computes: a ``for`` loop's body only glues or displays values (``glue(...)``,
  ``display(...)``), and no
  comprehension calls into the package once per item (a section's results come from one call);
* no regular expressions (a chapter does not parse what the package formatted);
* no literal study id, overlap group or comparison id of the data (what a chapter says of a cohort comes from
  the data through the package), and no file read past the validated loader (no ``open``, no
  ``read_csv``).
"""

from __future__ import annotations

import ast
import csv
from pathlib import Path

import jupytext
import pytest

from living_review.core.paths import project_root

ROOT = project_root()
CHAPTERS = sorted([*ROOT.glob("notebooks/*.md"), ROOT / "notebooks/templates/drug_results.md",
                   *ROOT.glob("book/*.md")])
CHAPTERS = [p for p in CHAPTERS if any(c.cell_type == "code" for c in jupytext.read(p).cells)]


def _data_names() -> set[str]:
    with open(ROOT / "data" / "studies.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    with open(ROOT / "data" / "comparisons.csv", encoding="utf-8", newline="") as f:
        comparisons = {r["comparison_id"] for r in csv.DictReader(f)}
    return {r["study_id"] for r in rows} | {r["overlap_group"] for r in rows if r["overlap_group"]} | comparisons


def _code(path: Path) -> list[str]:
    cells = [c.source for c in jupytext.read(path).cells if c.cell_type == "code"]
    return ["\n".join(line for line in cell.splitlines() if not line.lstrip().startswith(("%", "!")))
            for cell in cells]


def _package_names(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("living_review"):
            names |= {a.asname or a.name for a in node.names}
        elif isinstance(node, ast.Import):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names if a.name.startswith("living_review")}
    return names


def _root_name(func: ast.expr) -> str | None:
    while isinstance(func, (ast.Attribute, ast.Call, ast.Subscript)):
        func = func.func if isinstance(func, ast.Call) else func.value
    return func.id if isinstance(func, ast.Name) else None


def _literal(node: ast.expr) -> bool:
    try:
        ast.literal_eval(node)
    except ValueError:
        return False
    return True


def _presents(stmt: ast.stmt) -> bool:
    """``glue(...)`` or ``display(...)``, or an ``if`` that only does those: a loop over values to show."""
    if isinstance(stmt, ast.If):
        return all(_presents(s) for s in stmt.body + stmt.orelse)
    return (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call)
            and isinstance(stmt.value.func, ast.Name) and stmt.value.func.id in ("glue", "display"))


def problems(path: Path, data_names: set[str]) -> list[str]:
    """What in a chapter's code breaks the skeleton, one line each."""
    out: list[str] = []
    cells = _code(path)
    trees = [ast.parse(cell) for cell in cells]
    package = set().union(*(_package_names(t) for t in trees)) if trees else set()
    computed = False
    for number, tree in enumerate(trees, 1):
        for stmt in tree.body:
            if isinstance(stmt, (ast.Import, ast.ImportFrom)):
                if computed:
                    out.append(f"cell {number}: an import after the chapter started computing (line {stmt.lineno})")
            elif not (isinstance(stmt, ast.Assign) and _literal(stmt.value)):
                computed = True  # a parameter cell holds literal values only
        for node in ast.walk(tree):
            where = f"cell {number}, line {getattr(node, 'lineno', '?')}"
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
                out.append(f"{where}: a definition ({type(node).__name__})")
            elif isinstance(node, (ast.For, ast.While)):
                if not all(_presents(s) for s in node.body) or node.orelse:
                    out.append(f"{where}: a loop that does more than glue values")
            elif isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
                calls = [c for c in ast.walk(node) if isinstance(c, ast.Call) and _root_name(c.func) in package]
                if calls:
                    out.append(f"{where}: a comprehension that calls the package for each item")
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names] + ([node.module or ""] if isinstance(node, ast.ImportFrom) else [])
                if "re" in names or "regex" in names:
                    out.append(f"{where}: a regular expression module")
            elif (isinstance(node, ast.Attribute) and node.attr in ("extract", "extractall", "findall", "match", "fullmatch")
                  and isinstance(node.value, ast.Attribute) and node.value.attr == "str"):
                out.append(f"{where}: a regular expression (.str.{node.attr})")
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in data_names:
                out.append(f"{where}: the literal {node.value!r} names a cohort or overlap group of the data")
            elif isinstance(node, ast.Call):
                if any(k.arg == "regex" and not (isinstance(k.value, ast.Constant) and k.value.value is False)
                       for k in node.keywords):
                    out.append(f"{where}: a regular expression (regex=)")
                name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                if name in ("open", "read_csv", "read_text", "read_frame", "read_excel"):
                    out.append(f"{where}: a file read past the validated loader ({name})")
    return out


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_chapter_has_the_skeleton(path):
    assert problems(path, _data_names()) == []


def _chapter(tmp_path: Path, code: str) -> Path:
    path = tmp_path / "chapter.md"
    path.write_text("---\njupytext:\n  text_representation:\n    extension: .md\n    format_name: myst\n"
                    "    format_version: 0.13\nkernelspec:\n  display_name: Python 3\n  language: python\n"
                    "  name: python3\n---\n\n# A chapter\n\n```{code-cell} ipython3\n" + code + "```\n",
                    encoding="utf-8")
    return path


@pytest.mark.parametrize("code, found", [
    ("x = [1]\nfor v in x:\n    y = v + 1\n", "a loop that does more than glue values"),
    ("x = [1]\nfor v in x:\n    if v:\n        y = v\n", "a loop that does more than glue values"),
    ("from living_review.meta import metaprop\nr = {o: metaprop([1], [2]) for o in 'ab'}\n",
     "a comprehension that calls the package"),
    ("import re\n", "a regular expression module"),
    ("import pandas as pd\np = pd.Series(['p = 0.2']).str.extract(r'p = (.*)')\n", "a regular expression (.str.extract)"),
    ("row = 'wirth2021'\n", "names a cohort or overlap group"),
    ("f = lambda x: x\n", "a definition"),
    ("import pandas as pd\nt = pd.read_csv('data/km/index.csv')\n", "a file read past the validated loader"),
    ("x = 1 + 1\nimport numpy\n", "an import after the chapter started computing"),
])
def test_each_rule_is_enforced(tmp_path, code, found):
    assert any(found in p for p in problems(_chapter(tmp_path, code), {"wirth2021"}))


def test_a_loop_that_only_glues_is_fine(tmp_path):
    code = "from myst_nb import glue\nvalues = {'a': '1'}\nfor k, v in values.items():\n    glue(k, v, display=False)\n"
    assert problems(_chapter(tmp_path, code), {"wirth2021"}) == []
