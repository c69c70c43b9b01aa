"""The rest of ``data/``: the digitised curves (``km/``), the search logs (``search/``) and the bibliography.

The validator checks every file the build reads, with the same ``FILE:LINE: column:``
messages as the evidence tables, so that a fault is found by ``validate`` and never first
by a chapter.

Notes
-----
* ``km/index.csv``: every column of :data:`living_review.survival.digitised.INDEX_COLUMNS`;
  provenance filled; ``study_id`` a study of ``studies.csv``; ``endpoint``, ``time_unit``,
  ``survival_scale`` from their closed sets; ``digitised_on`` a real ISO date, not after the
  build date; ``n_patients``/``total_events`` whole numbers; the curve and at-risk files
  exist and read as WebPlotDigitizer exports.
* ``search/``: records (``search_date`` a real date, not after the build date), the
  screening log (study ids of ``studies.csv``, reported at the log's line; real dates),
  then the PRISMA counts computed from them (every record reaching a final status).
* ``search/search_strategy.yaml`` reads as YAML; its ``search_date`` values are real dates.
* ``book/references.bib`` (next to the data folder, when present) has an entry for every
  ``study_id``: the chapters cite each cohort by its id.
* The build date is today, or the day of ``SOURCE_DATE_EPOCH`` when it is set (a release).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import Any

from living_review.data.csvfile import read_csv
from living_review.data.problems import Problem

Row = tuple[int, dict[str, Any]]
_LOCATED = re.compile(r"^(?P<file>[^\s:,]+?)(?::(?P<line>\d+):?|,? (?:line|row) (?P<row>\d+)[:,]?)\s*(?P<rest>.*)$", re.S)
_RECORD = re.compile(r"\brecord\(?s?\)? (?P<id>[A-Za-z0-9_.:-]+)")
_BIB_KEY = re.compile(r"^\s*@\w+\s*\{\s*([^,\s]+)\s*,", re.M)


def build_date() -> dt.date:
    """The date of this build: today, or the day of ``SOURCE_DATE_EPOCH`` (UTC) when set."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date()
    return dt.date.today()


def date_problem(text: str, what: str, today: dt.date | None = None) -> str | None:
    """Why ``text`` is not a usable ISO date (impossible, or after the build date), else ``None``."""
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return f"{text!r} is not a real date YYYY-MM-DD ({what}; check day and month)"
    today = today or build_date()
    if day > today:
        return f"{text} is after the build date {today.isoformat()} ({what} cannot lie in the future)"
    return None


def _from_error(error: Exception, shown: str, lines: dict[str, int] | None = None) -> Problem:
    """A checker's ``ValueError`` as a Problem at its file and line (or the named record's line)."""
    text = str(error)
    match = _LOCATED.match(text)
    line, rest = 0, text
    if match and Path(match["file"]).name == Path(shown).name:
        line, rest = int(match["line"] or match["row"]), match["rest"]
    elif lines:
        found = _RECORD.search(text)
        line = lines.get(found["id"], 0) if found else 0
    return Problem(shown, line, "-", rest)


def check_km(km_dir: Path, shown: str, study_ids: set[str]) -> list[Problem]:
    """Every problem of ``km/index.csv`` and the curve files it lists."""
    from living_review.survival.digitised import (INDEX_COLUMNS, REQUIRED_PROVENANCE, TO_MONTHS, read_at_risk_csv,
                                                  read_wpd_csv)

    index = f"{shown}/index.csv"
    table, problems = read_csv(km_dir / "index.csv", INDEX_COLUMNS, index)
    if table is None:
        return problems
    for line, v in table.rows:
        for name in REQUIRED_PROVENANCE:
            if not v.get(name):
                problems.append(Problem(index, line, name, "required value is empty (every curve needs its "
                                        "provenance; see data/km/README.md)"))
        closed = {"endpoint": ("OS", "PFS"), "time_unit": tuple(TO_MONTHS),
                  "survival_scale": ("", "proportion", "percent")}
        for name, allowed in closed.items():
            if v.get(name) and v[name] not in allowed:
                problems.append(Problem(index, line, name, f"{v[name]!r} is not allowed (use one of: "
                                        f"{', '.join(a for a in allowed if a)})"))
        if v.get("study_id") and v["study_id"] not in study_ids:
            problems.append(Problem(index, line, "study_id", f"{v['study_id']!r} is not a study_id of studies.csv "
                                    "(use an existing id or add the study)"))
        if v.get("digitised_on"):
            message = date_problem(v["digitised_on"], "the day the curve was digitised")
            if message:
                problems.append(Problem(index, line, "digitised_on", message))
        for name in ("n_patients", "total_events"):
            if v.get(name) and not (v[name].isdigit() and int(v[name]) > 0 and len(v[name]) < 7):
                problems.append(Problem(index, line, name, f"{v[name]!r} is not a positive whole number"))
        if not v.get("at_risk_file") and not v.get("n_patients"):
            problems.append(Problem(index, line, "n_patients", "give at_risk_file or, when the figure has no "
                                    "table, n_patients"))
        unit = v.get("time_unit") if v.get("time_unit") in TO_MONTHS else "months"
        for name, reader in (("curve_file", read_wpd_csv), ("at_risk_file", read_at_risk_csv)):
            name_in_index = v.get(name)
            if not name_in_index:
                continue
            path = km_dir / name_in_index
            if Path(name_in_index).name != name_in_index or not path.is_file():
                problems.append(Problem(index, line, name, f"file {name_in_index!r} is not in {shown}/ (add the "
                                        "export, or correct the name)"))
                continue
            try:
                reader(path, time_unit=unit)
            except (ValueError, KeyError, UnicodeDecodeError) as error:
                problems.append(_from_error(error, f"{shown}/{name_in_index}"))
    return problems


