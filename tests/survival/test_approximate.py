"""Tests for living_review.survival.approximate (model-based approximation; not patient data).

Reference values are direct computations (stated beside each assertion) and the published Cao 2024
numbers (Medicine 2024;103(31):e38679, Table 2 and Results).
"""

import math

import numpy as np
import pandas as pd
import pytest

from living_review.data import load_evidence
from living_review.survival.approximate import (LABEL, approximate_curve, compare_with_published, fit_studies,
                                                published_survival)

# Cao 2024's survival, as the data package records it (previous_version_results.csv)
CAO = published_survival(load_evidence().previous_version_results, source="Cao 2024")

MONTH = 365.25 / 12
# Cao 2024 Table 1 medians (Bible in days) and landmark rates from the primary abstracts (Ha 2010
# 6-month PFS 36 %; Higashiyama 2022 1-year OS 11.9 %); n as enrolled in Cao Table 1
OS = pd.DataFrame({"label": ["Ha 2010", "Bible 2012", "Savvides 2013", "Tahara 2017", "Wirth 2021", "Higashiyama 2022"],
                   "n": [11, 16, 20, 17, 34, 42], "median": [np.nan, 111 / MONTH, 3.9, 10.6, 3.2, np.nan],
                   "landmark_time": [np.nan] * 5 + [12.0], "landmark_survival": [np.nan] * 5 + [0.119]})
PFS = pd.DataFrame({"label": OS["label"], "n": OS["n"], "median": [np.nan, 62 / MONTH, 1.9, 7.4, 2.6, np.nan],
                    "landmark_time": [6.0] + [np.nan] * 5, "landmark_survival": [0.36] + [np.nan] * 5})


def test_exponential_and_weibull_fits_pass_through_reported_points():
    fits = fit_studies(pd.DataFrame({"label": ["e", "w", "l"], "n": [10, 10, 10], "median": [4.0, 4.0, np.nan],
                                     "landmark_time": [np.nan, 12.0, 6.0], "landmark_survival": [np.nan, 0.2, 0.3]}))
    s = lambda r, t: math.exp(-((t / r["scale"]) ** r["shape"]))  # noqa: E731
    e, w, l_ = fits.iloc[0], fits.iloc[1], fits.iloc[2]
    assert e["family"] == "exponential" and s(e, 4.0) == pytest.approx(0.5)
    assert w["family"] == "weibull" and s(w, 4.0) == pytest.approx(0.5) and s(w, 12.0) == pytest.approx(0.2)
    assert l_["family"] == "exponential" and s(l_, 6.0) == pytest.approx(0.3) and "no median" in l_["status"]


def test_inconsistent_landmark_falls_back_and_says_so():
    # S(12) = 0.6 after a median of 4 months: no decreasing Weibull joins them
    fit = fit_studies(pd.DataFrame({"label": ["x"], "n": [5], "median": [4.0], "landmark_time": [12.0],
                                    "landmark_survival": [0.6]})).iloc[0]
    assert fit["family"] == "exponential" and "inconsistent" in fit["status"]


def test_pooled_curve_is_patient_weighted_mixture():
    df = pd.DataFrame({"label": ["a", "b"], "n": [30, 10], "median": [2.0, 8.0]})
    c = approximate_curve(df)
    expected = (30 * 0.5 ** (5 / 2) + 10 * 0.5 ** (5 / 8)) / 40  # exponential: S(t) = 2^(-t/m)
    assert c.survival_at(5.0)[0] == pytest.approx(expected)
    assert c.survival_at(c.median)[0] == pytest.approx(0.5, abs=1e-9)
    assert approximate_curve(df, weights="equal").survival_at(5.0)[0] == pytest.approx((0.5**2.5 + 0.5**0.625) / 2)


def test_study_without_data_is_listed_and_missing_n_is_an_error():
    df = pd.DataFrame({"label": ["a", "none"], "n": [10, np.nan], "median": [3.0, np.nan]})
    c = approximate_curve(df)
    assert "none: not used" in c.summary() and LABEL in c.summary()
    with pytest.raises(ValueError, match=r"n missing for \['b'\]"):
        approximate_curve(pd.DataFrame({"label": ["a", "b"], "n": [10, np.nan], "median": [3.0, 4.0]}))
    with pytest.raises(ValueError, match="choose one of n, equal"):
        approximate_curve(df, weights="size")


def test_the_published_survival_read_from_the_data_is_cao2024s():
    # Cao 2024 Table 2 and Results: OS 62.46 ... 12.61 %, PFS 40.38 ... 8.15 %, medians 4.8 (2.74-8.84), 2.62
    assert CAO.rates.index.tolist() == [3, 6, 9, 12, 15, 18, 21, 24]
    assert CAO.rates["OS"].tolist() == [62.46, 43.45, 32.71, 27.96, 26.24, 24.03, 22.45, 12.61]
    assert CAO.rates["PFS"].tolist() == [40.38, 18.64, 16.30, 16.30, 8.15, 8.15, 8.15, 8.15]
    assert CAO.medians.loc["OS"].tolist() == [4.8, 2.74, 8.84] and CAO.medians.loc["PFS", "median"] == 2.62
    assert np.isnan(CAO.medians.loc["PFS", "ci_low"])  # not printed


def test_comparison_with_cao2024_from_its_own_table1():
    curves = {"OS": approximate_curve(OS, endpoint="OS"), "PFS": approximate_curve(PFS, endpoint="PFS")}
    cmp = compare_with_published(curves, CAO)
    assert list(cmp.rates.index) == ["3 mo", "6 mo", "9 mo", "12 mo", "15 mo", "18 mo", "21 mo", "24 mo"]
    np.testing.assert_allclose(cmp.rates["OS difference"], cmp.rates["OS approx"] - cmp.rates["OS Cao 2024"], atol=0.011)
    assert cmp.medians.loc["OS", "Cao 2024 median"] == 4.8
    print("\n" + cmp.summary())
    with pytest.raises(ValueError, match="no Cao 2024 values"):
        compare_with_published({"DSS": curves["OS"]}, CAO)
