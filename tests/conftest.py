"""Shared test settings.

Tolerances live here, named by the kind of quantity they guard. Each says why it is what
it is; a loosening must give its reason in the comment beside it.
"""

from __future__ import annotations

import shutil

import pytest

TOL = {
    # Our engine against R metafor on the same inputs: both solve the same equations to
    # ~1e-10, so 1e-6 leaves room only for the optimisers' stopping rules.
    "estimate": 1e-6,
    "ci": 1e-6,
    "tau2": 1e-6,
    "i2": 1e-6,
    "q": 1e-6,
    "pvalue": 1e-6,
    # A prediction interval puts tau2 under a square root and multiplies it by t(k-1) (2.78 at
    # k = 5, 6.3 at k = 3 and 90 %): the REML tau2 tolerance above becomes ~5e-6 on its bounds.
    "prediction": 1e-5,
    # GLMM: two adaptive Gauss-Hermite fits with different optimisers agree to ~1e-5.
    "glmm": 1e-4,
    # Published numbers are printed to 2 decimals (proportions) or 4 (tau2): half a unit
    # in the last printed place.
    "published_2dp": 0.005 + 1e-12,
    "published_4dp": 0.00005 + 1e-12,
    "published_pct": 0.5 + 1e-12,
    # Unit conversions are exact arithmetic.
    "unit": 1e-12,
    # Values computed by hand and written to 10 decimals: half a unit in the last place.
    "hand_10dp": 0.5e-10 + 1e-15,
}

HAS_R = shutil.which("Rscript") is not None


@pytest.fixture
def tol():
    return TOL


@pytest.fixture
def data_copy(tmp_path):
    """A writable copy of the project's data folder (:class:`tests.data.conftest.DataCopy`)."""
    from tests.data.conftest import REAL_DATA, DataCopy

    target = tmp_path / "data"
    shutil.copytree(REAL_DATA, target)
    return DataCopy(target)


@pytest.fixture(scope="module")
def ev():
    """The project's evidence, read once per module."""
    from living_review.data import load_evidence

    return load_evidence()


@pytest.fixture(scope="module")
def settings():
    """The project's analysis settings, read once per module."""
    from living_review.settings import load_settings

    return load_settings()

