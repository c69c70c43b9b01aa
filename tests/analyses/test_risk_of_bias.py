"""Risk-of-bias summaries: weight shares (worked by hand), counts for the prose, display tables."""

import pandas as pd
import pytest

from living_review.data import load_evidence
from living_review.data import risk_of_bias as tool
from living_review.analyses import risk_of_bias as rb
from living_review.analyses import selection

A = rb.Assessment(pd.DataFrame(columns=["study_id", "item", "judgement", "basis", "support", "source"]),
                  {"a": "low", "b": "unclear", "c": "high"})


def test_weight_shares_normalise_and_ignore_zero_weights():
    s = rb.weight_shares(["a", "b", "c"], [2.0, 1.0, 1.0], A, weight="patients")
    assert (s.low, s.unclear, s.high) == (0.5, 0.25, 0.25) and s.concern == 0.5
    # a cohort of weight 0 (a median without CI) counts for nothing and needs no assessment
    s = rb.weight_shares(["a", "zz"], [3.0, 0.0], A, weight="meta-analysis weight")
    assert s.low == 1.0 and s.weight == "meta-analysis weight"


def test_a_cohort_without_assessment_or_bad_weights_is_refused():
    with pytest.raises(ValueError, match="cohort zz enters a pooled estimate without a risk-of-bias"):
        rb.weight_shares(["a", "zz"], [1, 1], A, weight="patients")
    with pytest.raises(ValueError, match=r"cohorts yy, zz enter a pooled estimate without a risk-of-bias assessment "
                                         r"\(add them to"):
        rb.weight_shares(["a", "yy", "zz"], [1, 1, 1], A, weight="patients")
    with pytest.raises(ValueError, match="one weight per cohort"):
        rb.weight_shares(["a"], [1, 2], A, weight="patients")
    with pytest.raises(ValueError, match="finite"):
        rb.weight_shares(["a"], [float("nan")], A, weight="patients")


def test_every_cohort_of_every_pooled_analysis_has_an_assessment():
    ev = load_evidence()
    a = rb.assessment(ev)
    pooled = set(selection.select_cohorts(ev.studies, dedupe=False)["study_id"])
    pooled |= set(ev.studies.loc[ev.studies["pooling_role"] == "atc_combination", "study_id"])
    for histology in ("MTC", "DTC"):
        pooled |= set(selection.select_cohorts(ev.studies, histology=histology)["study_id"])
    assert pooled and pooled <= set(a.overall)


def test_counts_for_the_prose_match_the_data():
    ev = load_evidence()
    a = rb.assessment(ev)
    cohorts = selection.select_cohorts(ev.studies)
    texts = rb.counts_text(a, ev.studies, cohorts)
    items = ev.risk_of_bias[ev.risk_of_bias["tool"] == "jbi_case_series"]
    assert texts["rob_n_judgements"] == str(len(items)) == str(10 * len(ev.studies))
    assert texts["rob_n_full_text"] == str(int((items["basis"] == "full_text").sum()))
    pooled_full = items[(items["basis"] == "full_text") & items["study_id"].isin(cohorts["study_id"])]
    assert texts["rob_n_full_text_pooled"] == str(len(pooled_full))
    n = sum(int(texts[f"rob_n_{k}"]) for k in ("low", "unclear", "high"))
    assert n == len(cohorts) == int(texts["rob_n_cohorts"])
    assert "Pitoia 2014" in texts["rob_full_text_cohorts"]


def test_display_tables():
    ev = load_evidence()
    a = rb.assessment(ev)
    overall = rb.overall_frame(a, ev.studies)
    assert len(overall) == len(ev.studies) and set(overall["Overall risk of bias"]) <= {"Low", "Unclear", "High"}
    judged = rb.judged_frame(a, ev.studies)
    assert (judged["Judgement"] != "Unclear").all()
    jbi = ev.risk_of_bias[ev.risk_of_bias["tool"] == "jbi_case_series"]
    assert len(judged) == int((jbi["judgement"] != "unclear").sum())
    # the comparative rows stay out of the JBI assessment the GRADE rows read
    assert set(a.items["tool"]) == {"jbi_case_series"} and set(a.items["item"]) == set(tool.ITEMS)
    assert a.judgement("pitoia2014", "Q1") == "yes" and f"{len(ev.studies)} cohorts assessed" in a.summary()
