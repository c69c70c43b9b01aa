"""Tests for living_review.survival.median_sensitivity (median of medians, QE method).

Reference values are direct computations stated beside each assertion.
"""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from living_review.survival.median_sensitivity import median_of_medians, median_variance_qe, pool_medians_qe

# OS medians, months: Cao 2024 Table 1 (Bible 111 d / 30.4375, Savvides, Tahara, Wirth), Kim 2021, Sparano 2021
OS = pd.DataFrame({
    "label": ["Bible 2012", "Savvides 2013", "Tahara 2017", "Wirth 2021", "Kim 2021", "Sparano 2021"],
    "median": [111 / 30.4375, 3.9, 10.6, 3.2, 6.7, 3.1], "n": [15, 20, 17, 34, 14, 23],
})


def test_median_of_medians_and_order_statistic_ci():
    res = median_of_medians(OS)
    # sorted: 3.1, 3.2, 3.647, 3.9, 6.7, 10.6 -> median (3.647 + 3.9) / 2
    assert res.estimate == pytest.approx((111 / 30.4375 + 3.9) / 2)
    # k = 6: a = 1 gives coverage 1 - 2 / 2^6 = 0.96875 >= 0.95; a = 2 gives 1 - 2 * 7/64 < 0.95
    assert res.ci_coverage == pytest.approx(1 - 2 / 64)
    assert (res.ci_low, res.ci_high) == (3.1, 10.6)
    # n-weighted median: cumulative n over sorted medians 23, 57, 72, 92 of 123 -> crosses 61.5 at 3.647
    assert res.weighted_estimate == pytest.approx(111 / 30.4375)


def test_small_k_reports_lower_coverage():
    res = median_of_medians(OS.iloc[:4])
    assert res.ci_coverage == pytest.approx(1 - 2 / 16)  # k = 4: best is the range, 87.5 %
    assert "no interval reaches 95%" in res.summary()


def test_qe_exponential_variance_direct():
    # exponential: f(m) = ln2 / (2 m), so Var = m^2 / (n ln2^2)
    var, fam = median_variance_qe([4.0], [25])
    assert var[0] == pytest.approx(16 / (25 * math.log(2) ** 2)) and fam[0] == "exponential"


def test_qe_weibull_variance_matches_scipy_density():
    # Weibull through S(4) = 0.5 and S(12) = 0.2; its density at the median from scipy
    var, fam = median_variance_qe([4.0], [30], [12.0], [0.2])
    k = math.log(math.log(1 / 0.2) / math.log(2)) / math.log(12 / 4)
    scale = 4 / math.log(2) ** (1 / k)
    f = stats.weibull_min(k, scale=scale).pdf(4.0)
    assert fam[0] == "weibull" and var[0] == pytest.approx(1 / (4 * 30 * f**2))
    assert stats.weibull_min(k, scale=scale).sf(12.0) == pytest.approx(0.2)


def test_qe_pooling_and_missing_n_is_listed():
    df = OS.copy()
    df.loc[0, "n"] = np.nan
    res = pool_medians_qe(df)
    assert res.k == 5 and res.table.loc[0, "status"] == "not pooled: n missing"
    assert "Bible 2012: not pooled" in res.summary()
    assert res.ci_low < res.estimate < res.ci_high
    # equal medians pool to that median with tau2 = 0
    same = pool_medians_qe(pd.DataFrame({"label": ["a", "b"], "median": [5.0, 5.0], "n": [10, 40]}))
    assert same.estimate == pytest.approx(5.0) and same.tau2 == 0.0
