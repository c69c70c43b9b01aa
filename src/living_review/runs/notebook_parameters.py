"""The parameters a notebook declares: names, types, defaults and allowed values.

A chapter's ``parameters`` cell (the code cell tagged ``parameters``) declares what may be
changed. It must hold literal assignments only (``name = <literal>``; text, numbers,
booleans, ``None``, lists, dicts); each defines an allowed name, its type (that of the
default) and the default. A value's allowed set comes from, in this order:

1. a comment on the assignment's line, ``# one of: a, b, c`` (each item read as YAML,
   so ``# one of: 0.9, 0.95`` allows two numbers);
2. a comment ``# from data: TABLE.COLUMN`` (``# from data: studies.drug``): the values
   that column of ``data/TABLE.csv`` holds, so a drug with no cohort is refused;
3. otherwise the review's closed option sets in :mod:`living_review.settings`: a name equal
   to a settings field whose type is a ``Literal`` (``transform``, ``tau2_method``,
   ``model``, ``histology``), or equal, ignoring case and underscores, to one of its
   ``Literal`` aliases (``outcome`` -> ``Outcome``). For a list whose settings field is
   a tuple of a ``Literal`` (``outcomes``) the set applies to every item.

Values given on the command line are read with ``yaml.safe_load`` (``-p hakn true``,
``-p outcomes "[ORR]"``), except for text parameters, which take the value as written.
A whole number is accepted for a float parameter. A ``None`` default accepts any value.

Example
-------
>>> spec = parse_parameters('level = 0.95  # one of: 0.9, 0.95')
>>> validate_parameters(spec, {"level": "0.9"})
{'level': 0.9}
"""

from __future__ import annotations

import ast
import re
import typing
from dataclasses import dataclass, fields, is_dataclass
from pathlib import Path
from typing import Any, Literal

import jupytext
import nbformat
import yaml

from living_review import settings as settings_module

ONE_OF = re.compile(r"#\s*one of:\s*(.+)$", re.IGNORECASE)
FROM_DATA = re.compile(r"#\s*from data:\s*([a-z_]+)\.([a-z_]+)\s*$", re.IGNORECASE)
TYPE_NAMES = {bool: "true/false", int: "whole number", float: "number", str: "text", list: "list", dict: "mapping"}


class ParameterError(ValueError):
    """A rerun parameter is unknown, of the wrong type or outside its allowed set."""


@dataclass(frozen=True)
class Parameter:
    """One entry of a notebook's parameters cell."""

    name: str
    default: Any
    allowed: tuple | None = None
    item_allowed: tuple | None = None

    @property
    def kind(self) -> type | None:
        return None if self.default is None else type(self.default)

    def describe(self) -> str:
        kind = TYPE_NAMES.get(self.kind, "any value")
        sets = f", one of {', '.join(map(str, self.allowed))}" if self.allowed else ""
        items = f", items one of {', '.join(map(str, self.item_allowed))}" if self.item_allowed else ""
        return f"{self.name} ({kind}{sets}{items}; default {self.default!r})"


def _norm(name: str) -> str:
    return name.replace("_", "").lower()


def _settings_literals() -> tuple[dict[str, tuple], dict[str, tuple]]:
    """(scalar sets, list-item sets) by normalised name, from living_review.settings."""
    scalar: dict[str, tuple] = {}
    items: dict[str, tuple] = {}
    for name, value in vars(settings_module).items():
        if typing.get_origin(value) is Literal:
            scalar[_norm(name)] = typing.get_args(value)
        if isinstance(value, type) and is_dataclass(value):
            hints = typing.get_type_hints(value)
            for f in fields(value):
                hint = hints[f.name]
                if typing.get_origin(hint) is Literal:
                    scalar[_norm(f.name)] = typing.get_args(hint)
                elif typing.get_origin(hint) is tuple and typing.get_origin(typing.get_args(hint)[0]) is Literal:
                    items[_norm(f.name)] = typing.get_args(typing.get_args(hint)[0])
    return scalar, items


def parameters_cell(notebook: nbformat.NotebookNode, source: str = "notebook") -> str:
    """The code of the cell tagged ``parameters``; empty when there is none (nothing declared)."""
    cells = [c for c in notebook.cells if c.cell_type == "code" and "parameters" in c.metadata.get("tags", [])]
    if len(cells) > 1:
        raise ParameterError(f"{source}: expected one code cell tagged 'parameters', found {len(cells)}")
    return cells[0].source if cells else ""


