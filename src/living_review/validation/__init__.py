"""Validation of the whole data folder: the evidence tables (:mod:`living_review.data`) and the
engines' own folders, the digitised curves (``km/``, by the survival engine's rules) and the
search logs (``search/``, by the search engine's rules).

Public API
----------
validate(data_dir=None) -> list[Problem]
    Every problem of every file, sorted by file and line.
load_validated(data_dir=None) -> Evidence
    Every table loaded at once after every file was checked; raises
    :class:`~living_review.core.problems.DataValidationError` listing every problem.
"""

from living_review.validation.tree import load_validated, validate

__all__ = ["load_validated", "validate"]
