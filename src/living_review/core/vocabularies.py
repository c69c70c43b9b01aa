"""The review's shared vocabularies: outcomes, endpoints, histologies and designs, declared once.

Every layer checks against these tuples (with :func:`living_review.core.choices.check_choice`)
and annotates with these ``Literal`` aliases, instead of writing its own list. They are the
enums of the data package's schema (``data/datapackage.json``), in the schema's order;
``tests/core/test_vocabularies.py`` holds each equal to its enum, so that a value the data may
hold is one the code accepts. They are not read from the file at import, so that the package
imports in a folder with no data package (a test project, a rerun's copy).
"""

from __future__ import annotations

from typing import Literal, get_args

Outcome = Literal["ORR", "DCR"]
Endpoint = Literal["PFS", "OS"]
ComparativeOutcome = Literal["OS", "PFS", "treatment_related_ae"]
Histology = Literal["ATC", "mixed ATC", "PDTC", "MTC", "DTC"]
Design = Literal["prospective_trial", "prospective_observational", "retrospective_cohort",
                 "post_marketing_surveillance", "randomised_trial"]

OUTCOMES: tuple[str, ...] = get_args(Outcome)
"""Pooled response outcomes (``previous_version_inputs.outcome``)."""
ENDPOINTS: tuple[str, ...] = get_args(Endpoint)
"""Survival endpoints (``landmarks.endpoint``)."""
COMPARATIVE_OUTCOMES: tuple[str, ...] = get_args(ComparativeOutcome)
"""Outcomes of a between-arm comparison (``comparisons.endpoint``, ``risk_of_bias.outcome``)."""
HISTOLOGIES: tuple[str, ...] = get_args(Histology)
"""Histologies of a cohort (``studies.histology``; ``mixed ATC`` is pooled with ATC)."""
DESIGNS: tuple[str, ...] = get_args(Design)
"""Study designs (``studies.design``)."""

SCHEMA_FIELDS: dict[str, tuple[tuple[str, str], ...]] = {
    "OUTCOMES": (("previous_version_inputs", "outcome"),),
    "ENDPOINTS": (("landmarks", "endpoint"),),
    "COMPARATIVE_OUTCOMES": (("comparisons", "endpoint"), ("risk_of_bias", "outcome"),
                             ("comparative_certainty", "endpoint")),
    "HISTOLOGIES": (("studies", "histology"),),
    "DESIGNS": (("studies", "design"),),
}
"""Where each vocabulary is declared in the data package: (resource, field)."""
