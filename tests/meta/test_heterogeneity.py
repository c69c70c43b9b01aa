"""Higgins-Thompson I² and its CI from Q."""

from __future__ import annotations

import math

import numpy as np
import pytest

from living_review.meta.heterogeneity import h_and_i2


def test_i2_and_ci_by_direct_computation():
    # direct computation of the formulas (Higgins and Thompson 2002) for Q = 20, k = 8 (Q > k)
    q, k = 20.0, 8
    h = math.sqrt(q / 7)
    se = 0.5 * (math.log(q) - math.log(7)) / (math.sqrt(40) - math.sqrt(13))
    lo, hi = math.exp(math.log(h) - 1.959963984540054 * se), math.exp(math.log(h) + 1.959963984540054 * se)
    r = h_and_i2(q, k)
    assert r["i2"] == pytest.approx(1 - 7 / 20)
    assert r["i2_ci_low"] == pytest.approx((lo**2 - 1) / lo**2)
    assert r["i2_ci_high"] == pytest.approx((hi**2 - 1) / hi**2)


def test_small_q_floors_at_zero_and_k2_limits():
    r = h_and_i2(2.0, 6)  # Q < k - 1
    assert r["i2"] == 0 and r["i2_ci_low"] == 0 and r["h2"] == 1
    r = h_and_i2(1.5, 2)  # k = 2 and Q <= k: SE(log H) undefined
    assert np.isnan(r["i2_ci_low"]) and r["i2"] == pytest.approx(1 - 1 / 1.5)
    assert np.isnan(h_and_i2(3.0, 1)["i2"])
