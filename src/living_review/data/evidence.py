"""The one way the book reads its evidence: validated, typed tables.

Each table is read and checked the first time it is used (with the tables its checks
need), so that what a chapter reads is what it uses; :func:`validate` checks every file.

Example
-------
>>> from living_review.data import load_evidence
>>> ev = load_evidence()                                   # doctest: +SKIP
>>> ev.studies.loc[ev.studies.study_id == "bible2012", "pfs_median_months"].item()  # doctest: +SKIP
2.0369609856262834
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from living_review.core.csvfile import read_csv
from living_review.core.fingerprint import tree_fingerprint
from living_review.core.problems import DataValidationError, Problem, errors
from living_review.data import table_rules
from living_review.data.bibliography import check_bibliography
from living_review.data.cells import typed_rows
from living_review.data.frames import framed
from living_review.data.schema import RESOURCE_NAMES, Resource, Schema, read_schema
from living_review.data.source_citations import unknown_citations

Row = tuple[int, dict[str, Any]]
Load = Literal["on_access", "all"]
LOADS: tuple[str, ...] = ("on_access", "all")
FolderChecks = Callable[[Path, set[str]], list[Problem]]
"""Checks of the folders of ``data/`` that belong to the engines (``km/``, ``search/``): given the data
folder and the study ids of ``studies.csv``, every problem found. The data layer knows only the
tables; :mod:`living_review.validation` passes these checks in."""
_ON_ACCESS: Any = type("OnAccess", (), {"__repr__": lambda self: "<loaded on access>"})()
_EMPTY = {"warnings": tuple, "fingerprint": str}


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
    single_arm_certainty : the review's indirectness judgement for each single-arm estimate of
        the summary of findings (:mod:`living_review.appraisal.certainty`).
    previous_certainty : the certainty of each outcome in a published release
        (:mod:`living_review.data.certainty_history`).
    risk_of_bias : one row per tool, cohort or comparison, and item (:mod:`living_review.data.risk_of_bias`).
    biomarkers : one row per cohort and molecular marker (BRAF V600E), ``not_reported`` where the sources
        read do not give it.
    quotes : the verbatim quote (or declared derivation) behind each extracted value of the
        studies, by study and field (:mod:`living_review.data.quotes`).
    fingerprint : SHA-256 over every file under the data folder (names and bytes, sorted
        path order, data/km and data/search included).
    warnings : problems that did not stop loading (all the data are validated to give them).
    data_dir : folder the data were read from.
    loader : for evidence loaded on access, what reads, checks and frames each table the
        first time it is used (:class:`TablesOnAccess`); tables given when the evidence is
        made are used as they are.
    """

    studies: pd.DataFrame = _ON_ACCESS
    landmarks: pd.DataFrame = _ON_ACCESS
    adverse_events: pd.DataFrame = _ON_ACCESS
    discrepancies: pd.DataFrame = _ON_ACCESS
    previous_version_inputs: pd.DataFrame = _ON_ACCESS
    sources: pd.DataFrame = _ON_ACCESS
    fingerprint: str = _ON_ACCESS
    previous_version_results: pd.DataFrame = _ON_ACCESS
    risk_of_bias: pd.DataFrame = _ON_ACCESS
    comparisons: pd.DataFrame = _ON_ACCESS
    comparative_certainty: pd.DataFrame = _ON_ACCESS
    single_arm_certainty: pd.DataFrame = _ON_ACCESS
    previous_certainty: pd.DataFrame = _ON_ACCESS
    biomarkers: pd.DataFrame = _ON_ACCESS
    quotes: pd.DataFrame = _ON_ACCESS
    warnings: tuple[Problem, ...] = _ON_ACCESS
    data_dir: Path | None = None
    loader: TablesOnAccess | None = field(default=None, repr=False)

    def __getattribute__(self, name: str):
        value = object.__getattribute__(self, name)
        if value is _ON_ACCESS:  # loaded (validated, and read as a recorded dependency) now
            loader = object.__getattribute__(self, "loader")
            value = loader.get(name) if loader is not None else _EMPTY.get(name, pd.DataFrame)()
            object.__setattr__(self, name, value)
        return value

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
        from living_review.core.paths import data_dir as default_dir

        return default_dir()
    return Path(data_dir)


