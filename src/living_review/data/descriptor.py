"""The data package descriptor itself, checked against the Data Package / Table Schema specs.

A descriptor that the validator cannot use (a bound written as text, a pattern that is
not a regular expression, a primary key naming no field) is reported at the line of the
bad property in ``datapackage.json``, never as a Python error from deeper down.

Checked (Frictionless Data Package v1 and Table Schema v1, as far as this project uses them)
-------------------------------------------------------------------------------------------
* the package is an object with a non-empty ``resources`` array of objects;
* a resource has a unique ``name`` (lower case, digits, ``-._``), a relative ``path``
  inside the data folder and a ``schema`` object whose ``fields`` is an array;
* a field has a unique non-empty ``name``, a ``type`` the loader reads (string, integer,
  number, boolean) and, if given, a string ``description`` and ``unit``;
* ``constraints`` hold only known keys: ``required`` and ``unique`` are true/false,
  ``minimum``/``maximum`` are numbers on numeric fields with minimum <= maximum,
  ``minLength``/``maxLength`` are non-negative integers, ``pattern`` is a string that
  compiles as a regular expression, ``enum`` is a non-empty array of distinct values;
* ``trueValues``/``falseValues`` are arrays of strings (boolean fields only);
* ``primaryKey`` is a field name or an array of field names of the same schema.

Example
-------
>>> text = '{"resources": [{"name": "t", "path": "t.csv", "schema": {"fields": [\\n'\\
...        '  {"name": "n", "type": "integer", "constraints": {"minimum": "0"}}]}}]}'
>>> [str(p) for p in check_descriptor(text, "data/datapackage.json")]
["data/datapackage.json:2: n: constraint 'minimum' of resource 't' is '0', not a number (write it without quotes, e.g. 0)"]
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from living_review.core.problems import Problem

FIELD_TYPES = ("string", "integer", "number", "boolean")
# Table Schema types the loader does not read (named so the message can say so).
SPEC_TYPES = ("date", "time", "datetime", "year", "yearmonth", "duration", "object", "array", "geopoint",
              "geojson", "any")
CONSTRAINTS = ("required", "unique", "minimum", "maximum", "minLength", "maxLength", "pattern", "enum")
_RESOURCE_NAME = re.compile(r"^[a-z0-9._-]+$")


class _Lines:
    """Line numbers of the properties of a JSON text, found in document order."""

    def __init__(self, text: str):
        self.text = text

    def line(self, offset: int) -> int:
        return self.text.count("\n", 0, max(offset, 0)) + 1

    def find(self, key: str, start: int = 0, value: Any = None) -> int:
        """Offset of ``"key":`` (followed by ``value`` when given) at or after ``start``; ``start`` if absent."""
        pattern = rf'"{re.escape(key)}"\s*:'
        if value is not None:
            pattern += r"\s*" + re.escape(json.dumps(value))
        found = re.compile(pattern).search(self.text, start)
        return found.start() if found else start


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _constraint_problems(name: str, ftype: str, c: dict, res: str) -> Iterator[tuple[str, str]]:
    """(key, message) for each unusable constraint of one field."""
    for key in c:
        if key not in CONSTRAINTS:
            yield key, f"unknown constraint {key!r} in resource {res!r} (use one of: {', '.join(CONSTRAINTS)})"
    for key in ("required", "unique"):
        if key in c and not isinstance(c[key], bool):
            yield key, f"constraint {key!r} of resource {res!r} is {c[key]!r}, not true or false (write true or false)"
    for key in ("minimum", "maximum"):
        if key in c:
            if ftype not in ("integer", "number"):
                yield key, f"constraint {key!r} on a {ftype} field of resource {res!r} (bounds apply to numbers only)"
            elif not _is_number(c[key]):
                yield key, (f"constraint {key!r} of resource {res!r} is {c[key]!r}, not a number (write it "
                            "without quotes, e.g. 0)")
    if _is_number(c.get("minimum")) and _is_number(c.get("maximum")) and c["minimum"] > c["maximum"]:
        yield "maximum", f"maximum {c['maximum']} is below minimum {c['minimum']} (swap or correct them)"
    for key in ("minLength", "maxLength"):
        if key in c and (not isinstance(c[key], int) or isinstance(c[key], bool) or c[key] < 0):
            yield key, f"constraint {key!r} of resource {res!r} is {c[key]!r}, not a whole number >= 0"
    if "pattern" in c:
        if not isinstance(c["pattern"], str):
            yield "pattern", f"pattern {c['pattern']!r} of resource {res!r} is not a string (quote it)"
        else:
            try:
                re.compile(c["pattern"])
            except re.error as err:
                yield "pattern", (f"pattern {c['pattern']!r} of resource {res!r} is not a valid regular "
                                  f"expression: {err} (correct it)")
    if "enum" in c:
        enum = c["enum"]
        if not isinstance(enum, list) or not enum:
            yield "enum", f"enum of resource {res!r} is not a non-empty array (write [\"a\", \"b\"])"
        elif len({json.dumps(v) for v in enum}) != len(enum):
            yield "enum", f"enum of resource {res!r} lists a value twice (delete the duplicate)"
        elif any(isinstance(v, (dict, list)) for v in enum):
            yield "enum", f"enum of resource {res!r} holds an object or array (list plain values)"


def _field_problems(raw: Any, res: str) -> Iterator[tuple[str, str]]:
    """(key, message) for each defect of one field descriptor."""
    if not isinstance(raw, dict):
        yield "-", f"a field of resource {res!r} is {raw!r}, not an object (write {{\"name\": ..., \"type\": ...}})"
        return
    name, ftype = raw.get("name"), raw.get("type", "string")
    if not isinstance(name, str) or not name.strip():
        yield "name", f"a field of resource {res!r} has no name (give it the CSV column name)"
    if ftype not in FIELD_TYPES:
        spec = " (a Table Schema type the loader does not read)" if ftype in SPEC_TYPES else ""
        yield "type", f"type {ftype!r} of resource {res!r} is not supported{spec} (use one of: {', '.join(FIELD_TYPES)})"
    for key in ("description", "unit", "title"):
        if key in raw and not isinstance(raw[key], str):
            yield key, f"{key} of resource {res!r} is {raw[key]!r}, not a string (quote it)"
    for key in ("trueValues", "falseValues"):
        if key in raw:
            if ftype != "boolean":
                yield key, f"{key} on a {ftype} field of resource {res!r} (only boolean fields have it)"
            elif not isinstance(raw[key], list) or not all(isinstance(v, str) for v in raw[key]):
                yield key, f"{key} of resource {res!r} is not an array of strings (write [\"yes\"])"
    c = raw.get("constraints", {})
    if not isinstance(c, dict):
        yield "constraints", f"constraints of resource {res!r} are {c!r}, not an object"
        return
    yield from _constraint_problems(name, ftype, c, res)


def check_descriptor(text: str, shown: str) -> list[Problem]:
    """Every defect of the data package in JSON ``text``, at the line of the bad property.

    Parameters
    ----------
    text : the content of ``datapackage.json`` (already known to be valid JSON).
    shown : file name used in problems, e.g. ``data/datapackage.json``.
    """
    raw = json.loads(text)
    lines = _Lines(text)
    if not isinstance(raw, dict) or not isinstance(raw.get("resources"), list) or not raw["resources"]:
        return [Problem(shown, 1, "-", "the package has no 'resources' array (restore datapackage.json from git)")]
    problems: list[Problem] = []
    seen: set[str] = set()
    at = lines.find("resources")
    for res in raw["resources"]:
        if not isinstance(res, dict):
            problems.append(Problem(shown, lines.line(at), "-", f"resource {res!r} is not an object"))
            continue
        rname = res.get("name")
        at = lines.find("name", at, rname) if isinstance(rname, str) else at
        where = lines.line(at)
        if not isinstance(rname, str) or not _RESOURCE_NAME.match(rname):
            problems.append(Problem(shown, where, "-", f"resource name {rname!r} is not lower-case letters, digits "
                                    "and '-._' (rename it)"))
        elif rname in seen:
            problems.append(Problem(shown, where, "-", f"resource {rname!r} is described twice (merge them)"))
        seen.add(str(rname))
        path = res.get("path")
        if not isinstance(path, str) or not path or path.startswith(("/", "\\")) or ".." in path.split("/"):
            problems.append(Problem(shown, lines.line(lines.find("path", at)), "-",
                                    f"path {path!r} of resource {rname!r} is not a file inside the data folder "
                                    "(write e.g. \"studies.csv\")"))
        schema = res.get("schema")
        fields = schema.get("fields") if isinstance(schema, dict) else None
        if not isinstance(fields, list):
            problems.append(Problem(shown, where, "-", f"resource {rname!r} has no schema with a 'fields' array"))
            continue
        names: list[str] = []
        field_at = lines.find("fields", at)
        for field in fields:
            fname = field.get("name") if isinstance(field, dict) else None
            if isinstance(fname, str):
                field_at = lines.find("name", field_at + 1, fname)
            column = fname if isinstance(fname, str) and fname else "-"
            if isinstance(fname, str) and fname in names:
                problems.append(Problem(shown, lines.line(field_at), column,
                                        f"field {fname!r} appears twice in resource {rname!r} (delete one)"))
            names.append(fname)
            for key, message in _field_problems(field, str(rname)):
                offset = field_at if key in ("-", "name") else lines.find(key, field_at)
                problems.append(Problem(shown, lines.line(offset), column, message))
        key = schema.get("primaryKey", [])
        for part in [key] if isinstance(key, str) else key if isinstance(key, list) else [None]:
            if part not in names:
                problems.append(Problem(shown, lines.line(lines.find("primaryKey", at)), "-",
                                        f"primaryKey {part!r} of resource {rname!r} is not one of its fields "
                                        "(name an existing field)"))
        at = field_at
    return problems
