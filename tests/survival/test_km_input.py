"""Tests for living_review.survival.km_input (checking and normalising digitised curves).
Reference values are direct computations stated beside each assertion."""

import numpy as np
import pandas as pd
import pytest

from living_review.survival.km_input import monotone_rearrangement, prepare_at_risk, prepare_curve


def test_rearrangement_sorts_the_readings():
    # bottom corner of a drop read before its top corner: the drop stays between the two readings
    np.testing.assert_array_equal(monotone_rearrangement([0.27, 0.09, 0.18, 0.09]), [0.27, 0.18, 0.09, 0.09])
    # a rise spanning three readings: the values are kept, in decreasing order
    np.testing.assert_array_equal(monotone_rearrangement([0.9, 0.5, 0.6, 0.7, 0.2]), [0.9, 0.7, 0.6, 0.5, 0.2])
    y = np.array([1.0, 0.9, 0.9, 0.4])
    np.testing.assert_array_equal(monotone_rearrangement(y), y)  # already monotone: unchanged


def test_rearrangement_never_moves_readings_away_from_a_monotone_curve():
    rng = np.random.default_rng(0)
    for _ in range(200):
        truth = np.sort(rng.uniform(0, 1, 12))[::-1]
        readings = truth + rng.uniform(-0.1, 0.1, 12)
        sorted_ = monotone_rearrangement(readings)
        for p in (1, 2, np.inf):
            assert np.linalg.norm(sorted_ - truth, p) <= np.linalg.norm(readings - truth, p) + 1e-12


def test_prepare_curve_percent_ties_start_and_clipping():
    curve = pd.DataFrame({"time": [2, 1, 1, 3], "survival": [70, 100.4, 80, 71]})
    prep = prepare_curve(curve)
    assert prep.scale == "percent"
    # start (0, 1) added; tie at t=1 collapsed to its lower reading 0.8; 0.70 < 0.71 put in order
    np.testing.assert_allclose(prep.time, [0, 1, 2, 3])
    np.testing.assert_allclose(prep.survival, [1, 0.8, 0.71, 0.70])
    assert prep.n_ties_collapsed == 1 and prep.n_monotone_adjusted == 2  # 0.70 and 0.71; 1.004 is clipped
    assert any("(0, 1) added" in n for n in prep.notes)


def test_reading_just_above_one_is_noise_but_larger_is_an_error():
    ok = prepare_curve(pd.DataFrame({"time": [0, 1], "survival": [1.008, 0.5]}), "proportion")
    assert ok.survival[0] == 1.0
    with pytest.raises(ValueError, match="curve row 0: survival 1.2 is above 1"):
        prepare_curve(pd.DataFrame({"time": [0, 1], "survival": [1.2, 0.5]}))


@pytest.mark.parametrize("table, message", [
    ({"time": [1, 2], "n_risk": [10, 8]}, "row 0: the first at-risk time is 1.0, not 0"),
    ({"time": [0, 2, 2], "n_risk": [10, 8, 7]}, "row 2: time 2.0 does not increase"),
    ({"time": [0, 2], "n_risk": [10, 7.5]}, "row 1: n_risk 7.5 must be a non-negative whole number"),
    ({"time": [0, 2], "n_risk": [10, 12]}, "row 1: n_risk rises from 10 to 12"),
])
def test_at_risk_errors(table, message):
    with pytest.raises(ValueError, match=message):
        prepare_at_risk(pd.DataFrame(table))
