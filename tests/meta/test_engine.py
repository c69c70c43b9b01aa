"""Vectorised pooling engine: masks, HK fallback at k = 1, prediction rules."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from living_review.meta.engine import pool

Y = np.array([0.2, 0.35, 0.5, 0.3, 0.25])
V = np.array([0.01, 0.02, 0.015, 0.03, 0.012])


def test_masked_rows_equal_subset_fits():
    masks = ~np.eye(5, dtype=bool)
    batch = pool(np.tile(Y, (5, 1)), np.tile(V, (5, 1)), masks, "REML", hakn=True)
    for i in range(5):
        one = pool(np.delete(Y, i), np.delete(V, i), None, "REML", hakn=True)
        assert batch.te[i] == pytest.approx(one.te[0], abs=1e-12)
        assert batch.ci_high[i] == pytest.approx(one.ci_high[0], abs=1e-12)


def test_prediction_rules_differ_only_in_the_quantile():
    r1 = pool(Y, V, method="DL", prediction="t(k-1)")
    r2 = pool(Y, V, method="DL", prediction="t(k-2)")
    rz = pool(Y, V, method="DL", prediction="z")
    half = np.sqrt(r1.se[0] ** 2 + r1.tau2[0])
    assert r1.pi_high[0] - r1.te[0] == pytest.approx(stats.t.ppf(0.975, 4) * half)
    assert r2.pi_high[0] - r2.te[0] == pytest.approx(stats.t.ppf(0.975, 3) * half)
    assert rz.pi_high[0] - rz.te[0] == pytest.approx(stats.norm.ppf(0.975) * half)


def test_single_study_hk_falls_back_to_z():
    r = pool(Y[:1], V[:1], method="REML", hakn=True)
    assert r.ci_high[0] - r.te[0] == pytest.approx(stats.norm.ppf(0.975) * np.sqrt(V[0]))
    assert np.isnan(r.pi_low[0])
