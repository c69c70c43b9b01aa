"""Meta-regression against metafor rma(yi, vi, mods = ~ year + factor(design))."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from living_review.meta import metaprop
from living_review.meta.regression import metareg

REF = json.loads((Path(__file__).parent / "r" / "references.json").read_text())
COV = pd.DataFrame(REF["metareg_covariates"])
DATA = REF["datasets"]["large_k"]


@pytest.mark.parametrize("ref", REF["metareg"], ids=lambda r: f"{r['transform']}-{r['method']}-{r['test']}")
def test_metareg_matches_rma_with_moderators(ref, tol):
    # reference: rma(yi, vi, mods = ~ year + factor(design), method, test) in make_references.R
    r = metareg(DATA["x"], DATA["n"], COV, transform=ref["transform"], tau2_method=ref["method"],
                hakn=ref["test"] == "knha")
    assert r.tau2 == pytest.approx(ref["tau2"], abs=tol["tau2"])
    np.testing.assert_allclose(r.coefficients["estimate"], ref["beta"], atol=tol["estimate"])
    np.testing.assert_allclose(r.coefficients["se"], ref["se"], atol=tol["estimate"])
    np.testing.assert_allclose(r.coefficients["ci_low"], ref["ci_lb"], atol=tol["ci"])
    assert r.qe == pytest.approx(ref["qe"], abs=tol["q"])
    assert r.qm == pytest.approx(ref["qm"], abs=tol["q"])
    assert r.qm_pvalue == pytest.approx(ref["qm_pval"], abs=tol["pvalue"])
    if ref["r2"] is not None:
        assert r.r2 == pytest.approx(ref["r2"], abs=tol["i2"])


def test_design_columns_follow_r_factor_order():
    r = metareg(DATA["x"], DATA["n"], COV)
    assert list(r.coefficients["term"]) == ["intercept", "year", "designrandomised", "designsingle-arm"]
    assert "Mixed-effects meta-regression" in r.summary()


def test_missing_covariate_names_study_and_column():
    cov = COV.copy()
    cov.loc[3, "year"] = np.nan
    with pytest.raises(ValueError, match="study 4: covariate 'year' is missing"):
        metareg(DATA["x"], DATA["n"], cov)


@pytest.mark.parametrize("ref", REF["tau_common"], ids=lambda r: r["dataset"])
def test_subgroups_with_common_tau2(ref, tol):
    # reference: tau2 of rma(yi, vi, mods = ~ factor(g)), then rma(..., tau2 = that) per subgroup
    d = REF["datasets"][ref["dataset"]]
    r = metaprop(d["x"], d["n"], subgroups=ref["groups"], tau_common=True)
    subs = list(r.subgroups.values())
    # every pooled subgroup carries the common tau2; a one-study subgroup pools nothing (NaN)
    assert all(s.tau2 == pytest.approx(ref["tau2"], abs=tol["tau2"]) for s in subs if s.k > 1)
    assert all(np.isnan(s.tau2) for s in subs if s.k == 1)
    np.testing.assert_allclose([s.te for s in subs], ref["te"], atol=tol["estimate"])
    np.testing.assert_allclose([s.se for s in subs], ref["se"], atol=tol["estimate"])
