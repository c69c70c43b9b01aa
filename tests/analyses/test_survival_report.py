"""Reported medians, their pooled log-median and landmark rates for the chapters."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from living_review.analyses import survival_report as sr
from living_review.survival import pool_log_medians


def _rows(ev, ids):
    return ev.studies[ev.studies["study_id"].isin(ids)].sort_values("pub_order")


def test_medians_are_shown_as_reported_with_unit_and_ci_level(ev):
    rows = _rows(ev, ["bible2012", "ito2017_atc", "koyama2018", "tahara2017"])
    table = sr.median_table(rows, "PFS").set_index("Study")
    # data/studies.csv: Bible 62 days without CI; Ito CI without level; Koyama reports TTP in days
    assert table.loc["Bible 2012", "Median"] == "62 days" and table.loc["Bible 2012", "CI"] == "not reported"
    assert table.loc["Bible 2012", "Months"] == round(62 / 30.4375, 2)  # loader's days-to-months rule
    assert table.loc["Ito 2017 (ATC)", "CI"] == "0.7–5.6 (level not stated)"
    assert table.loc["Koyama 2018", "Measure"] == "TTP"
    assert table.loc["Tahara 2017", "CI"] == "1.7–12.9 (95%)"
    with pytest.raises(ValueError, match="endpoint='DFS' is not allowed"):
        sr.median_table(_rows(ev, ["bible2012"]), "DFS")


def test_pooling_needs_two_cis_and_never_drops_a_study(ev):
    none = sr.pool_medians(_rows(ev, ["bible2012", "tahara2017"]), "OS", tau2_method="REML", level=0.95)
    assert none.result is None and none.k_reported == 2 and none.k_with_ci == 1 and "at least two" in none.reason
    empty = sr.pool_medians(_rows(ev, ["ha2010"]), "OS", tau2_method="REML", level=0.95)
    assert empty.result is None and "no median OS is reported" in empty.reason
    got = sr.pool_medians(_rows(ev, ["bible2012", "tahara2017", "wirth2021"]), "OS", tau2_method="DL", level=0.95)
    assert got.result.k == 2 and len(got.result.table) == 3 and len(got.inputs) == 3
    assert got.result.table.set_index("label").loc["Bible 2012", "status"] == "no CI: not pooled"
    # independent computation: SE = (ln U - ln L)/(2 z) from the CIs of data/studies.csv, DL tau2
    y = np.log([10.6, 3.2])
    se = (np.log([19.8, 8.2]) - np.log([3.8, 2.8])) / (2 * stats.norm.ppf(0.975))
    w = 1 / se**2
    q = float(np.sum(w * (y - np.sum(w * y) / w.sum()) ** 2))
    tau2 = max(0.0, (q - 1) / (w.sum() - np.sum(w**2) / w.sum()))
    wr = 1 / (se**2 + tau2)
    assert got.result.estimate == pytest.approx(math.exp(np.sum(wr * y) / wr.sum()), rel=1e-12)


def test_unstated_ci_level_is_assumed_and_flagged_and_estimators_fall_back(ev):
    got = sr.pool_medians(_rows(ev, ["savvides2013", "ito2017_atc"]), "PFS", tau2_method="PM", level=0.95)
    assert got.result.method == "REML" and "PM is not implemented" in got.method_note
    assert "95% assumed" in got.result.table.set_index("label").loc["Ito 2017 (ATC)", "status"]
    frame = sr.median_input(_rows(ev, ["savvides2013", "ito2017_atc"]), "PFS").drop(columns="study_id")
    direct = pool_log_medians(frame, method="REML", level=0.95, assume_ci_level=0.95)
    assert got.result.estimate == pytest.approx(direct.estimate, rel=1e-12)
    assert frame["ci_level"].iloc[0] == pytest.approx(0.95) and np.isnan(frame["ci_level"].iloc[1])
    assert "2 median(s) reported, 2 with a CI" in got.summary()


def test_landmarks_as_reported(ev):
    table = sr.landmark_rows(ev.landmarks, ev.studies, ["higashiyama2022", "ha2010", "tahara2017"]).set_index("Study")
    # data/landmarks.csv: HOPE 1-year OS 11.9% (4.4-23.6); Ha 6-month PFS 36% (Kaplan-Meier)
    assert table.loc["Higashiyama 2022 (HOPE)", "Rate"] == "11.9% (4.4–23.6%)"
    assert table.loc["Higashiyama 2022 (HOPE)", "Months"] == 12.0
    assert table.loc["Ha 2010", "Estimate"] == "Kaplan-Meier" and table.loc["Ha 2010", "Time"] == "6 months"
    assert "Tahara 2017" not in table.index
    assert isinstance(sr.landmark_rows(ev.landmarks, ev.studies, []), pd.DataFrame)


def test_sentences_figures_and_ledger_parts(ev):
    import matplotlib

    matplotlib.use("Agg")
    got = sr.pool_medians(_rows(ev, ["pms_japan2020", "tahara2017", "wirth2021"]), "OS", tau2_method="REML",
                          level=0.95)
    text = sr.median_sentence(got)
    assert text.startswith(f"Pooling the log medians of 2 cohorts gives a median OS of {got.result.estimate:.1f}")
    assert text.endswith("; 1 reported median without a CI is listed but not pooled.")
    assert [i["study_id"] for i in sr.pooled_inputs(got)] == ["tahara2017", "wirth2021"]
    assert sr.ledger_params(got) == {"tau2_method": "REML", "no_ci": "exclude", "scale": "log median"}
    assert sr.median_forest(got, subject="x").axes[0].get_xscale() == "log"
    none = sr.pool_medians(_rows(ev, ["ha2010"]), "PFS", tau2_method="REML", level=0.95)
    assert sr.median_sentence(none) == "The median PFS is not pooled: no median PFS is reported in the sources read."
    assert sr.pooled_inputs(none) == [] and sr.ledger_params(none) == {}
    assert sr.median_forest(none, subject="imatinib") is None  # nothing pooled: no figure
    assert f"pooled median of {got.result.estimate:.1f} months" in sr.median_alt(got, subject="x")
    with pytest.raises(ValueError, match="not pooled"):
        sr.median_alt(none, subject="imatinib")
    both = sr.medians_table(_rows(ev, ["tahara2017"]))
    assert both["Measure"].tolist() == ["PFS", "OS"]
