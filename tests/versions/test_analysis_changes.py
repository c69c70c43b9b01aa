"""Estimates that moved with the same inputs are found, and an exact single-study interval is named."""

from living_review.meta.effects import clopper_pearson
from living_review.versions.analysis_changes import EXACT, analysis_changes


def _record(estimate, low, high, k=1, inputs=({"events": 2, "n": 15, "study_id": "a"},)):
    return {"estimate": estimate, "ci_low": low, "ci_high": high, "k": k, "inputs": list(inputs),
            "params": {"level": 0.95}}


def test_a_single_study_now_given_its_clopper_pearson_interval_is_an_analysis_change():
    lo, hi = clopper_pearson([2], [15])
    exact = _record(2 / 15, float(lo[0]), float(hi[0]))
    pooled = _record(2 / 15, 0.008, 0.4)
    changes = analysis_changes({"x.orr": pooled}, {"x.orr": exact})
    assert [c.key for c in changes] == ["x.orr"] and changes[0].reason == EXACT and changes[0].exact


def test_other_inputs_or_unmoved_numbers_are_not_analysis_changes_and_others_are_named_generically():
    old = _record(0.3, 0.1, 0.5, k=2, inputs=({"events": 3, "n": 10, "study_id": "a"}, {"events": 3, "n": 10, "study_id": "b"}))
    assert analysis_changes({"k": old}, {"k": dict(old)}) == ()
    other_inputs = {**old, "estimate": 0.35, "inputs": [{"events": 4, "n": 10, "study_id": "a"}]}
    assert analysis_changes({"k": old}, {"k": other_inputs}) == ()  # the evidence changed, not the analysis
    glmm = {**old, "estimate": 0.31, "params": {"level": 0.95, "method": "new"}}
    (change,) = analysis_changes({"k": old}, {"k": glmm})
    assert not change.exact and change.reason == "computed differently from the same inputs (method: None → 'new')"
