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
