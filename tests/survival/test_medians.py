"""Tests for living_review.survival.medians (random-effects meta-analysis of log medians).

Reference values come from R 4.2 metafor 3.8, called as in ``tests/survival/r/medians_metafor.R``:
    yi <- log(med); sei <- (log(hi) - log(lo)) / (2 * qnorm(0.975)); rma(yi, sei = sei, method = m)
on the published OS medians (months, 95 % CI) of Savvides 2013, Tahara 2017, Wirth 2021 (Cao 2024
Table 1), Kim 2021 (abstract) and Sparano 2021 (abstract).
"""

import math
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from living_review.survival.medians import (
    pool_log_medians, random_effects, se_log_median_from_ci,
)

HERE = Path(__file__).parent
OS = pd.DataFrame({
    "label": ["Savvides 2013", "Tahara 2017", "Wirth 2021", "Kim 2021", "Sparano 2021"],
    "median": [3.9, 10.6, 3.2, 6.7, 3.1], "ci_low": [2.2, 3.8, 2.8, 3.0, 0.6],
    "ci_high": [7.1, 19.8, 8.2, 8.4, 5.5], "ci_level": [0.95] * 5, "n": [20, 17, 34, 14, 23],
})
# metafor rma(): b, se, ci.lb, ci.ub, tau2, I2/100, QE, QEp (script output, 10 decimals)
METAFOR = {
    "REML": [1.5862350342, 0.2203583812, 1.1543405434, 2.0181295250, 0.1225701434, 0.5256653726, 8.4195072924, 0.0773649784],
    "DL": [1.5862180101, 0.2201777998, 1.1546774523, 2.0177585679, 0.1222007914, 0.5249128172, 8.4195072924, 0.0773649784],
}


def test_se_from_ci_direct_computation():
    # (ln 7.1 - ln 2.2) / (2 * 1.959964) computed by hand = 0.298837...
    assert se_log_median_from_ci(2.2, 7.1, 0.95) == pytest.approx((math.log(7.1) - math.log(2.2)) / (2 * 1.959963984540054))
    # a 90 % CI uses z = 1.644854
    assert se_log_median_from_ci(1, math.e, 0.90) == pytest.approx(1 / (2 * 1.6448536269514722))


@pytest.mark.parametrize("method", ["REML", "DL"])
def test_matches_metafor(method, tol):
    res = pool_log_medians(OS, method=method)
    b, se, lb, ub, tau2, i2, q, qp = METAFOR[method]
    assert res.log_estimate == pytest.approx(b, abs=tol["estimate"])
    assert res.se_log == pytest.approx(se, abs=tol["estimate"])
    assert math.log(res.ci_low) == pytest.approx(lb, abs=tol["ci"])
    assert math.log(res.ci_high) == pytest.approx(ub, abs=tol["ci"])
    assert res.tau2 == pytest.approx(tau2, abs=tol["tau2"])
    assert res.q == pytest.approx(q, abs=tol["q"])
    assert res.q_pvalue == pytest.approx(qp, abs=tol["pvalue"])
    if method == "DL":  # metafor's I2 is tau2-based; it equals the Q-based I2 only under DL
        assert res.i2 == pytest.approx(i2, abs=tol["i2"])
    assert res.k == 5 and "Pooled median" in res.summary()


def test_tau2_reml_on_raw_scale_matches_metafor(tol):
    # R: rma(c(3.9,3.2,2.0), vi=c(0.5,0.2,0.3), method="REML") -> tau2 0.5072383931, b 2.9828643160
    assert random_effects([3.9, 3.2, 2.0], [0.5, 0.2, 0.3]).tau2 == pytest.approx(0.5072383931, abs=tol["tau2"])
    assert random_effects([3.9, 3.2, 2.0], [0.5, 0.2, 0.3]).estimate == pytest.approx(2.9828643160, abs=tol["estimate"])


