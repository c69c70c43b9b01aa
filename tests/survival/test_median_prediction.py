"""Prediction interval of a pooled median against R metafor 3.8.

Reference values from ``tests/survival/r/median_prediction_metafor.R``:
    f <- rma(yi, sei = sei, method = m, test = test); predict(f)$pi.lb, $pi.ub
on the OS medians of tests/survival/test_medians.py (log scale, 10 decimals).
"""

from __future__ import annotations

import math
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from living_review.survival import pool_log_medians
from living_review.survival.median_prediction import median_prediction_interval

HERE = Path(__file__).parent
OS = pd.DataFrame({
    "label": ["Savvides 2013", "Tahara 2017", "Wirth 2021", "Kim 2021", "Sparano 2021"],
    "median": [3.9, 10.6, 3.2, 6.7, 3.1], "ci_low": [2.2, 3.8, 2.8, 3.0, 0.6],
    "ci_high": [7.1, 19.8, 8.2, 8.4, 5.5], "ci_level": [0.95] * 5,
})
# (method, test) -> (pi.lb, pi.ub), log scale
METAFOR = {
    ("REML", "t"): (0.4376859040, 2.7347841644), ("REML", "z"): (0.7754446730, 2.3970253954),
    ("DL", "t"): (0.4391763121, 2.7332597081), ("DL", "z"): (0.7764917841, 2.3959442361),
}


@pytest.mark.parametrize(("method", "test"), list(METAFOR))
def test_matches_metafor(method, test, tol):
    rule = {"t": "t(k-1)", "z": "z"}[test]
    got = median_prediction_interval(pool_log_medians(OS, method=method), rule=rule)
    lb, ub = METAFOR[(method, test)]
    assert math.log(got.low) == pytest.approx(lb, abs=tol["prediction"])
    assert math.log(got.high) == pytest.approx(ub, abs=tol["prediction"])
    assert got.rule == rule and got.level == 0.95


def test_three_studies_at_90_percent(tol):
    # R: rma(yi[1:3], sei = sei[1:3], method = "REML", test = "t", level = 90) -> -0.1655339309, 3.2972879728
    got = median_prediction_interval(pool_log_medians(OS.iloc[:3], method="REML", level=0.90))
    assert math.log(got.low) == pytest.approx(-0.1655339309, abs=tol["prediction"])
    assert math.log(got.high) == pytest.approx(3.2972879728, abs=tol["prediction"])


def test_the_interval_holds_the_confidence_interval_and_needs_two_studies():
    res = pool_log_medians(OS)
    got = median_prediction_interval(res)
    assert got.low < res.ci_low < res.estimate < res.ci_high < got.high
    with pytest.raises(ValueError, match="choose one of t\\(k-1\\), z"):
        median_prediction_interval(res, rule="t(k-2)")


@pytest.mark.r
@pytest.mark.skipif(shutil.which("Rscript") is None, reason="Rscript not installed")
def test_reference_script_still_gives_these_values():
    out = subprocess.run(["Rscript", str(HERE / "r" / "median_prediction_metafor.R")], capture_output=True,
                         text=True, check=True).stdout.split("\n")
    rows = {(p[0], p[1]): (float(p[2]), float(p[3])) for p in (line.split() for line in out) if len(p) == 4}
    for key, (lb, ub) in METAFOR.items():
        assert rows[key] == pytest.approx((lb, ub), abs=1e-9)
