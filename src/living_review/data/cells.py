"""Cell checks from the data dictionary: types, required fields, vocabularies, bounds, keys.

Each cell is checked against its field in ``datapackage.json`` and converted to a Python
value (``int``, ``float``, ``bool``, ``str`` or ``None`` for an empty cell). A value that is
not in a controlled vocabulary gets a close-match hint (difflib), so ``Lenvatinib`` or
``lenvatinb`` point to ``lenvatinib``.

Example
-------
>>> from living_review.data.schema import Field
>>> f = Field("drug", "string", enum=("lenvatinib", "sorafenib"))
>>> convert_cell("lenvatinb", f)
(None, "'lenvatinb' is not allowed (use one of: lenvatinib, sorafenib; did you mean 'lenvatinib'?)")
"""

from __future__ import annotations

import difflib
import math
import re
from typing import Any

from living_review.core.csvfile import RawTable
from living_review.core.problems import Problem
from living_review.data.schema import Field, Resource

# Hand-entered data never need a plus sign, a bare point or exponent notation; refusing
# them keeps '1e+16' or '.5' from slipping through as a plausible-looking number.
_INTEGER = re.compile(r"^-?[0-9]+$")
_NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")

Row = tuple[int, dict[str, Any]]


def _enum_hint(value: str, allowed: tuple[str, ...]) -> str:
    folded = {a.lower().replace(" ", "_"): a for a in allowed}
    key = value.lower().replace(" ", "_")
    if key in folded:
        return f"; did you mean {folded[key]!r}?"
    close = difflib.get_close_matches(value, list(allowed), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _short(text: str) -> str:
    return repr(text) if len(text) <= 24 else repr(text[:20] + "...")


def convert_cell(text: str, field: Field) -> tuple[Any, str | None]:
    """Convert one cell; return ``(value, None)`` or ``(None, message)``.

    An empty cell is ``None`` (an error only if the field is required).
    """
    if text == "":
        return None, ("required value is empty (fill it in from the source)" if field.required else None)
    value: Any = text.strip()
    if field.type == "integer":
        if not _INTEGER.match(value):
            return None, f"{text!r} is not a whole number (write digits only, e.g. 12)"
        if len(value.lstrip("-")) > 18:  # beyond a 64-bit integer (the loader's Int64 columns)
            return None, f"{_short(text)} is too large for a whole number (at most 18 digits; check the value)"
        value = int(value)
    elif field.type == "number":
        if not _NUMBER.match(value):
            return None, f"{text!r} is not a number (write e.g. 2.6, with a point as decimal mark)"
        digits = len(value.split(".")[0].lstrip("-"))
        if digits > 15 or not math.isfinite(float(value)):
            return None, (f"{_short(text)} has {digits} digits before the point, more than a number "
                          "holds exactly (at most 15; check the value)")
        value = float(value)
    elif field.type == "boolean":
        if value in field.true_values:
            value = True
        elif value in field.false_values:
            value = False
        else:
            allowed = ", ".join((*field.true_values, *field.false_values))
            return None, f"{text!r} is not a yes/no value (write one of: {allowed})"
    if field.enum is not None and str(value) not in field.enum:
        return None, (f"{text!r} is not allowed (use one of: {', '.join(field.enum)}"
                      f"{_enum_hint(str(value), field.enum)})")
    if field.pattern is not None and isinstance(value, str) and not field.pattern.fullmatch(value):
        return None, f"{text!r} does not match the pattern {field.pattern.pattern} (correct its format)"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if field.minimum is not None and value < field.minimum:
            what = "negative" if field.minimum == 0 else f"below the minimum {field.minimum}"
            return None, f"{text} is {what} (correct the value; minimum {field.minimum})"
        if field.maximum is not None and value > field.maximum:
            return None, f"{text} is above the maximum {field.maximum} (correct the value or its unit)"
    return value, None


def typed_rows(table: RawTable, resource: Resource) -> tuple[list[Row], list[Problem]]:
    """Convert every cell of ``table``; check uniqueness and the primary key.

    Returns
    -------
    (rows, problems) : rows hold ``None`` for empty or invalid cells, so later checks
        skip them instead of reporting the same cell twice.
    """
    problems: list[Problem] = []
    rows: list[Row] = []
    fields = {f.name: f for f in resource.fields}
    for line, cells in table.rows:
        values: dict[str, Any] = {}
        for name, field in fields.items():
            if name not in cells:
                values[name] = None
                continue
            values[name], message = convert_cell(cells[name], field)
            if message:
                problems.append(Problem(table.file, line, name, message))
        rows.append((line, values))
    for field in resource.fields:
        if field.unique:
            problems += _duplicates(table.file, rows, (field.name,))
    if resource.primary_key:
        problems += _duplicates(table.file, rows, resource.primary_key)
    return rows, problems


def _duplicates(file: str, rows: list[Row], key: tuple[str, ...]) -> list[Problem]:
    seen: dict[tuple, int] = {}
    out = []
    for line, values in rows:
        k = tuple(values.get(c) for c in key)
        if any(v is None for v in k):
            continue
        if k in seen:
            shown = ", ".join(str(v) for v in k)
            out.append(Problem(file, line, "+".join(key), f"{shown!r} repeats line {seen[k]} (each key must "
                               "be unique; merge or rename the rows)"))
        else:
            seen[k] = line
    return out
