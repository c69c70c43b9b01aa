"""The summary-of-findings rows, their certainty and their tables."""

import dataclasses
import math
from dataclasses import replace

import pytest

from living_review.data import load_evidence
from living_review.appraisal import certainty
from living_review.analyses import selection
from living_review.analyses import summary_of_findings as sof
from living_review.settings import load_settings


def test_summary_rows_come_from_the_same_analyses_as_the_chapters():
    ev, settings = load_evidence(), load_settings()
    rows = sof.build_summary(ev, settings, n_terms=2)
    # the reported landmark rates (6-month PFS, 1-year OS) follow the medians, before the adverse events
    assert [r.key for r in rows][:6] == ["orr", "dcr", "pfs_median", "os_median", "pfs_6m", "os_12m"]
    assert rows[6].key == "ae_grade3.hypertension" and len(rows) == 8
    from living_review.analyses import survival_landmarks as sl
    os12 = sl.pool_landmark(cohorts := selection.select_cohorts(ev.studies), ev.landmarks, "OS", 12,
                            settings.meta_analysis)
    assert (rows[5].estimate, rows[5].k, rows[5].patients) == (os12.result.estimate, 3, 186)
    cohorts = selection.select_cohorts(ev.studies)
    orr = selection.pool_outcome(cohorts, "ORR", settings.meta_analysis)
    assert rows[0].estimate == orr.estimate and rows[0].k == orr.k
    assert rows[0].patients == int(selection.outcome_counts(cohorts, "ORR")["n"].sum())
    assert all(r.certainty.rating in certainty.LEVELS for r in rows)
    assert all(r.ci_low <= r.estimate <= r.ci_high for r in rows)
    assert all(r.rob is not None and r.rob.weight == "meta-analysis weight" for r in rows)
    assert not math.isnan(rows[2].i2)
    # an outcome from one study is labelled as such in the prose, with no heterogeneity
    one = sof.glue_texts([dataclasses.replace(rows[0], k=1)], 0.95)
    assert "(95% CI, exact, one study " in one["est_orr"] and one["het_orr"] == "not applicable"
    with pytest.raises(ValueError, match="n_terms"):
        sof.build_summary(ev, settings, n_terms=-1)


def test_comparison_glue_and_ledger_parts():
    ev, settings = load_evidence(), load_settings()
    rows = sof.build_summary(ev, settings)
    table = sof.previous_comparison(rows, ev.previous_version_results, ev.previous_version_inputs).set_index("Outcome")
    # Cao 2024 Fig. 3 (data/previous_version_results.csv): ORR 0.09 [0.02; 0.17] over 6 trials, 136 patients
    assert table.loc["ORR", "Cao 2024"] == "9% (2–17%)" and table.loc["ORR", "Cao 2024 k/N"] == "6/136"
    # Cao 2024 Results: median OS 4.8 (2.74-8.84) months, median PFS 2.62 months without a CI
    assert table.loc["Median OS", "Cao 2024"] == "4.8 (2.74–8.84) mo"
    assert table.loc["Median PFS", "Cao 2024"] == "2.62 mo (no CI)"
    texts = sof.glue_texts(rows, 0.95)
    orr = rows[0]
    assert texts["est_orr"] == f"{100 * orr.estimate:.1f}% (95% CI {100 * orr.ci_low:.1f}–{100 * orr.ci_high:.1f}%)"
    assert texts["ae_top_name"] == "hypertension" and texts["rule_ois"] == "300" and texts["rule_i2_serious"] == "50%"
    assert texts["rule_thresholds"].startswith("objective response 10%, disease control 50%")
    assert texts["rule_ois_half"] == "10"
    assert sof.glue_texts([], 0.95)["est_orr"] == "not estimable"
    assert sof.ledger_params(rows[0]) == {} and sof.ledger_params(rows[2])["scale"] == "log median"


def test_patient_counts_say_what_they_count():
    rows = sof.build_summary(load_evidence(), load_settings())
    texts = sof.glue_texts(rows, 0.95)
    assert texts["kn_orr"] == f"{rows[0].k} cohorts, {rows[0].patients} patients evaluated"
    assert texts["kn_os_median"].endswith("patients enrolled")


def test_risk_of_bias_domain_uses_the_assessment_weighted_by_the_model():
    ev, settings = load_evidence(), load_settings()
    rows = sof.build_summary(ev, settings, n_terms=1)
    orr = rows[0]
    # every cohort of the ORR estimate is at unclear risk (abstracts only): the whole weight is of concern
    assert orr.rob.unclear == pytest.approx(1.0) and orr.rob.low == 0.0
    assert orr.certainty.downgrades[0][:2] == ("risk of bias", 1)
    assert set(orr.study_ids) == set(selection.outcome_counts(selection.select_cohorts(ev.studies), "ORR")
                                     ["study_id"])


def _all_yes(ev, ids):
    table = ev.risk_of_bias.copy()
    table.loc[table["study_id"].isin(ids), ["judgement", "basis"]] = ["yes", "full_text"]
    return replace(ev, risk_of_bias=table)


def test_low_risk_sensitivity_repools_the_low_risk_cohorts_only_where_two_are():
    ev, settings = load_evidence(), load_settings()
    # two ORR cohorts made low-risk on a copy of the evidence (the committed data have none)
    ev2 = _all_yes(ev, ["savvides2013", "wirth2021"])
    rows = sof.build_summary(ev2, settings, n_terms=1)
    orr = rows[0]
    assert orr.rob.low == pytest.approx(sum(w for i, w in zip(orr.result.studies["study"], orr.result.studies[
        "weight_random"]) if i in ("Savvides 2013", "Wirth 2021")) / orr.result.studies["weight_random"].sum())
    low = {x.key: x for x in sof.low_risk_rows(ev2, settings, rows)}
    assert low["orr"].k_low == 2 and low["orr"].row.k == 2
    direct = selection.pool_outcome(ev.studies[ev.studies["study_id"].isin(["savvides2013", "wirth2021"])],
                                       "ORR", settings.meta_analysis)
    assert low["orr"].row.estimate == pytest.approx(direct.estimate)
    assert low["orr"].row.certainty.downgrades[0][0] != "risk of bias"
    # hypertension is reported by Wirth but not by Savvides: one low-risk cohort, not estimable
    assert low[rows[-1].key].row is None
    table = sof.low_risk_table(tuple(low.values()))
    assert table.iloc[-1, 2].startswith("not estimable: 1 cohort at low risk")
    assert sof.low_risk_table(sof.low_risk_rows(ev, settings, rows)).iloc[0, 1] == 0


def test_a_pooled_cohort_without_an_assessment_stops_the_summary():
    ev, settings = load_evidence(), load_settings()
    missing = replace(ev, risk_of_bias=ev.risk_of_bias[ev.risk_of_bias["study_id"] != "wirth2021"])
    with pytest.raises(ValueError, match="cohort wirth2021 enters a pooled estimate without a risk-of-bias assessment"):
        sof.build_summary(missing, settings)
