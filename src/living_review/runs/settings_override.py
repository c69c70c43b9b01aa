"""Analysis settings changed for one rerun: ``review.yml`` with some values replaced.

A parameterised rerun (:mod:`living_review.runs.rerun`) may change any value of the analysis
sections of ``review.yml`` (``meta_analysis``, ``survival``) for every chapter, not only
those a chapter declares in its ``parameters`` cell. :func:`override_text` writes the
changed configuration and checks it with :func:`living_review.settings.load_settings`, so
a wrong key or a value outside its closed set is refused before anything runs, with the
allowed values listed. While the rerun executes, ``LIVING_REVIEW_SETTINGS`` names the
changed file, and ``load_settings()`` reads it instead of the project's ``review.yml``.

Example
-------
>>> text = override_text(project_root() / "review.yml", {"meta_analysis.hakn": "true"})  # doctest: +SKIP
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import yaml

from living_review.settings import SettingsError, load_settings

OVERRIDABLE_SECTIONS = ("meta_analysis", "survival")


def parse_value(raw: Any) -> Any:
    """A value as given on the command line, read as YAML (``"true"`` -> True); others unchanged."""
    if not isinstance(raw, str):
        return raw
    try:
        return yaml.safe_load(raw)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at character {mark.column + 1}" if mark else ""
        raise SettingsError(f"value {raw!r} is not valid YAML{where} (write e.g. true, 0.9 or \"[3, 6, 12]\")") from None


def override_text(source: Path, overrides: dict[str, Any]) -> str:
    """``source`` (a ``review.yml``) as YAML text with ``{"section.key": value}`` applied and checked.

    Text values are read as YAML (``"true"``, ``"0.9"``, ``"[3, 6, 12]"``). Raises
    ``SettingsError`` listing every problem: a key not written ``section.key``, a section
    that cannot be changed for a rerun, or a value the review cannot run with.
    """
    raw = yaml.safe_load(Path(source).read_text(encoding="utf-8")) or {}
    problems = []
    for dotted, value in overrides.items():
        section, _, key = str(dotted).partition(".")
        if not key:
            problems.append(f"setting {dotted!r}: write it as SECTION.KEY, e.g. meta_analysis.transform")
        elif section not in OVERRIDABLE_SECTIONS:
            problems.append(f"setting {dotted!r}: only {', '.join(OVERRIDABLE_SECTIONS)} can be changed for a rerun")
        else:
            raw.setdefault(section, {})[key] = parse_value(value)
    if problems:
        raise SettingsError("\n".join(problems))
    text = yaml.safe_dump(raw, sort_keys=False, allow_unicode=True)
    with tempfile.TemporaryDirectory() as folder:
        check = Path(folder) / "review.yml"
        check.write_text(text, encoding="utf-8")
        load_settings(check)  # the same checks as the book's own configuration
    return text
