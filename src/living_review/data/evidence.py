"""The one way the book reads its evidence: validate everything, then load typed tables.

Example
-------
>>> from living_review.data import load_evidence
>>> ev = load_evidence()                                   # doctest: +SKIP
>>> ev.studies.loc[ev.studies.study_id == "bible2012", "pfs_median_months"].item()  # doctest: +SKIP
2.0369609856262834
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from living_review.data import comparisons, folders, links, risk_of_bias, rules
from living_review.data.cells import typed_rows
from living_review.data.csvfile import read_csv
from living_review.data.problems import DataValidationError, Problem, errors
from living_review.data.source_citations import unknown_citations
from living_review.data.schema import RESOURCE_NAMES, Resource, Schema, read_schema
from living_review.data.units import to_months
from living_review.book.fingerprint import tree_fingerprint

Row = tuple[int, dict[str, Any]]
_DTYPE = {"integer": "Int64", "number": "float64", "boolean": "boolean", "string": "object"}
STUDY_TIMES = {f"{ep}_{part}": f"{ep}_unit" for ep in ("pfs", "os") for part in ("median", "ci_lower", "ci_upper")}


@dataclass(frozen=True, eq=False)  # tables compare element-wise, so identity is the only sound equality
class Evidence:
    """Validated evidence tables (pandas DataFrames, one row per CSV row, CSV column order).

    Attributes
    ----------
    studies : one row per cohort; reported times keep their unit, and ``pfs_median_months``,
        ``pfs_ci_lower_months``, ``pfs_ci_upper_months``, ``os_median_months``,
        ``os_ci_lower_months``, ``os_ci_upper_months``, ``pub_year``, ``pub_month`` and
        ``pub_order`` are added.
    landmarks : landmark survival rates; ``time_months`` added.
    adverse_events, discrepancies, previous_version_inputs, sources, comparisons : as in the CSV
        files (comparisons: between-arm values of included studies, see
        :mod:`living_review.data.comparisons`).
    previous_version_results : the pooled values Cao 2024 published (one row per outcome,
        subset and statistic, with the printed precision in ``decimals``).
    comparative_certainty : the review's judgements for rating each comparison's certainty
        (:mod:`living_review.data.comparisons`, :func:`certainty_rules`).
    risk_of_bias : one row per tool, cohort or comparison, and item (:mod:`living_review.data.risk_of_bias`).
    fingerprint : SHA-256 over every file under the data folder (names and bytes, sorted
        path order, data/km and data/search included).
    warnings : problems that did not stop loading.
    data_dir : folder the data were read from.
    """

    studies: pd.DataFrame
    landmarks: pd.DataFrame
    adverse_events: pd.DataFrame
    discrepancies: pd.DataFrame
    previous_version_inputs: pd.DataFrame
    sources: pd.DataFrame
    fingerprint: str
    previous_version_results: pd.DataFrame = field(default_factory=pd.DataFrame)
    risk_of_bias: pd.DataFrame = field(default_factory=pd.DataFrame)
    comparisons: pd.DataFrame = field(default_factory=pd.DataFrame)
    comparative_certainty: pd.DataFrame = field(default_factory=pd.DataFrame)
    warnings: tuple[Problem, ...] = field(default=())
    data_dir: Path | None = None

    def summary(self) -> str:
        """One readable paragraph: what was loaded and from which data."""
        s = self.studies
        roles = s["pooling_role"].value_counts()
        unresolved = int((self.discrepancies["status"] == "unresolved").sum())
        return (
            f"{len(s)} cohorts ({roles.get('atc_monotherapy', 0)} ATC monotherapy, "
            f"{roles.get('atc_combination', 0)} ATC combination, {roles.get('other_histology', 0)} other "
            f"histology; {int(s['in_previous_version'].sum())} in the previous version), "
            f"{len(self.landmarks)} landmark rates, {len(self.adverse_events)} adverse-event rows, "
            f"{len(self.discrepancies)} discrepancies ({unresolved} unresolved), "
            f"{len(self.previous_version_inputs)} previous-version inputs, {len(self.sources)} sources; "
            f"{len(self.warnings)} warning(s); "
            f"fingerprint {self.fingerprint}"
        )


def _resolve(data_dir: str | Path | None) -> Path:
    if data_dir is None:
        from living_review.paths import data_dir as default_dir

        return default_dir()
    return Path(data_dir)


def _check(data_dir: Path) -> tuple[list[Problem], Schema | None, dict[str, list[Row]]]:
    schema, problems = read_schema(data_dir)
    if schema is None:
        return problems, None, {}
    tables: dict[str, list[Row]] = {}
    shown: dict[str, str] = {}
    for name in RESOURCE_NAMES:
        res: Resource = schema.resources[name]
        shown[name] = f"{data_dir.name}/{res.path}"
        raw, found = read_csv(data_dir / res.path, res.names, shown[name])
        problems += found
        if raw is None:
            continue
        tables[name], found = typed_rows(raw, res)
        problems += found
    problems += _folders(data_dir, shown, tables.get("studies", []))
    if len(tables) < len(RESOURCE_NAMES):
        return problems, schema, tables
    if (data_dir / "search" / "eligibility_rules.csv").is_file() and not any(p.severity == "error" for p in problems):
        from dataclasses import replace

        from living_review.data.eligibility import check_decisions

        # a warning, so that the counts of the update cycle (screen, then prisma) run before the
        # facts are extracted; the methods chapter refuses to build until it is fixed
        problems += [replace(p, severity="warning", message=f"{p.message}; the methods chapter will not build "
                             "until this is fixed") for p in check_decisions(data_dir)]
    cell_level = {(p.file, p.line, p.column) for p in problems if p.severity == "error"}
    st, lm, ae, di, pv = (tables[n] for n in RESOURCE_NAMES[:5])
    f = shown
    problems += _row_rules(tables, f, st, lm, ae, di, pv, cell_level)
    problems += unknown_citations(data_dir)  # notes, search records and every other CSV cell
    return problems, schema, tables


def _folders(data_dir: Path, shown: dict[str, str], studies: list[Row]) -> list[Problem]:
    """The digitised curves, the search logs and the bibliography (see :mod:`living_review.data.folders`)."""
    ids = {v["study_id"] for _, v in studies if v.get("study_id")}
    if not ids:  # without the study table the cross-file checks would report every row
        return []
    out: list[Problem] = []
    if (data_dir / "km").is_dir():
        out += folders.check_km(data_dir / "km", f"{data_dir.name}/km", ids)
    if (data_dir / "search").is_dir():
        out += folders.check_search(data_dir / "search", f"{data_dir.name}/search", ids)
    out += folders.check_bibliography(data_dir.parent / "book" / "references.bib", "book/references.bib",
                                      shown["studies"], studies)
    return out


def _row_rules(tables, f, st, lm, ae, di, pv, cell_level) -> list[Problem]:
    problems: list[Problem] = []
    problems += rules.study_rules(f["studies"], st)
    problems += rules.landmark_rules(f["landmarks"], lm)
    problems += rules.event_rules(f["adverse_events"], ae, "events", "denominator")
    problems += rules.previous_version_rules(f["previous_version_inputs"], pv)
    problems += comparisons.comparison_rules(f["comparisons"], tables["comparisons"], st)
    problems += comparisons.certainty_rules(f["comparative_certainty"], tables["comparative_certainty"],
                                            tables["comparisons"], tables["risk_of_bias"])
    for name in ("landmarks", "adverse_events", "discrepancies", "previous_version_inputs", "comparisons"):
        problems += links.referential(f[name], tables[name], st)
    problems += links.referential(f["discrepancies"], di, st, column="related_study_id")
    problems += links.overlap(f["studies"], st, f["discrepancies"], di)
    problems += links.previous_version(f["previous_version_inputs"], pv, f["studies"], st)
    problems += links.adverse_denominators(f["adverse_events"], ae, st)
    problems += risk_of_bias.rob_rules(f["risk_of_bias"], tables["risk_of_bias"], f["studies"], st,
                                       f["comparisons"], tables["comparisons"])
    problems += links.discrepancy_references({f[n]: tables[n] for n in ("studies", "landmarks", "adverse_events",
                                                                        "comparisons")}, di)
    cited = ("studies", "landmarks", "adverse_events", "discrepancies", "previous_version_results", "risk_of_bias",
             "comparisons", "comparative_certainty")
    problems += links.source_codes({f[n]: tables[n] for n in cited}, tables["sources"])
    # An invalid cell is loaded as empty; a rule tripping over that same cell would
    # report it twice, so the cell-level message alone is kept.
    return [p for p in problems if (p.file, p.line, p.column) not in cell_level]


def _sorted(problems: list[Problem]) -> list[Problem]:
    return sorted(set(problems), key=lambda p: (p.file, p.line, p.column, p.message))


def validate(data_dir: str | Path | None = None) -> list[Problem]:
    """Every problem in the evidence data (errors and warnings), sorted by file and line.

    Parameters
    ----------
    data_dir : the data folder; defaults to ``<project root>/data``.

    Returns
    -------
    list of Problem : empty when the data are clean. ``str(problem)`` gives
        ``FILE:LINE: column: what is wrong (how to fix)``.
    """
    return _sorted(_check(_resolve(data_dir))[0])


def _frame(rows: list[Row], res: Resource) -> pd.DataFrame:
    data = {f.name: pd.Series([v.get(f.name) for _, v in rows], dtype=_DTYPE[f.type]) for f in res.fields}
    return pd.DataFrame(data, columns=list(res.names))


def _in_months(frame: pd.DataFrame, value: str, unit: str) -> pd.Series:
    # The only place where reported times become months.
    return pd.Series([to_months(None if pd.isna(v) else float(v), u) for v, u in zip(frame[value], frame[unit])],
                     index=frame.index, dtype="float64")


def _studies(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for value, unit in STUDY_TIMES.items():
        out[f"{value}_months"] = _in_months(out, value, unit)
    out["pub_year"] = pd.array([int(d[:4]) for d in out["pub_date"]], dtype="Int64")
    out["pub_month"] = pd.array([int(d[5:7]) if len(d) > 4 else None for d in out["pub_date"]], dtype="Int64")
    order = sorted(range(len(out)), key=lambda i: (out["pub_date"].iat[i], out["study_id"].iat[i]))
    rank = np.empty(len(out), dtype=int)
    rank[order] = np.arange(1, len(out) + 1)
    out["pub_order"] = pd.array(rank, dtype="Int64")
    return out


def load_evidence(data_dir: str | Path | None = None) -> Evidence:
    """Validate the evidence data and load them as typed tables.

    Parameters
    ----------
    data_dir : the data folder; defaults to ``<project root>/data``.

    Returns
    -------
    Evidence : frozen; see its attributes for the columns added by the loader.

    Raises
    ------
    DataValidationError : (a ``ValueError``) listing every problem when any error is found.

    Notes
    -----
    Times are normalised to months here and nowhere else: days / 30.4375, weeks / 4.348,
    years x 12 (:mod:`living_review.data.units`). The reported value and unit stay in
    their own columns.
    """
    folder = _resolve(data_dir)
    problems, schema, tables = _check(folder)
    problems = _sorted(problems)
    if errors(problems) or schema is None:
        raise DataValidationError(problems)
    frames = {name: _frame(tables[name], schema.resources[name]) for name in RESOURCE_NAMES}
    landmarks = frames["landmarks"].copy()
    landmarks["time_months"] = _in_months(landmarks, "time", "time_unit")
    return Evidence(
        studies=_studies(frames["studies"]),
        landmarks=landmarks,
        adverse_events=frames["adverse_events"],
        discrepancies=frames["discrepancies"],
        previous_version_inputs=frames["previous_version_inputs"],
        sources=frames["sources"],
        previous_version_results=frames["previous_version_results"],
        risk_of_bias=frames["risk_of_bias"],
        comparisons=frames["comparisons"],
        comparative_certainty=frames["comparative_certainty"],
        fingerprint=tree_fingerprint([folder], folder.parent),
        warnings=tuple(problems),
        data_dir=folder,
    )
