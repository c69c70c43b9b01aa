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
* ``search/search_strategy.yaml`` reads as YAML (a mapping); its ``search_date`` values are
  real dates; its saved searches and ``reviewers_per_record`` pass the checks of
  :mod:`living_review.search.sources`. ``search/screening_decisions.csv``, when present,
  passes :func:`living_review.search.decisions.read_decisions`; a fault found while
  counting (the merge log, say) is reported in the file it lies in.
* ``book/references.bib`` (next to the data folder, when present) has an entry for every
  ``study_id``, or the build can generate one from the data (the chapters cite each cohort
  by its id); a study for which neither holds is reported with the reason.
* The build date is today, or the day of ``SOURCE_DATE_EPOCH`` when it is set (a release).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from living_review.core.csvfile import read_csv
from living_review.core.dates import date_problem
from living_review.core.problems import Problem

Row = tuple[int, dict[str, Any]]
_LOCATED = re.compile(r"^(?P<file>[^\s:,]+?)(?::(?P<line>\d+)(?::(?P<col>\d+))?:?|,? (?:line|row) (?P<row>\d+)[:,]?)"
                      r"\s*(?P<rest>.*)$", re.S)
_RECORD = re.compile(r"\brecord\(?s?\)? (?P<id>[A-Za-z0-9_.:-]+)")


def _from_error(error: Exception, shown: str, lines: dict[str, int] | None = None) -> Problem:
    """A checker's ``ValueError`` as a Problem at its file and line (or the named record's line)."""
    from living_review.core.problems import DataValidationError

    if isinstance(error, DataValidationError):  # a file that cannot be decoded: its own located problem
        first = next(p for p in error.problems if p.severity == "error")
        return Problem(f"{Path(shown).parent.as_posix()}/{Path(first.file).name}", first.line, first.column,
                       first.message)
    text = str(error)
    match = _LOCATED.match(text)
    line, rest = 0, text
    if match and Path(match["file"]).name != Path(shown).name and Path(match["file"]).suffix in (".csv", ".yaml"):
        shown = f"{Path(shown).parent.as_posix()}/{Path(match['file']).name}"  # the fault is in another file
    if match and Path(match["file"]).name == Path(shown).name:
        line, rest = int(match["line"] or match["row"]), match["rest"]
        if match["col"]:
            rest = f"column {match['col']}: {rest}"
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
                table = reader(path, time_unit=unit)
            except (ValueError, KeyError, UnicodeDecodeError) as error:
                problems.append(_from_error(error, f"{shown}/{name_in_index}"))
                continue
            where = f"{shown}/{name_in_index}"
            problems += (_curve_values(table, where, v.get("survival_scale") or "") if name == "curve_file"
                         else _at_risk_order(table, where))
    return problems


#: the highest reading accepted on each survival scale (README: up to 1.01, or 101 %, is digitising noise)
SURVIVAL_LIMITS = {"proportion": 1.01, "percent": 101.0}


def _curve_values(curve, where: str, scale: str) -> list[Problem]:
    """Survival readings outside the scale of the figure, at their lines."""
    limit = SURVIVAL_LIMITS.get(scale) or (SURVIVAL_LIMITS["proportion"] if curve["survival"].max() <= 1.01
                                           else SURVIVAL_LIMITS["percent"])
    what = scale or ("proportion" if limit < 2 else "percent")
    out = []
    for line, value in curve["survival"].items():
        if value < 0 or value > limit:
            out.append(Problem(where, int(line), "survival", f"{value:g} is outside 0 to {limit:g}, the {what} "
                               "scale of the curve (re-read the point, or correct survival_scale in index.csv)"))
    return out


def _at_risk_order(table, where: str) -> list[Problem]:
    """An at-risk table runs forward in time and its counts never rise."""
    out = []
    if not {"time", "n_risk"} <= set(table.columns):
        return [Problem(where, 1, "-", "the header must be time,n_risk (see data/km/README.md)")]
    previous = None
    for line, row in table.iterrows():
        if previous is not None:
            if not row["time"] > previous["time"]:
                out.append(Problem(where, int(line), "time", f"time {row['time']:g} does not come after the "
                                   f"previous row's {previous['time']:g} (times run forward; correct the order)"))
            if row["n_risk"] > previous["n_risk"]:
                out.append(Problem(where, int(line), "n_risk", f"{row['n_risk']:g} at risk is more than the "
                                   f"previous row's {previous['n_risk']:g} (counts never rise; re-type the table)"))
        previous = row
    return out


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
    problems += _decisions(search_dir, shown)
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


def _decisions(search_dir: Path, shown: str) -> list[Problem]:
    """The reviewers' decisions file (``screening_decisions.csv``), when there is one."""
    from living_review.search.decisions import DECISIONS_FILE, read_decisions

    if not (search_dir / DECISIONS_FILE).is_file():
        return []
    try:
        read_decisions(search_dir / DECISIONS_FILE)
    except ValueError as error:
        return [_from_error(error, f"{shown}/{DECISIONS_FILE}")]
    return []


def _strategy(path: Path, shown: str) -> list[Problem]:
    from living_review.core.yamlfile import YamlError, read_yaml

    if not path.is_file():
        return []
    try:
        doc = read_yaml(path, shown)
    except YamlError as error:
        return [_from_error(error, shown)]
    if not isinstance(doc.data, dict):
        return [Problem(shown, 1, "-", f"the file holds {doc.data!r}, not a mapping of sections (see "
                        "data/search/README.md)")]
    out: list[Problem] = []
    from living_review.search.sources import load_saved_searches, reviewers_per_record

    if "saved_searches" in doc.data:
        for check in (load_saved_searches, reviewers_per_record):
            try:
                check(path)
            except ValueError as error:
                out.append(_from_error(error, shown))

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
