"""GRADE's absolute effect of a hazard ratio at a landmark, against a worked example and a direct computation."""

import math

import pytest

from living_review.appraisal import comparative_absolute as ca


def test_the_worked_example_of_nrg_rtog_0912():
    # reader's check (the appraisal issue): placebo 1-year OS 29.0%, HR 0.86 (0.52 to 1.43):
    # +5.5 points, -12.0 to +23.5, i.e. 0.29^0.86 = 0.3449, 0.29^1.43 = 0.1703, 0.29^0.52 = 0.5253
    e = ca.absolute_effect(0.29, 0.86, 0.52, 1.43)
    assert round(100 * e.difference, 1) == 5.5
    assert round(100 * e.ci_low, 1) == -12.0 and round(100 * e.ci_high, 1) == 23.5
    assert e.survival == pytest.approx(0.3449, abs=5e-5)
    assert ca.text(e) == "+5.5 (−12.0 to +23.5)"


@pytest.mark.parametrize(("s0", "hr", "t"), [(0.29, 0.86, 1.0), (0.129, 0.86, 2.0), (0.5, 1.43, 0.5),
                                             (0.9, 0.3, 3.0)])
def test_against_a_direct_computation_with_exponential_hazards(s0, hr, t):
    # independent route: constant hazards, lambda0 from S0(t) = exp(-lambda0 t), lambda1 = HR lambda0
    lam0 = -math.log(s0) / t
    s1 = math.exp(-hr * lam0 * t)
    assert ca.survival_under_hr(s0, hr) == pytest.approx(s1, rel=1e-12)
    # and as risks: risk1 = 1 - (1 - risk0)^HR
    assert 1 - ca.survival_under_hr(s0, hr) == pytest.approx(1 - (1 - (1 - s0)) ** hr, rel=1e-12)


def test_limits_follow_the_ratio_limits_and_bad_input_is_refused():
    e = ca.absolute_effect(0.4, 1.0, 0.5, 2.0)
    assert e.difference == 0 and e.ci_low < 0 < e.ci_high
    with pytest.raises(ValueError, match="outside its interval"):
        ca.absolute_effect(0.4, 2.5, 0.5, 2.0)
    with pytest.raises(ValueError, match="outside 0-1"):
        ca.absolute_effect(29.0, 0.86, 0.52, 1.43)
    with pytest.raises(ValueError, match="positive finite"):
        ca.survival_under_hr(0.3, 0.0)
