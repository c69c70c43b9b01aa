"""Between-arm comparison table: each comparator value beside the TKI arm's, from the review's files."""

from __future__ import annotations

import pytest

from living_review.data import load_evidence
from living_review.report.comparisons_report import COLUMNS, comparison_table

EV = load_evidence()


def test_randomised_rows_pair_each_arm_with_its_own_file():
    t = comparison_table(EV, allocation="randomised")
    assert list(t.columns) == list(COLUMNS) and set(t["Allocation"]) == {"randomised"}
    by = t.set_index("Outcome")
    # the trial pre-specified a one-sided test (D50, comparisons.csv p_sided): the table says so, as the
    # comparative chapter does (two-sided 0.56 = 2 (1 - Phi(|log 0.86| / ((log 1.43 - log 0.52) / 3.92))))
    assert by.loc["OS hazard ratio, TKI arm / comparator", "Between arms"] == (
        "0.86 (0.52–1.43), p = 0.28 one-sided as pre-specified (two-sided 0.56 from the interval)")
    # TKI arm from landmarks.csv, comparator from comparisons.csv
    lm = EV.landmarks[(EV.landmarks.study_id == "sherman2023_pazopanib") & (EV.landmarks.time == 1)]
    assert by.loc["OS at 1 year", "TKI arm"].startswith(f"{lm.rate_pct.iat[0]:.1f}%")
    assert by.loc["OS at 1 year", "Comparator arm"] == "29.0% (13.2–44.8), n = 35"
    assert by.loc["treatment-related adverse event, highest grade 3-4", "TKI arm"] == "31/36 (86.1%)"
    assert by.loc["treatment-related adverse event, highest grade 3-4", "Comparator arm"] == "28/34 (82.4%)"


def test_non_randomised_rows_are_labelled_and_keep_the_printed_measure():
    t = comparison_table(EV, allocation="non_randomised")
    assert set(t["Allocation"]) == {"not randomised (groups as treated)"}
    avg = t[t["Outcome"].str.contains("average")].iloc[0]
    assert (avg["TKI arm"], avg["Comparator arm"], avg["Between arms"]) == ("5.8, n = 36", "2.0, n = 12", "p = 0.005")
    med = t[t["Outcome"] == "median OS (months)"].iloc[0]  # TKI arm's median from studies.csv
    assert med["TKI arm"] == "4.2, n = 16" and med["Between arms"] == "p = 0.00298"
    assert len(comparison_table(EV)) == len(t) + len(comparison_table(EV, allocation="randomised"))


def test_allocation_is_a_closed_set():
    with pytest.raises(ValueError, match="choose one of randomised, non_randomised"):
        comparison_table(EV, allocation="observational")


def test_a_p_whose_sides_are_not_stated_is_read_as_one_sided_when_it_is_half_the_implied_p():
    from types import SimpleNamespace

    from living_review.report.comparisons_report import _ratio_p

    row = dict(value=0.86, ci_lower=0.52, ci_upper=1.43, ci_level=95, p_value=0.28)
    assert _ratio_p(SimpleNamespace(**row, p_sided=float("nan"))) == (
        ", p = 0.28 one-sided as printed (two-sided 0.56 from the interval)")
    assert _ratio_p(SimpleNamespace(**{**row, "p_value": 0.56}, p_sided=float("nan"))) == ", p = 0.56"