def _read_table(data_dir: Path, schema: Schema, name: str) -> tuple[list[Row] | None, list[Problem]]:
    """The typed rows of one table (None when the file cannot be read) and its cell-level problems."""
    res: Resource = schema.resources[name]
    raw, problems = read_csv(data_dir / res.path, res.names, _shown(data_dir, schema, name))
    if raw is None:
        return None, problems
    rows, found = typed_rows(raw, res)
    return rows, problems + found


def _shown(data_dir: Path, schema: Schema, name: str) -> str:
    return f"{data_dir.name}/{schema.resources[name].path}"


def _without_cell_duplicates(problems: list[Problem], cell_problems: list[Problem]) -> list[Problem]:
    # An invalid cell is loaded as empty; a rule tripping over that same cell would
    # report it twice, so the cell-level message alone is kept.
    cell_level = {(p.file, p.line, p.column) for p in cell_problems if p.severity == "error"}
    return [p for p in problems if (p.file, p.line, p.column) not in cell_level]


def _check(data_dir: Path, folder_checks: FolderChecks | None = None
           ) -> tuple[list[Problem], Schema | None, dict[str, list[Row]]]:
    schema, problems = read_schema(data_dir)
    if schema is None:
        return problems, None, {}
    tables: dict[str, list[Row]] = {}
    shown = {name: _shown(data_dir, schema, name) for name in RESOURCE_NAMES}
    for name in RESOURCE_NAMES:
        rows, found = _read_table(data_dir, schema, name)
        problems += found
        if rows is not None:
            tables[name] = rows
    problems += _folders(data_dir, shown, tables.get("studies", []), folder_checks)
    if len(tables) < len(RESOURCE_NAMES):
        return problems, schema, tables
    if (data_dir / "search" / "eligibility_rules.csv").is_file() and not any(p.severity == "error" for p in problems):
        from dataclasses import replace

        from living_review.data.eligibility import check_decisions

        # a warning, so that the counts of the update cycle (screen, then prisma) run before the
        # facts are extracted; the methods chapter refuses to build until it is fixed
        problems += [replace(p, severity="warning", message=f"{p.message}; the methods chapter will not build "
                             "until this is fixed") for p in check_decisions(data_dir)]
    problems += _without_cell_duplicates(table_rules.run(table_rules.RULES, tables, shown), problems)
    problems += unknown_citations(data_dir)  # notes, search records and every other CSV cell
    return problems, schema, tables


def _folders(data_dir: Path, shown: dict[str, str], studies: list[Row], folder_checks: FolderChecks | None
             ) -> list[Problem]:
    """The engines' folders (when their checks are given) and the bibliography."""
    ids = {v["study_id"] for _, v in studies if v.get("study_id")}
    if not ids:  # without the study table the cross-file checks would report every row
        return []
    out = folder_checks(data_dir, ids) if folder_checks is not None else []
    return out + _bibliography(data_dir, shown, studies)


def _bibliography(data_dir: Path, shown: dict[str, str], studies: list[Row]) -> list[Problem]:
    return check_bibliography(data_dir.parent / "book" / "references.bib", "book/references.bib",
                              shown["studies"], studies)


def _sorted(problems: list[Problem]) -> list[Problem]:
    return sorted(set(problems), key=lambda p: (p.file, p.line, p.column, p.message))


def validate(data_dir: str | Path | None = None, *, folder_checks: FolderChecks | None = None) -> list[Problem]:
    """Every problem in the evidence data (errors and warnings), sorted by file and line.

    Parameters
    ----------
    data_dir : the data folder; defaults to ``<project root>/data``.
    folder_checks : the checks of the engines' folders (``km/``, ``search/``); without them only
        the tables, the data package and the bibliography are checked
        (:func:`living_review.validation.validate` checks every file).

    Returns
    -------
    list of Problem : empty when the data are clean. ``str(problem)`` gives
        ``FILE:LINE: column: what is wrong (how to fix)``.
    """
    return _sorted(_check(_resolve(data_dir), folder_checks)[0])


