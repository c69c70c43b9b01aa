"""Tests for living_review.survival.km against R survival (survfit, survdiff).

Patients: reconstructed by living_review.survival.guyot from SIMULATED curves; R outputs written by
tests/survival/r/km_survival.R (run through tests/survival/r/make_km_cases.py), committed beside the
patient data in tests/survival/fixtures/km_r/.
"""

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from living_review.survival.km import kaplan_meier, km_on_grid, logrank

HERE = Path(__file__).parent
FIX = HERE / "fixtures" / "km_r"
HAS_R = shutil.which("Rscript") is not None
ATOL = 1e-8  # the bound; both sides are exact arithmetic on the same counts (measured < 1e-15)


@pytest.fixture(scope="module")
def ipd():
    return pd.read_csv(FIX / "ipd.tsv", sep="\t")


@pytest.mark.parametrize("group", ["weib_n100", "exp_n300", "weib_n40_events"])
def test_kaplan_meier_and_greenwood_match_survfit(ipd, group):
    # R: summary(survfit(Surv(time, event) ~ 1, data = ipd[ipd$group == group, ]), censored = TRUE)
    r = pd.read_csv(FIX / "km_R.tsv", sep="\t")
    r = r[r["group"] == group].reset_index(drop=True)
    g = ipd[ipd["group"] == group]
    ours = kaplan_meier(g["time"], g["event"])
    np.testing.assert_allclose(ours["time"], r["time"], rtol=0, atol=1e-12)
    np.testing.assert_array_equal(ours["n_risk"], r["n_risk"])
    np.testing.assert_array_equal(ours["n_event"], r["n_event"])
    np.testing.assert_allclose(ours["survival"], r["survival"], rtol=0, atol=ATOL)
    np.testing.assert_allclose(ours["std_err"], r["std_err"], rtol=0, atol=ATOL)


def test_logrank_matches_survdiff(ipd):
    # R: survdiff(Surv(time, event) ~ group, data = ipd) and on the first two groups in sorted order
    r = pd.read_csv(FIX / "logrank_R.tsv", sep="\t").set_index("comparison")
    every = logrank(ipd["time"], ipd["event"], ipd["group"])
    assert every.df == r.loc["all", "df"] == 2
    assert every.chisq == pytest.approx(r.loc["all", "chisq"], abs=ATOL)
    two = ipd[ipd["group"].isin(sorted(ipd["group"].unique())[:2])]
    pair = logrank(two["time"], two["event"], two["group"])
    assert pair.chisq == pytest.approx(r.loc["first_two", "chisq"], abs=ATOL)
    assert sum(every.observed) == pytest.approx(sum(every.expected))


@pytest.mark.skipif(not HAS_R, reason="Rscript not installed")
def test_committed_r_outputs_still_reproduce(tmp_path):
    subprocess.run(["Rscript", str(HERE / "r" / "km_survival.R"), str(FIX / "ipd.tsv"), str(tmp_path / "km.tsv"),
                    str(tmp_path / "lr.tsv")], check=True, capture_output=True)
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "km.tsv", sep="\t"), pd.read_csv(FIX / "km_R.tsv", sep="\t"))
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "lr.tsv", sep="\t"),
                                  pd.read_csv(FIX / "logrank_R.tsv", sep="\t"))


def test_hand_computed_small_case():
    # times 1, 2, 2(censored), 3: S = 3/4, then 3/4 * (1 - 1/3) = 1/2 (censoring at 2 counts after the death),
    # then 0; Greenwood at 1: sqrt(3/4 * 1/4 / 4) = S * sqrt(1/(4*3)).
    km = kaplan_meier([1, 2, 2, 3], [1, 1, 0, 1])
    assert km["survival"].tolist() == pytest.approx([0.75, 0.5, 0.0])
    assert km["n_risk"].tolist() == [4, 3, 1]
    assert km["std_err"].iloc[0] == pytest.approx(0.75 * np.sqrt(1 / 12))
    assert np.isnan(km["std_err"].iloc[2])


def test_grid_gives_survival_and_number_entering_each_interval():
    grid = km_on_grid([1, 2, 2, 3, 5], [1, 1, 0, 1, 0], [1.5, 2.5, 4])
    assert grid["survival"].tolist() == pytest.approx([0.8, 0.8 * 3 / 4, 0.8 * 3 / 4 * 1 / 2])
    assert grid["n_risk"].tolist() == [5, 4, 2]  # at risk just after 0, 1.5 and 2.5
    assert km_on_grid([1, 2], [1, 0], [1, 2, 3])["time"].tolist() == [1, 2]


@pytest.mark.parametrize("time, event, message", [([1, -1], [1, 0], "patient 1"), ([1, 2], [1, 2], "event"),
                                                  ([], [], "same non-zero length")])
def test_bad_input(time, event, message):
    with pytest.raises(ValueError, match=message):
        kaplan_meier(time, event)
