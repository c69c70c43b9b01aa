"""Result objects: frozen, readable summary, tidy frame."""

from __future__ import annotations

import dataclasses

import pytest

from living_review.meta import metaprop


def test_result_is_frozen_and_prints_like_meta():
    r = metaprop([2, 0, 2, 4, 1, 5], [8, 15, 20, 17, 34, 42])  # Cao 2024 ORR inputs
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.estimate = 0.5
    assert r.heterogeneity_line() == "Heterogeneity: I\u00b2 = 46%, \u03c4\u00b2 = 0.0092, p = 0.10"
    assert "Random effects: 0.0873" in r.summary()
    frame = r.to_frame()
    assert frame.shape[0] == 1 and {"estimate", "tau2", "i2", "q_pvalue"} <= set(frame.columns)


def test_summary_frame_holds_each_study_and_the_pooled_row():
    from living_review.meta import metaprop

    r = metaprop([3, 5, 7], [10, 12, 15], studies=["a", "b", "c"])
    f = r.summary_frame()
    assert list(f["study"]) == ["a", "b", "c", "Random effects"]
    assert f["weight"].iloc[:3].sum() == pytest.approx(100.0, abs=1e-9)  # random-effects weights, percent
    last = f.iloc[-1]
    assert (last["estimate"], last["ci_low"], last["ci_high"]) == (r.estimate, r.ci_low, r.ci_high)
    assert (last["events"], last["n"]) == (15, 37)
    one = metaprop([3], [10], studies=["a"]).summary_frame()
    assert one["study"].iloc[-1] == "One study (not pooled)"
    assert one["ci_low"].iloc[-1] == one["ci_low"].iloc[0]  # the study's exact interval, nothing pooled