def check_search(search_dir: Path, shown: str, study_ids: set[str]) -> list[Problem]:
    """Every problem of the search logs: row checks at their lines, then the PRISMA counts."""
    from living_review.search.records import RECORD_COLUMNS
    from living_review.search.screening import SCREENING_COLUMNS, split_ids

    records_file, log_file = f"{shown}/records.csv", f"{shown}/screening_log.csv"
    records, problems = read_csv(search_dir / "records.csv", RECORD_COLUMNS, records_file)
    log, found = read_csv(search_dir / "screening_log.csv", SCREENING_COLUMNS, log_file)
    problems += found
    record_lines: dict[str, int] = {}
    for line, v in records.rows if records else ():
        record_lines.setdefault(v.get("record_id", ""), line)
        if v.get("search_date"):
            message = date_problem(v["search_date"], "the day the search was run")
            if message:
                problems.append(Problem(records_file, line, "search_date", message))
    log_lines: dict[str, int] = {}
    for line, v in log.rows if log else ():
        log_lines.setdefault(v.get("record_id", ""), line)
        unknown = [s for s in split_ids(v.get("study_ids", "")) if s not in study_ids]
        if unknown:
            problems.append(Problem(log_file, line, "study_ids", f"{', '.join(map(repr, unknown))} not a study_id "
                                    "of studies.csv (use an existing id or add the study)"))
        if v.get("date"):
            message = date_problem(v["date"], "the day of the screening decision")
            if message:
                problems.append(Problem(log_file, line, "date", message))
    problems += _strategy(search_dir / "search_strategy.yaml", f"{shown}/search_strategy.yaml")
    if any(p.severity == "error" for p in problems) or records is None or log is None:
        return problems
    from living_review.search.prisma import load_prisma

    try:
        load_prisma(search_dir, sorted(study_ids))
    except FileNotFoundError as error:
        problems.append(Problem(f"{shown}/merge_log.csv", 0, "-", f"{error}"))
    except (ValueError, KeyError) as error:
        where = records_file if "records.csv" in str(error).split(":")[0] else log_file
        problems.append(_from_error(error, where, log_lines if where == log_file else record_lines))
    return problems


def _strategy(path: Path, shown: str) -> list[Problem]:
    from living_review.data.yamlfile import YamlError, read_yaml

    if not path.is_file():
        return []
    try:
        doc = read_yaml(path, shown)
    except YamlError as error:
        return [_from_error(error, shown)]
    out: list[Problem] = []

    def walk(node, keys: tuple) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, (*keys, key))
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, (*keys, i))
        elif keys and keys[-1] == "search_date":
            message = date_problem(str(node), "the day the search was run")
            if message:
                line = int(doc.at(*keys).rsplit(":", 1)[1])
                out.append(Problem(shown, line, "search_date", message))

    walk(doc.data, ())
    return out


def check_bibliography(bib: Path, shown: str, studies_file: str, studies: list[Row]) -> list[Problem]:
    """Every study cited by its id needs an entry in the book's bibliography."""
    if not bib.is_file():
        return []
    keys = set(_BIB_KEY.findall(bib.read_text(encoding="utf-8", errors="replace")))
    return [Problem(studies_file, line, "study_id", f"{v['study_id']!r} has no entry in {shown} (the chapters cite "
                    f"each cohort by its id: add @article{{{v['study_id']}, ...}} there)")
            for line, v in studies if v.get("study_id") and v["study_id"] not in keys]
