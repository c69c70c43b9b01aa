"""tau² estimators: vectorised rows equal separate fits, and the floors behave."""

from __future__ import annotations

import numpy as np
import pytest

from living_review.meta.tau2 import TAU2_METHODS, estimate_tau2, q_profile_ci

RNG = np.random.default_rng(7)
Y = RNG.normal(0.3, 0.2, 12)
V = RNG.uniform(0.005, 0.05, 12)


@pytest.mark.parametrize("method", TAU2_METHODS)
def test_rows_of_a_batch_equal_separate_fits(method):
    masks = np.ones((4, 12), bool)
    masks[1, :5] = False
    masks[2, 3] = False
    masks[3, 6:] = False
    kw = {"weights": np.arange(1, Y.size + 1.0)} if method == "GENQ" else {}
    batch = estimate_tau2(np.tile(Y, (4, 1)), np.tile(V, (4, 1)), masks, method, **kw)
    for row, m in zip(batch, masks):
        assert row == pytest.approx(estimate_tau2(Y[m][None], V[m][None], np.ones((1, m.sum()), bool), method,
                                                        **({"weights": kw["weights"][m]} if kw else {}))[0], abs=1e-12)


@pytest.mark.parametrize("method", TAU2_METHODS)
def test_homogeneous_data_give_zero_not_negative(method):
    # the statsmodels combine_effects defect: DL must be floored at 0 on homogeneous data
    y = np.array([[0.30, 0.31, 0.29, 0.30]])
    v = np.full((1, 4), 0.04)
    t = estimate_tau2(y, v, np.ones((1, 4), bool), method, weights=np.ones(4))[0]
    assert t >= 0
    if method != "SJ":  # SJ is positive by construction
        assert t == 0


def test_single_study_row_is_zero_and_ci_nan():
    mask = np.array([[True, False, False]])
    assert estimate_tau2(np.array([[0.2, 0.3, 0.4]]), np.full((1, 3), 0.01), mask, "REML")[0] == 0
    lo, hi = q_profile_ci(np.array([[0.2, 0.3, 0.4]]), np.full((1, 3), 0.01), mask)
    assert np.isnan(lo[0]) and np.isnan(hi[0])
