"""Evidence data: the validated tables every chapter reads.

Public API
----------
load_evidence(data_dir=None, *, load="on_access") -> Evidence
    Typed tables of ``data/``, validated against ``data/datapackage.json``: each table read
    and checked when first used (``load="all"``: every file at once); raises
    :class:`DataValidationError` listing every problem.
validate(data_dir=None) -> list[Problem]
    Every problem (errors and warnings) without raising.
to_months(value, unit)
    The unit conversion the loader uses (days / 30.4375, weeks / 4.348, years x 12).
"""

from living_review.core.problems import DataValidationError, Problem
from living_review.data.evidence import Evidence, load_evidence, validate
from living_review.data.units import DAYS_PER_MONTH, WEEKS_PER_MONTH, to_months

__all__ = [
    "DAYS_PER_MONTH",
    "WEEKS_PER_MONTH",
    "DataValidationError",
    "Evidence",
    "Problem",
    "load_evidence",
    "to_months",
    "validate",
]
