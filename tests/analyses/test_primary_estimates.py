"""Tests for living_review.analyses.primary_estimates (estimates as records, scopes, medians)."""

from __future__ import annotations

import pandas as pd
import pytest

from living_review.data import load_evidence
from living_review.analyses import primary_estimates as pe
from living_review.settings import load_settings


def _cohorts(medians, ns, ci=False):
    k = len(medians)
    return pd.DataFrame({"study_id": [f"s{i}" for i in range(k)], "label": [f"S{i}" for i in range(k)],
                         "os_median": medians, "os_median_months": medians,
                         "os_ci_lower_months": [m * 0.7 if ci else float("nan") for m in medians],
                         "os_ci_upper_months": [m * 1.4 if ci else float("nan") for m in medians],
                         "os_ci_level": [95.0 if ci else float("nan")] * k, "n_enrolled": ns,
                         "n_evaluable_response": ns})


def test_median_of_medians_hand_computed():
    # medians 2, 3, 9 months with 10, 10 and 100 patients: the median is 3; the patient-weighted
    # median is 9, since the third cohort carries 100/120 > 1/2 of the weight (McGrath 2019, WM)
    e = pe.median_of_medians(_cohorts([2.0, 3.0, 9.0], [10, 10, 100]), "OS")
    assert e.estimate == 3.0 and e.weighted == 9.0
    assert (e.ci_low, e.ci_high) == (2.0, 9.0) and e.k == 3 and e.n == 120
    assert "coverage 75%" in e.method  # 1 - 2 * 0.5**3


def test_log_median_names_what_it_left_out():
    ev, settings = load_evidence(), load_settings()
    from living_review.analyses.selection import select_cohorts

    e = pe.log_median(select_cohorts(ev.studies), "OS", settings.meta_analysis, settings.survival)
    left = {label for label, _, _ in e.left_out}
    assert left == {"Bible 2012", "Japan PMS 2020", "Mikoshiba 2025"}  # the cohorts without a CI
    assert all(why == "no confidence interval reported" for _, why, _ in e.left_out)
    assert pe.left_out_text(e).startswith("3 cohorts (156 patients) without a reported confidence interval: ")


def test_scopes_of_a_trial_and_of_a_combination():
    studies = load_evidence().studies
    assert set(pe.scopes(studies, "tahara2017")) == {"all", "lenvatinib", "trials"}
    assert set(pe.scopes(studies, "atlep2022")) == {"combination_immunotherapy"}
    assert pe.scopes(studies, "ito2017_mtc") == {}


def test_estimates_rejects_an_unknown_outcome():
    with pytest.raises(ValueError, match="choose one of ORR, DCR, PFS, OS"):
        pe.estimates(pd.DataFrame(), "QOL", load_settings())