class TablesOnAccess:
    """Reads, checks and frames one table of a data folder the first time it is used.

    A table's file is opened, with every table its checks need (:mod:`living_review.data.table_rules`),
    only when the table is first used, so a chapter reads, and its re-execution depends on,
    the tables it uses and no other. The checks of a table are those :func:`validate` runs
    on it: its cells, the rules that check it, and the source codes its cells cite.
    :class:`DataValidationError` is raised at first use when any of them finds an error.
    """

    def __init__(self, folder: Path, schema: Schema):
        self.folder, self.schema = folder, schema
        self._rows: dict[str, tuple[list[Row] | None, list[Problem]]] = {}

    def _read(self, name: str) -> tuple[list[Row] | None, list[Problem]]:
        if name not in self._rows:
            self._rows[name] = _read_table(self.folder, self.schema, name)
        return self._rows[name]

    def problems(self, name: str) -> list[Problem]:
        """Every problem the checks of table ``name`` find (reading the tables they need)."""
        found = {n: self._read(n) for n in table_rules.needed(name)}
        cells = [p for _, problems in found.values() for p in problems]
        if any(rows is None for rows, _ in found.values()):
            return cells
        tables = {n: rows for n, (rows, _) in found.items()}
        shown = {n: _shown(self.folder, self.schema, n) for n in found}
        problems = cells + _without_cell_duplicates(table_rules.run(table_rules.rules_for(name), tables, shown), cells)
        if name == "studies":
            problems += _bibliography(self.folder, shown, tables["studies"])
        return problems + unknown_citations(self.folder, only=(self.schema.resources[name].path,))

    def get(self, name: str):
        """The value of the :class:`Evidence` attribute ``name``."""
        if name == "fingerprint":
            return tree_fingerprint([self.folder], self.folder.parent)
        if name == "warnings":
            problems = _sorted(_check(self.folder)[0])
            if errors(problems):
                raise DataValidationError(problems)
            return tuple(problems)
        problems = _sorted(self.problems(name))
        if errors(problems):
            raise DataValidationError(problems)
        return framed(name, self._read(name)[0], self.schema)


def load_evidence(data_dir: str | Path | None = None, *, load: Load = "on_access",
                  folder_checks: FolderChecks | None = None) -> Evidence:
    """Validate the evidence data and load them as typed tables.

    Parameters
    ----------
    data_dir : the data folder; defaults to ``<project root>/data``.
    load : ``"on_access"`` (the default) reads and checks each table the first time it is
        used, with every table its checks need (:class:`TablesOnAccess`), so that a chapter
        depends only on the data it uses; ``"all"`` validates every table (:func:`validate`)
        and loads every table at once.
    folder_checks : with ``"all"``, the checks of the engines' folders too
        (:func:`living_review.validation.load_validated` passes them).

    Returns
    -------
    Evidence : frozen; see its attributes for the columns added by the loader.

    Raises
    ------
    DataValidationError : (a ``ValueError``) listing every problem when any error is found:
        with ``"all"``, in any file, here; with ``"on_access"``, in the data package here,
        and in a table or what its checks read when the table is first used. A build
        validates every file before it executes any chapter (``make html``), so a problem
        anywhere stops it.
    ValueError : for a ``load`` that is not one of :data:`LOADS`.

    Notes
    -----
    Times are normalised to months when loaded (:mod:`living_review.data.frames`) and nowhere
    else: days / 30.4375, weeks / 4.348, years x 12 (:mod:`living_review.data.units`). The
    reported value and unit stay in their own columns.
    """
    if load not in LOADS:
        raise ValueError(f"load={load!r}: choose one of {', '.join(LOADS)}")
    folder = _resolve(data_dir)
    if load == "on_access":
        schema, problems = read_schema(folder)
        if errors(problems) or schema is None:
            raise DataValidationError(_sorted(problems))
        return Evidence(data_dir=folder, loader=TablesOnAccess(folder, schema))
    problems, schema, tables = _check(folder, folder_checks)
    problems = _sorted(problems)
    if errors(problems) or schema is None:
        raise DataValidationError(problems)
    frames = {name: framed(name, tables[name], schema) for name in RESOURCE_NAMES}
    return Evidence(
        **frames,
        fingerprint=tree_fingerprint([folder], folder.parent),
        warnings=tuple(problems),
        data_dir=folder,
    )
