"""GRADE rules for comparisons: one case per rule, and the floor at very low."""

from __future__ import annotations

import pytest

from living_review.appraisal.comparative_certainty import ComparativeProfile, rate_comparison


def _p(**kw):
    base = dict(allocation="randomised", studies=1, patients=400, rob_overall="low", indirectness=0,
                indirectness_reason="same question", includes_null=False)
    base.update(kw)
    return ComparativeProfile(**base)


@pytest.mark.parametrize("kw, rating, domains", [
    ({}, "high", {}),
    ({"allocation": "non_randomised"}, "low", {}),
    ({"rob_overall": "some_concerns"}, "moderate", {"risk of bias": 1}),
    ({"rob_overall": "high"}, "low", {"risk of bias": 2}),
    ({"rob_overall": "no_information"}, "moderate", {"risk of bias": 1}),
    ({"allocation": "non_randomised", "rob_overall": "moderate"}, "low", {}),
    ({"allocation": "non_randomised", "rob_overall": "serious"}, "very low", {"risk of bias": 1}),
    ({"allocation": "non_randomised", "rob_overall": "critical"}, "very low", {"risk of bias": 2}),
    ({"indirectness": 1}, "moderate", {"indirectness": 1}),
    ({"indirectness": 2}, "low", {"indirectness": 2}),
    ({"includes_null": True}, "moderate", {"imprecision": 1}),
    ({"includes_null": None}, "moderate", {"imprecision": 1}),
    ({"patients": 299}, "moderate", {"imprecision": 1}),
    ({"patients": 71, "includes_null": True}, "low", {"imprecision": 2}),
    ({"patients": 71, "includes_null": True, "rob_overall": "no_information", "indirectness": 1}, "very low",
     {"risk of bias": 1, "indirectness": 1, "imprecision": 2}),
])
def test_rules(kw, rating, domains):
    r = rate_comparison(_p(**kw))
    assert r.rating == rating
    assert {d: n for d, n, _ in r.downgrades} == domains
    assert len(r.explanations) == len(r.downgrades)
    assert "inconsistency not assessable (one study)" in r.notes
    assert "publication bias not assessable (one study)" in r.notes


def test_start_is_named_by_design():
    assert rate_comparison(_p()).reasons().startswith("start high (randomised)")
    assert rate_comparison(_p(allocation="non_randomised")).reasons().startswith(
        "start low (non-randomised comparison)")


def test_indirectness_reason_reaches_the_footnote():
    r = rate_comparison(_p(indirectness=1, indirectness_reason="The trial gave chemoradiation."))
    assert r.explanations == ("Downgraded one level for indirectness: the trial gave chemoradiation.",)


@pytest.mark.parametrize("kw, fragment", [
    ({"allocation": "cohort"}, "choose one of randomised, non_randomised"),
    ({"rob_overall": "serious"}, "RoB 2 overall judgement 'serious' is not one of"),
    ({"allocation": "non_randomised", "rob_overall": "some_concerns"}, "ROBINS-I overall judgement"),
    ({"indirectness": 3}, "give 0, 1 or 2"),
    ({"patients": 0}, "at least one study and patient"),
])
def test_closed_sets_are_checked(kw, fragment):
    with pytest.raises(ValueError, match=fragment):
        rate_comparison(_p(**kw))
