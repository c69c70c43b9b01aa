"""The data dictionary, read from ``data/datapackage.json`` (a Frictionless Data Package).

The published dictionary and the validator's checks come from this one file, so they can
never diverge: field types, required fields, controlled vocabularies (``enum``), patterns,
bounds and uniqueness are all taken from each field's ``constraints``.

Example
-------
>>> from living_review.core.paths import data_dir
>>> schema = read_schema(data_dir())                       # doctest: +SKIP
>>> schema.resources["studies"].field("drug").enum[:2]     # doctest: +SKIP
('lenvatinib', 'sorafenib')
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from living_review.core.problems import Problem
from living_review.data.descriptor import check_descriptor

PACKAGE_FILE = "datapackage.json"
FIELD_TYPES = ("string", "integer", "number", "boolean")
# The resources the loader needs; every one must be described in the package.
RESOURCE_NAMES = (
    "studies", "landmarks", "adverse_events", "discrepancies", "previous_version_inputs", "sources",
    "previous_version_results", "risk_of_bias", "comparisons", "comparative_certainty", "single_arm_certainty",
    "previous_certainty", "biomarkers", "quotes",
)


@dataclass(frozen=True)
class Field:
    """One column: its type, unit, description and constraints."""

    name: str
    type: str
    description: str = ""
    unit: str | None = None
    required: bool = False
    unique: bool = False
    enum: tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    pattern: re.Pattern | None = None
    true_values: tuple[str, ...] = ("true",)
    false_values: tuple[str, ...] = ("false",)


@dataclass(frozen=True)
class Resource:
    """One CSV file of the package and its schema."""

    name: str
    path: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    derived: tuple[tuple[str, str], ...] = ()

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"{self.path} has no field {name!r}")

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)


@dataclass(frozen=True)
class Schema:
    """All resources of the package, by name."""

    resources: dict[str, Resource]


def _field(raw: dict, where: str, problems: list[Problem]) -> Field | None:
    name, ftype = raw.get("name"), raw.get("type", "string")
    if not name or ftype not in FIELD_TYPES:
        problems.append(Problem(PACKAGE_FILE, 0, str(name or "-"),
                                f"field in {where} has no name or an unsupported type {ftype!r} "
                                f"(use one of {', '.join(FIELD_TYPES)})"))
        return None
    c = raw.get("constraints", {})
    enum = c.get("enum")
    pattern = c.get("pattern")
    return Field(
        name=name, type=ftype, description=raw.get("description", ""), unit=raw.get("unit"),
        required=bool(c.get("required", False)), unique=bool(c.get("unique", False)),
        enum=tuple(str(v) for v in enum) if enum is not None else None,
        minimum=c.get("minimum"), maximum=c.get("maximum"),
        pattern=re.compile(pattern) if pattern else None,
        true_values=tuple(raw.get("trueValues", ("true",))),
        false_values=tuple(raw.get("falseValues", ("false",))),
    )


def read_schema(data_dir: Path) -> tuple[Schema | None, list[Problem]]:
    """Read the data package of ``data_dir``.

    Returns
    -------
    (Schema or None, problems) : ``None`` when the package cannot be used at all.
    """
    path = Path(data_dir) / PACKAGE_FILE
    shown = f"{Path(data_dir).name}/{PACKAGE_FILE}"
    if not path.is_file():
        return None, [Problem(shown, 0, "-", "data package missing (restore datapackage.json from git)")]
    try:
        text = path.read_bytes().decode("utf-8-sig")
        raw = json.loads(text)
    except UnicodeDecodeError as exc:
        return None, [Problem(shown, 1, "-", f"not valid UTF-8 JSON: byte {exc.start} cannot be decoded "
                              "(re-save the file as UTF-8)")]
    except json.JSONDecodeError as exc:
        return None, [Problem(shown, exc.lineno, "-", f"not valid UTF-8 JSON: {exc.msg} at column {exc.colno} "
                              "(fix the JSON syntax there, or just before it)")]
    problems = check_descriptor(text, shown)
    if problems:
        return None, problems
    resources: dict[str, Resource] = {}
    for res in raw.get("resources", []):
        fields = tuple(f for f in (_field(r, res.get("name", "?"), problems)
                                   for r in res.get("schema", {}).get("fields", [])) if f)
        pk = res.get("schema", {}).get("primaryKey", [])
        resources[res.get("name", "?")] = Resource(
            name=res.get("name", "?"), path=res.get("path", ""), fields=fields,
            primary_key=tuple([pk] if isinstance(pk, str) else pk),
            derived=tuple(res.get("x-derived-fields", {}).items()),
        )
    for name in RESOURCE_NAMES:
        if name not in resources:
            problems.append(Problem(shown, 0, "-", f"resource {name!r} is not described (add it to resources)"))
    problems = [Problem(shown, p.line, p.column, p.message, p.severity) for p in problems]
    return (Schema(resources) if not problems else None), problems
