"""Tests for living_review.analyses.survival_landmarks: reported landmark rates pooled as proportions.

Reference values: tests/analyses/r/landmarks_metafor.R (metafor 3.8-1), one line per call: the
1-year OS rates of the ATC monotherapy cohorts (Savvides 2013 4/20, Japan PMS 2020 19/124, HOPE
5/42) with PFT + REML (harmonic-mean back-transform) and PLOGIT + REML, and the one 6-month PFS
rate (Ha 2010, 4/11) with its exact Clopper-Pearson interval (binom.test). Columns: estimate,
CI low, CI high, tau², Q-based I².
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from living_review.analyses import survival_landmarks as sl
from living_review.analyses.selection import select_cohorts
from living_review.settings import load_settings

HERE = Path(__file__).parent
R_OS12_PFT = (0.1460555820, 0.0967465223, 0.2026625084, 0.0, 0.0)
R_OS12_PLOGIT = (0.1518526444, 0.1069005115, 0.2112364977, 0.0, 0.0)
R_PFS6_EXACT = (0.3636363636, 0.1092634438, 0.6920952850)


@pytest.fixture(scope="module")
def cohorts(ev):
    return select_cohorts(ev.studies)


@pytest.fixture(scope="module")
def meta():
    return load_settings().meta_analysis


def test_reported_landmarks_of_the_primary_cohorts(ev, cohorts):
    assert sl.reported(cohorts, ev.landmarks) == [("PFS", 6.0), ("OS", 12.0)]


def test_counts_on_the_stated_denominators(ev, cohorts):
    t = sl.landmark_input(cohorts, ev.landmarks, "OS", 12)
    assert t["study_id"].tolist() == ["savvides2013", "pms_japan2020", "higashiyama2022"]
    # HOPE: its 42 confirmed ATC patients (the efficacy set), not the 52 enrolled
    assert t["denominator"].tolist() == [20, 124, 42]
    assert t["basis"].tolist() == ["reported_n", "reported_n", "analysis_set"]
    assert t["events"].tolist() == [4, 19, 5]  # 20% of 20, 15.6% of 124 = 19.3, 11.9% of 42 = 5.0


@pytest.mark.parametrize("transform, ref", [("PFT", R_OS12_PFT), ("PLOGIT", R_OS12_PLOGIT)])
def test_one_year_os_against_metafor(ev, cohorts, meta, tol, transform, ref):
    p = sl.pool_landmark(cohorts, ev.landmarks, "OS", 12, replace(meta, transform=transform, tau2_method="REML"))
    r = p.result
    assert (p.k, p.patients) == (3, 186)
    assert np.allclose([r.estimate, r.ci_low, r.ci_high], ref[:3], atol=tol["ci"])
    assert r.tau2 == pytest.approx(ref[3], abs=tol["tau2"])
    assert r.i2 == pytest.approx(ref[4], abs=tol["i2"])


def test_one_cohort_is_its_exact_interval(ev, cohorts, meta, tol):
    p = sl.pool_landmark(cohorts, ev.landmarks, "PFS", 6, meta)
    assert p.k == 1
    assert np.allclose([p.result.estimate, p.result.ci_low, p.result.ci_high], R_PFS6_EXACT, atol=tol["ci"])
    assert p.text(0.95) == "36.4% (exact 95% CI 10.9–69.2%; one cohort, 11 patients)"


def test_the_pooled_rate_lies_among_the_reported_ones(ev, cohorts, meta):
    # the model-made 12-month OS of the pooled curve lay at or below every reported rate; this one cannot
    p = sl.pool_landmark(cohorts, ev.landmarks, "OS", 12, meta)
    rates = p.table["rate_pct"] / 100
    assert rates.min() <= p.result.estimate <= rates.max()


def test_no_cohort_reports_it(ev, cohorts, meta):
    p = sl.pool_landmark(cohorts, ev.landmarks, "OS", 36, meta)
    assert p.result is None and p.k == 0
    assert p.text(0.95) == "not reported by any cohort"


def test_tables_show_the_choice_of_denominator(ev, cohorts, meta):
    pools = sl.pool_all(cohorts, ev.landmarks, meta)
    inputs = sl.input_table(pools)
    hope = inputs[inputs["Study"].str.contains("HOPE")].iloc[0]
    assert hope["Patients"] == "42 (analysis set)"
    assert hope["Count used"] == "5/42 (11.9%)"
    assert hope["Reported"] == "11.9% at 1 year"
    assert sl.pooled_table(pools)["Landmark"].tolist() == ["PFS at 6 months", "OS at 12 months"]


def test_key_names_endpoint_and_time():
    assert sl.landmark_key("OS", 12.0) == "survival.os.landmark_12m"
    with pytest.raises(ValueError, match="choose one of PFS, OS"):
        sl.landmark_key("DFS", 12)


@pytest.mark.slow
@pytest.mark.r
@pytest.mark.skipif(shutil.which("Rscript") is None, reason="Rscript not installed")
def test_reference_values_still_come_out_of_metafor(tol):
    out = subprocess.run(["Rscript", str(HERE / "r" / "landmarks_metafor.R")], capture_output=True, text=True,
                         check=True)
    got = {name: [float(v) for v in vals] for name, *vals in (line.split() for line in out.stdout.strip().splitlines())}
    assert np.allclose(got["os12_pft_reml"], R_OS12_PFT, atol=tol["estimate"])
    assert np.allclose(got["os12_plogit_reml"], R_OS12_PLOGIT, atol=tol["estimate"])
    assert np.allclose(got["pfs6_exact"][:3], R_PFS6_EXACT, atol=tol["estimate"])
