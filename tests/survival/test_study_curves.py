"""Tests for living_review.survival.study_curves: cohort curves on the pooled grid.

Approximated rows are checked against the closed forms written beside them; the reconstructed path
uses a SIMULATED digitised curve (exponential, 60 patients) through the Guyot reconstruction.
"""

import numpy as np
import pandas as pd
import pytest

from living_review.survival.km import km_on_grid
from living_review.survival.study_curves import APPROXIMATED, GRID_MONTHS, RECONSTRUCTED, study_curves


def _cohorts():
    return pd.DataFrame({"study_id": ["a", "b", "c", "d"], "label": ["A", "B", "C", "D"],
                         "drug": ["x", "x", "y", "y"], "setting": ["trial", "trial", "real_world", "trial"],
                         "n_enrolled": [20, 40, 10, 5], "os_median_months": [4.0, 6.0, np.nan, np.nan],
                         "pfs_median_months": [2.0, 3.0, np.nan, np.nan]})


def _landmarks():
    return pd.DataFrame({"study_id": ["b", "c"], "endpoint": ["OS", "OS"], "time_months": [12.0, 12.0],
                         "rate_pct": [20.0, 30.0]})


def test_approximated_rows_follow_the_fitted_curve_and_its_numbers_at_risk():
    sc = study_curves(_cohorts(), _landmarks(), "OS")
    a = sc.rows[sc.rows["study_id"] == "a"]
    # exponential through the median 4: S(t) = 2^(-t/4); N S(t_{j-1}) = 20 * 2^(-t_{j-1}/4) patients enter
    np.testing.assert_allclose(a["survival"], 2.0 ** (-a["time"] / 4), rtol=1e-12)
    starts = np.concatenate([[0.0], a["time"].to_numpy()[:-1]])
    np.testing.assert_allclose(a["n_risk"], 20 * 2.0 ** (-starts / 4), rtol=1e-12)
    # stops where fewer than one patient would enter: 20 * 2^(-t/4) >= 1 up to t = 17.3, so the last
    # interval entered from t = 15 ends at 18
    assert a["time"].max() == 18
    b = sc.rows[sc.rows["study_id"] == "b"].set_index("time")
    assert b.loc[6.0, "survival"] == pytest.approx(0.5) and b.loc[12.0, "survival"] == pytest.approx(0.2)
    assert set(sc.cohorts["source"]) == {APPROXIMATED} and sc.n_approximated == 3 and sc.n_reconstructed == 0
    assert sc.not_used["label"].tolist() == ["D"]  # neither a median nor a landmark


def test_subset_and_bad_endpoint():
    sc = study_curves(_cohorts(), _landmarks(), "PFS")
    assert sc.subset("drug", "x").cohorts["study_id"].tolist() == ["a", "b"]
    with pytest.raises(ValueError, match="PFS, OS"):
        study_curves(_cohorts(), _landmarks(), "TTP")


class _Curve:
    """A digitised-curve stand-in: SIMULATED patients returned as the reconstruction."""

    endpoint = "OS"
    study_id = "a"

    def __init__(self, ipd):
        self.ipd = ipd

    def reconstruct(self):
        return self.ipd


def test_a_digitised_curve_replaces_the_approximation():
    rng = np.random.default_rng(1)
    ipd = pd.DataFrame({"time": np.round(rng.exponential(6, 60), 2) + 0.01,
                        "event": (rng.random(60) < 0.8).astype(int)})
    sc = study_curves(_cohorts(), _landmarks(), "OS", digitised=[_Curve(ipd)])
    row = sc.cohorts.set_index("study_id").loc["a"]
    assert row["source"] == RECONSTRUCTED and sc.n_reconstructed == 1
    got = sc.rows[sc.rows["study_id"] == "a"].reset_index(drop=True)
    want = km_on_grid(ipd["time"], ipd["event"], GRID_MONTHS)
    want = want.iloc[: len(got)]
    np.testing.assert_allclose(got["survival"], want["survival"])
    np.testing.assert_allclose(got["n_risk"], want["n_risk"])
