"""Risk differences against Newcombe's published worked examples and statsmodels.

Reference values
----------------
* Newcombe RG, Stat Med 1998;17:873-90, Table II, method 10 (hybrid score, no continuity
  correction), printed to 4 decimals: examples (a)-(f).
* statsmodels ``confint_proportions_2indep(..., method="newcomb", compare="diff")``, an
  independent implementation of the same interval, on the same inputs.
* Altman DG, Bland JM, BMJ 2011;343:d2304: hazard ratio 0.81 (95% CI 0.70 to 0.94) gives
  z = 2.80 and P = 0.005 (printed to 3 decimals).
"""

from __future__ import annotations

import math

import pytest
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

from living_review.meta import risk_difference as rd

# (x1, n1, x2, n2, lower, upper) from Newcombe 1998, Table II, method 10
NEWCOMBE_TABLE_II = [
    (56, 70, 48, 80, 0.0524, 0.3339),
    (9, 10, 3, 10, 0.1705, 0.8090),
    (6, 7, 2, 7, 0.0582, 0.8062),
    (5, 56, 0, 29, -0.0381, 0.1926),
    (0, 10, 0, 20, -0.1611, 0.2775),
    (10, 10, 0, 20, 0.6791, 1.0000),
]


@pytest.mark.parametrize("x1,n1,x2,n2,lo,hi", NEWCOMBE_TABLE_II)
def test_newcombe_table_ii(x1, n1, x2, n2, lo, hi, tol):
    r = rd.risk_difference(x1, n1, x2, n2)
    assert r.difference == pytest.approx(x1 / n1 - x2 / n2, abs=1e-15)
    assert r.ci_low == pytest.approx(lo, abs=tol["published_4dp"])
    assert r.ci_high == pytest.approx(hi, abs=tol["published_4dp"])


@pytest.mark.parametrize("x1,n1,x2,n2", [(13, 35, 9, 31), (31, 36, 28, 34), (1, 36, 1, 34), (0, 5, 5, 5),
                                         (17, 40, 3, 12)])
@pytest.mark.parametrize("level", [0.9, 0.95, 0.99])
def test_newcombe_matches_statsmodels(x1, n1, x2, n2, level):
    r = rd.risk_difference(x1, n1, x2, n2, level)
    lo, hi = confint_proportions_2indep(x1, n1, x2, n2, method="newcomb", compare="diff", alpha=1 - level)
    # two implementations of closed formulas: rounding only
    assert (r.ci_low, r.ci_high) == pytest.approx((lo, hi), abs=1e-12)


def test_wilson_matches_statsmodels():
    for x, n in [(0, 10), (3, 7), (13.356, 36), (36, 36)]:
        assert rd.wilson(x, n) == pytest.approx(proportion_confint(x, n, method="wilson"), abs=1e-12)


def test_rates_equal_counts_when_the_rate_is_a_fraction():
    a = rd.from_rates(13 / 35, 35, 9 / 31, 31)
    b = rd.risk_difference(13, 35, 9, 31)
    assert (a.ci_low, a.ci_high) == pytest.approx((b.ci_low, b.ci_high), abs=1e-14)


def test_wald_from_intervals_by_hand():
    # se1 = 0.2/3.92, se2 = 0.1/3.92; d = 0.1; half-width = 1.959964 * hypot(se1, se2)
    r = rd.from_intervals(0.5, 0.4, 0.6, 0.4, 0.35, 0.45)
    z = 1.959963984540054
    half = z * math.hypot(0.2 / (2 * z), 0.1 / (2 * z))
    assert r.difference == pytest.approx(0.1, abs=1e-15)
    assert (r.ci_low, r.ci_high) == pytest.approx((0.1 - half, 0.1 + half), abs=1e-14)
    assert half == pytest.approx(math.hypot(0.1, 0.05), abs=1e-14)  # z cancels for 95% intervals


def test_ratio_p_value_altman_bland():
    assert rd.ratio_p_value(0.81, 0.70, 0.94) == pytest.approx(0.005, abs=0.0005)
    z = math.log(0.81) / ((math.log(0.94) - math.log(0.70)) / (2 * 1.959963984540054))
    assert abs(z) == pytest.approx(2.80, abs=0.005)


def test_entry_point_rejects_unknown_method_and_bad_input():
    with pytest.raises(ValueError, match="choose one of newcombe, wald_from_intervals"):
        rd.compute("wald", x1=1, n1=2, x2=1, n2=2)
    with pytest.raises(ValueError, match="0 <= x <= n"):
        rd.risk_difference(5, 4, 1, 2)
    with pytest.raises(ValueError, match="fractions, not percentages"):
        rd.from_rates(37.1, 36, 29.0, 35)
    with pytest.raises(ValueError, match="does not bracket"):
        rd.ratio_p_value(0.86, 1.43, 0.52)
    by_rates = rd.compute("newcombe", p1=0.5, n1=10, p2=0.2, n2=10)
    by_counts = rd.compute("newcombe", x1=5, n1=10, x2=2, n2=10)
    assert (by_rates.ci_low, by_rates.ci_high) == pytest.approx((by_counts.ci_low, by_counts.ci_high), abs=1e-14)
