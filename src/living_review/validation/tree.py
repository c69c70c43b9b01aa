"""Every file of a data folder checked in one pass: the evidence tables by the data layer's rules,
``km/`` by the survival engine's and ``search/`` by the search engine's (:mod:`.folders`)."""

from __future__ import annotations

from pathlib import Path

from living_review.core.problems import Problem
from living_review.data.evidence import Evidence, load_evidence
from living_review.data.evidence import validate as validate_tables
from living_review.validation import folders


def check_folders(data_dir: Path, study_ids: set[str]) -> list[Problem]:
    """Every problem of the engines' folders of ``data_dir`` that exist (``km/``, ``search/``)."""
    out: list[Problem] = []
    if (data_dir / "km").is_dir():
        out += folders.check_km(data_dir / "km", f"{data_dir.name}/km", study_ids)
    if (data_dir / "search").is_dir():
        out += folders.check_search(data_dir / "search", f"{data_dir.name}/search", study_ids)
    return out


def validate(data_dir: str | Path | None = None) -> list[Problem]:
    """Every problem (errors and warnings) of every file of the data folder, sorted by file and line.

    ``str(problem)`` gives ``FILE:LINE: column: what is wrong (how to fix)``; the list is empty
    when the data are clean.
    """
    return validate_tables(data_dir, folder_checks=check_folders)


def load_validated(data_dir: str | Path | None = None) -> Evidence:
    """Every table at once, after every file of the data folder was checked.

    Raises :class:`~living_review.core.problems.DataValidationError` listing every problem of
    every file when any is an error; the warnings are on :attr:`Evidence.warnings`.
    """
    return load_evidence(data_dir, load="all", folder_checks=check_folders)
