"""Egger and Begg tests against metafor regtest() and ranktest()."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from living_review.meta.bias import begg_test, egger_test

REF = json.loads((Path(__file__).parent / "r" / "references.json").read_text())


@pytest.mark.parametrize("ref", REF["bias"], ids=lambda r: f"{r['dataset']}-{r['transform']}")
def test_egger_and_begg_match_metafor(ref, tol):
    # reference: regtest(rma(...), model="lm"), regtest(rma(...)), ranktest(rma(...)) in make_references.R
    d = REF["datasets"][ref["dataset"]]
    lm = egger_test(d["x"], d["n"], transform=ref["transform"], model="lm")
    assert lm.statistic == pytest.approx(ref["egger_lm_stat"], abs=tol["q"])
    assert lm.pvalue == pytest.approx(ref["egger_lm_p"], abs=tol["pvalue"])
    assert lm.df == ref["egger_lm_df"]
    # limit estimate at SE = 0 with its CI: regtest(...)$est, $ci.lb, $ci.ub
    assert lm.limit_estimate == pytest.approx(ref["egger_lm_est"], abs=tol["estimate"])
    assert lm.limit_ci_low == pytest.approx(ref["egger_lm_ci_lb"], abs=tol["ci"])
    assert lm.limit_ci_high == pytest.approx(ref["egger_lm_ci_ub"], abs=tol["ci"])
    mixed = egger_test(d["x"], d["n"], transform=ref["transform"], model="rma")
    assert mixed.statistic == pytest.approx(ref["egger_rma_stat"], abs=tol["q"])
    assert mixed.pvalue == pytest.approx(ref["egger_rma_p"], abs=tol["pvalue"])
    assert mixed.limit_estimate == pytest.approx(ref["egger_rma_est"], abs=tol["estimate"])
    assert mixed.limit_ci_low == pytest.approx(ref["egger_rma_ci_lb"], abs=tol["ci"])
    assert mixed.limit_ci_high == pytest.approx(ref["egger_rma_ci_ub"], abs=tol["ci"])
    begg = begg_test(d["x"], d["n"], transform=ref["transform"])
    assert begg.statistic == pytest.approx(ref["begg_tau"], abs=tol["q"])
    assert begg.pvalue == pytest.approx(ref["begg_p"], abs=tol["pvalue"])


def test_bias_tests_need_three_studies():
    with pytest.raises(ValueError, match="at least 3 studies"):
        egger_test([1, 2], [10, 20])
    with pytest.raises(ValueError, match="at least 3 studies"):
        begg_test([1, 2], [10, 20])
    with pytest.raises(ValueError, match="lm, rma"):
        egger_test([1, 2, 3], [10, 20, 30], model="ols")
