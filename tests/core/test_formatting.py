"""Number formatting (expected strings written by hand from R meta's print conventions)."""

import math

from living_review.core import formatting as f


def test_proportions_and_intervals_print_as_r_meta_does():
    assert f.prop(0.0912) == "0.09"
    assert f.ci(0.0234, 0.1688) == "[0.02; 0.17]"
    assert f.estimate_ci(0.5349, 0.2105, 0.8421) == "0.53 [0.21; 0.84]"


def test_percent_forms():
    assert f.pct(0.0912) == "9%"
    assert f.estimate_ci(0.0912, 0.0234, 0.1688, 0, percent=True) == "9% (2–17%)"


def test_missing_values_print_as_a_dash():
    assert f.prop(None) == f.ci(math.nan, 1.0) == f.months(float("nan")) == f.pvalue(None) == "–"


def test_pvalues():
    assert f.pvalue(0.1012) == "p = 0.10"
    assert f.pvalue(0.004) == "p < 0.01"
    assert f.months(4.8) == "4.8 months"
