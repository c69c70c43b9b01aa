"""The data dictionary: one table per resource of ``data/datapackage.json``, rendered as it is.

The Frictionless data package is the single source of truth for the evidence tables: the
validator checks the data against it and the book prints it, so the printed dictionary is
the schema that ran. Nothing here restates a field by hand.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from living_review.core.markup import Markup, code, join
from living_review.core.paths import data_dir
from living_review.report.tables import markdown_source

COLUMNS = ("Field", "Type", "Unit", "Constraints", "Description")
#: PDF column widths (fractions of the line width) of :data:`COLUMNS`: without them LaTeX sets a
#: long table in unbreakable columns and the description runs off the page.
LATEX_WIDTHS = (0.2, 0.08, 0.1, 0.24, 0.32)


@dataclass(frozen=True)
class ResourceDictionary:
    """The dictionary of one resource (one CSV file) of the data package.

    Attributes
    ----------
    name : resource name (e.g. ``"studies"``).
    path : file name inside ``data/``.
    description : the resource's description.
    primary_key : the fields that identify a row (one or more).
    fields : one row per field, columns :data:`COLUMNS`.
    derived : fields the loader adds (name -> description), not stored in the file.
    """

    name: str
    path: str
    description: str
    primary_key: tuple[str, ...]
    fields: pd.DataFrame = field(repr=False, compare=False)
    derived: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    def summary(self) -> str:
        key = ", ".join(self.primary_key) or "none"
        return f"{self.path}: {len(self.fields)} fields (key {key}), {len(self.derived)} derived by the loader"


def _number(value) -> str:
    return f"{value:g}" if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value)


def format_constraints(constraints: dict | None) -> str:
    """Constraints of one field in words, e.g. ``"required; 0–100"`` or ``"one of: a, b"``.

    Parameters
    ----------
    constraints : the field's ``constraints`` object of the Table Schema (may be None).

    Returns
    -------
    str : ``"–"`` when there is none.

    Example
    -------
    >>> format_constraints({"required": True, "minimum": 0, "maximum": 100})
    'required; 0–100'
    """
    if not constraints:
        return "–"
    known = {"required", "unique", "minimum", "maximum", "enum", "pattern"}
    unknown = set(constraints) - known
    if unknown:
        raise ValueError(f"constraints {sorted(unknown)} are not rendered; known: {sorted(known)}")
    parts = []
    if constraints.get("required"):
        parts.append("required")
    if constraints.get("unique"):
        parts.append("unique")
    low, high = constraints.get("minimum"), constraints.get("maximum")
    if low is not None and high is not None:
        parts.append(f"{_number(low)}–{_number(high)}")
    elif low is not None:
        parts.append(f"≥ {_number(low)}")
    elif high is not None:
        parts.append(f"≤ {_number(high)}")
    if "enum" in constraints:
        parts.append("one of: " + ", ".join(str(v) for v in constraints["enum"]))
    if "pattern" in constraints:
        parts.append(Markup("pattern ") + code(constraints["pattern"]))
    return join(parts, "; ") if parts else "–"


def _unit(spec: dict, names: set[str]) -> str:
    unit = spec.get("unit")
    if not unit:
        return "–"
    # a unit that names another field means "the unit given in that column of the same row"
    return Markup("as in ") + code(unit) if unit in names else str(unit)


def resource_dictionary(resource: dict) -> ResourceDictionary:
    """The dictionary of one resource object of a data package (see :class:`ResourceDictionary`)."""
    for key in ("name", "path", "schema"):
        if key not in resource:
            raise ValueError(f"data package resource {resource.get('name', '?')!r} has no {key!r}")
    specs = resource["schema"].get("fields", [])
    names = {f["name"] for f in specs}
    rows = []
    for spec in specs:
        if "name" not in spec or "type" not in spec:
            raise ValueError(f"resource {resource['name']!r}: a field lacks 'name' or 'type': {spec}")
        kind = spec["type"]
        if spec.get("trueValues"):
            kind += f" ({'/'.join(spec['trueValues'])} | {'/'.join(spec.get('falseValues', []))})"
        rows.append({"Field": spec["name"], "Type": kind, "Unit": _unit(spec, names),
                     "Constraints": format_constraints(spec.get("constraints")),
                     "Description": spec.get("description", "–")})
    key = resource["schema"].get("primaryKey", ())
    key = (key,) if isinstance(key, str) else tuple(key)
    return ResourceDictionary(name=resource["name"], path=resource["path"],
                              description=resource.get("description", ""), primary_key=key,
                              fields=pd.DataFrame(rows, columns=list(COLUMNS)),
                              derived=dict(resource.get("x-derived-fields", {})))


def load_dictionary(path: str | Path | None = None) -> list[ResourceDictionary]:
    """Read ``datapackage.json`` and return the dictionary of every resource, in package order.

    Parameters
    ----------
    path : the data package descriptor (default: ``<data>/datapackage.json``).

    Returns
    -------
    list of ResourceDictionary

    Example
    -------
    >>> [d.name for d in load_dictionary()][:2]  # doctest: +SKIP
    ['studies', 'landmarks']
    """
    path = Path(path) if path else data_dir() / "datapackage.json"
    package = json.loads(path.read_text(encoding="utf-8"))
    resources = package.get("resources")
    if not resources:
        raise ValueError(f"{path.name}: no 'resources' in the data package")
    return [resource_dictionary(r) for r in resources]


def derived_table(dictionary: ResourceDictionary) -> pd.DataFrame:
    """Fields the loader adds to a resource, columns ``Field`` and ``Description`` (may be empty)."""
    return pd.DataFrame([{"Field": k, "Description": v} for k, v in dictionary.derived.items()],
                        columns=["Field", "Description"])


def latex_columns(widths) -> str:
    """A ``tabularcolumns`` directive giving the next table's PDF column widths (fractions of the line)."""
    if not widths or any(not 0 < w < 1 for w in widths) or sum(widths) > 1:
        raise ValueError(f"widths {widths!r}: give fractions between 0 and 1 that sum to at most 1")
    spec = "|" + "|".join(f"\\Y{{{w:g}}}" for w in widths) + "|"
    return f"```{{tabularcolumns}} {spec}\n```\n\n"


def dictionary_source(dictionary: ResourceDictionary, *, name: str, derived: bool = False) -> str:
    """MyST source of a resource's dictionary table (or of its derived fields), with PDF column widths.

    The caption names the file, its description and its key; ``name`` labels the table for ``{numref}``.
    """
    if derived:
        frame = derived_table(dictionary)
        caption = Markup("Fields the loader derives for ") + code(dictionary.path) + " (not stored in the file)."
        widths = (0.3, 0.64)
    else:
        frame = dictionary.fields
        key = ", ".join(dictionary.primary_key) or "none"
        caption = Markup("Fields of ") + code(dictionary.path) + f": {dictionary.description} Key: {key}."
        widths = LATEX_WIDTHS
    return latex_columns(widths) + markdown_source(frame, caption=caption, name=name)