def test_tau2_zero_when_homogeneous():
    assert random_effects([1.0, 1.0, 1.0], [0.1, 0.2, 0.3], method="DL").tau2 == 0.0
    assert random_effects([1.0, 1.0, 1.0], [0.1, 0.2, 0.3], method="REML").tau2 == 0.0


def test_study_without_ci_is_listed_not_dropped():
    df = pd.concat([OS, pd.DataFrame({"label": ["Bible 2012"], "median": [111 / 30.4375], "n": [15]})],
                   ignore_index=True)
    res = pool_log_medians(df)
    row = res.table.set_index("label").loc["Bible 2012"]
    assert row["status"] == "no CI: not pooled" and row["weight"] == 0.0
    assert len(res.table) == 6 and res.k == 5
    assert "Bible 2012: no CI: not pooled" in res.summary()
    # exponential rule: SE = 1/sqrt(n) when events are unknown (direct computation)
    imp = pool_log_medians(df, no_ci="exponential").table.set_index("label").loc["Bible 2012"]
    assert imp["se_log"] == pytest.approx(1 / math.sqrt(15)) and imp["weight"] > 0
    assert "imputed" in imp["status"]


def test_missing_ci_level_needs_explicit_assumption():
    df = OS.copy()
    df.loc[3, "ci_level"] = np.nan
    with pytest.raises(ValueError, match="Kim 2021.*ci_level is missing"):
        pool_log_medians(df)
    res = pool_log_medians(df, assume_ci_level=0.95)
    assert "assumed" in res.table.loc[3, "status"]
    assert res.estimate == pytest.approx(pool_log_medians(OS).estimate, abs=1e-12)


@pytest.mark.parametrize("change, message", [
    ({"median": -1.0}, "median must be a positive"),
    ({"ci_low": 12.0}, "must be positive and contain the median"),
    ({"ci_high": np.nan}, "only one CI limit"),
    ({"ci_level": 95.0}, "proportion"),
])
def test_bad_input_names_the_study(change, message):
    df = OS.copy()
    for col, val in change.items():
        df.loc[1, col] = val
    with pytest.raises(ValueError, match=f"Tahara 2017.*{message}"):
        pool_log_medians(df)


def test_closed_options():
    with pytest.raises(ValueError, match="choose one of DL, REML, ML, PM, SJ, HE, EB"):
        pool_log_medians(OS, method="REM")
    with pytest.raises(ValueError, match="choose one of exclude, exponential"):
        pool_log_medians(OS, no_ci="drop")


@pytest.mark.slow
@pytest.mark.r
@pytest.mark.skipif(shutil.which("Rscript") is None, reason="Rscript not installed")
def test_fixture_values_still_come_out_of_metafor(tol):
    out = subprocess.run(["Rscript", str(HERE / "r" / "medians_metafor.R")], capture_output=True, text=True, check=True)
    for line in out.stdout.strip().splitlines():
        name, *vals = line.split()
        if name in METAFOR:
            assert np.allclose([float(v) for v in vals], METAFOR[name], atol=tol["estimate"])


def test_summary_frame_lists_the_cohorts_then_the_pooled_median():
    import pandas as pd

    from living_review.survival.medians import pool_log_medians

    table = pd.DataFrame({"label": ["a", "b", "c"], "median": [4.0, 6.0, 8.0], "ci_low": [2.0, 4.0, 5.0],
                          "ci_high": [8.0, 9.0, 12.0], "ci_level": [0.95, 0.95, 0.95], "n": [20, 30, 40]})
    r = pool_log_medians(table)
    f = r.summary_frame()
    assert list(f["study"]) == ["a", "b", "c", "Random effects (log medians)"]
    assert (f["median"].iloc[-1], f["ci_low"].iloc[-1], f["ci_high"].iloc[-1]) == (r.estimate, r.ci_low, r.ci_high)
    assert f["status"].iloc[-1] == "pooled, k = 3"