def parse_parameters(code: str, source: str = "parameters cell") -> dict[str, Parameter]:
    """Parse a parameters cell's code into ``{name: Parameter}`` (see the module notes)."""
    try:
        tree = ast.parse(code)
    except SyntaxError as error:
        raise ParameterError(f"{source}: not valid Python ({error.msg}, line {error.lineno})") from None
    lines = code.splitlines()
    scalar_sets, item_sets = _settings_literals()
    found = {}
    for node in tree.body:
        target = node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1 else getattr(node, "target", None)
        if not isinstance(node, (ast.Assign, ast.AnnAssign)) or not isinstance(target, ast.Name) or node.value is None:
            raise ParameterError(f"{source}, line {node.lineno}: only 'name = <literal>' assignments are allowed")
        try:
            default = ast.literal_eval(node.value)
        except ValueError:
            raise ParameterError(
                f"{source}, line {node.lineno}: the value of {target.id!r} is not a literal "
                "(text, number, true/false, None, list or dict)"
            ) from None
        comment = ONE_OF.search(lines[node.end_lineno - 1])
        from_data = FROM_DATA.search(lines[node.end_lineno - 1])
        is_list = isinstance(default, list)
        if from_data:
            chosen = data_values(from_data.group(1), from_data.group(2), f"{source}, line {node.lineno}")
        elif comment:
            # text stays text: 'yes' in a set of words must not become True
            textual = isinstance(default, str) or (is_list and all(isinstance(v, str) for v in default))
            chosen = tuple(v.strip() if textual else yaml.safe_load(v.strip())
                           for v in comment.group(1).split(",") if v.strip())
        else:
            chosen = (item_sets if is_list else scalar_sets).get(_norm(target.id))
        # for a list, the set constrains every item
        allowed, items = (None, chosen) if is_list else (chosen, None)
        outside = [v for v in (default if is_list else [default]) if chosen is not None and v not in chosen]
        if outside:
            raise ParameterError(
                f"{source}, line {node.lineno}: the default of {target.id!r} ({', '.join(map(repr, outside))}) "
                f"is not in its allowed set ({', '.join(map(str, chosen))})"
            )
        found[target.id] = Parameter(target.id, default, allowed, items)
    return found


def data_values(table: str, column: str, source: str = "parameters cell") -> tuple[str, ...]:
    """The distinct non-empty values of ``column`` in ``data/<table>.csv``, sorted."""
    from living_review.core.paths import data_dir

    path = data_dir() / f"{table}.csv"
    from living_review.core.encoding import dict_rows

    try:
        rows = [row for _, row in dict_rows(path, f"data/{table}.csv")]
    except (OSError, ValueError) as error:
        raise ParameterError(f"{source}: cannot read the allowed values from data/{table}.csv ({error})") from None
    if rows and column not in rows[0]:
        raise ParameterError(f"{source}: data/{table}.csv has no column {column!r}")
    return tuple(sorted({r[column] for r in rows if r[column]}))


def read_parameters(path: Path) -> dict[str, Parameter]:
    """The allowed parameters of the jupytext notebook at ``path``."""
    path = Path(path)
    return parse_parameters(parameters_cell(jupytext.read(path), path.name), f"{path.name} parameters cell")


def _coerce(spec: Parameter, raw: Any) -> Any:
    try:
        value = yaml.safe_load(raw) if isinstance(raw, str) and spec.kind is not str else raw
    except yaml.YAMLError:
        raise ParameterError(f"{spec.name}: {raw!r} is not valid YAML (write e.g. true, 0.9 or \"[ORR, DCR]\")") from None
    kind = spec.kind
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        try:
            value = float(value)
        except OverflowError:
            raise ParameterError(f"{spec.name}: a whole number of {len(str(abs(value)))} digits is too large for a "
                                 "number (check the value)") from None
    if kind is not None and not (type(value) is kind):
        raise ParameterError(f"{spec.name}: {raw!r} is not a {TYPE_NAMES.get(kind, kind.__name__)}")
    if spec.allowed is not None and value not in spec.allowed:
        raise ParameterError(f"{spec.name}: {value!r} is not allowed (use one of: {', '.join(map(str, spec.allowed))})")
    if spec.item_allowed is not None:
        bad = [v for v in value if v not in spec.item_allowed]
        if bad:
            raise ParameterError(f"{spec.name}: item(s) {', '.join(map(repr, bad))} not allowed")
    return value


def validate_parameters(spec: dict[str, Parameter], given: dict[str, Any], source: str = "notebook") -> dict:
    """Check ``given`` against ``spec``; return the typed values or raise listing what is allowed."""
    problems, values = [], {}
    for name, raw in given.items():
        if name not in spec:
            problems.append(f"unknown parameter {name!r}")
            continue
        try:
            values[name] = _coerce(spec[name], raw)
        except ParameterError as error:
            problems.append(str(error))
    if problems:
        allowed = "\n  ".join(p.describe() for p in spec.values()) or (
            "(none: the notebook has no cell tagged 'parameters'; its analysis settings can still be "
            "changed with -s SECTION.KEY VALUE)")
        raise ParameterError(f"{source}: " + "; ".join(problems) + f".\nAllowed parameters:\n  {allowed}")
    return values
