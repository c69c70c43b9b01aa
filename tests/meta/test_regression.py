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


DEFECTS = {d["case"]: d for d in REF["defects"]}


@pytest.mark.parametrize("method", ["ML", "REML"])
def test_residual_tau2_keeps_zero_when_likelihood_is_higher_there(method, tol):
    # regression: Fisher scoring stopped at a local maximum (ML: tau2 0.313, log-lik -8.04);
    # metafor's ll0check gives 0 (log-lik -7.51). Reference: rma(yi, vi, mods = ~ factor(g),
    # method) on PLOGIT effects (make_references.R, defects)
    ref = DEFECTS[f"ll0check_{method}"]
    from living_review.meta.effects import study_effects
    from living_review.meta.regression import residual_tau2

    y, v = study_effects(np.array(ref["x"], float), np.array(ref["n"], float), "PLOGIT")
    g = np.array(ref["groups"])
    X = np.column_stack([np.ones(g.size), g == "B"]).astype(float)
    assert residual_tau2(y, v, X, method) == pytest.approx(ref["tau2"], abs=tol["tau2"])
    r = metareg(ref["x"], ref["n"], {"g": ref["groups"]}, transform="PLOGIT", tau2_method=method)
    assert r.tau2 == pytest.approx(ref["tau2"], abs=tol["tau2"])
    np.testing.assert_allclose(r.coefficients["estimate"], ref["beta"], atol=tol["estimate"])
    assert r.qm == pytest.approx(ref["qm"], abs=tol["q"])
    # and the subgroups with a common tau2 on the same inputs
    common = metaprop(ref["x"], ref["n"], transform="PLOGIT", tau2_method=method, subgroups=ref["groups"], tau_common=True)
    assert all(s.tau2 == pytest.approx(ref["tau2"], abs=tol["tau2"]) for s in common.subgroups.values())


@pytest.mark.parametrize("transform", ["PRAW", "PAS"])
def test_knapp_hartung_with_all_effects_equal(transform):
    # regression: LinAlgError. metafor: b = 0, se = 0, QE = 0, QM = NA (make_references.R, defects)
    ref = DEFECTS[f"knha_equal_{transform}"]
    r = metareg(ref["x"], ref["n"], {"year": ref["year"]}, transform=transform, hakn=True)
    np.testing.assert_allclose(r.coefficients["estimate"], ref["beta"], atol=1e-12)
    np.testing.assert_allclose(r.coefficients["se"], ref["se"], atol=1e-12)
    assert r.qe == pytest.approx(ref["qe"], abs=1e-12) and ref["qm"] is None and np.isnan(r.qm)
    assert np.isnan(r.qm_pvalue) and r.tau2 == ref["tau2"]


def test_genq_residual_tau2(tol):
    # reference: rma(yi, vi, mods = ~ factor(g), weights = n, method = "GENQ") on PFT effects
    ref = REF["genq_residual"]
    from living_review.meta.effects import study_effects
    from living_review.meta.regression import residual_tau2

    n = np.array(DATA["n"], float)
    y, v = study_effects(np.array(DATA["x"], float), n, "PFT")
    g = np.array(ref["groups"])
    X = np.column_stack([np.ones(g.size), g == "b", g == "c"]).astype(float)
    assert residual_tau2(y, v, X, "GENQ", n) == pytest.approx(ref["tau2"], abs=tol["tau2"])
    with pytest.raises(ValueError, match="needs weights"):
        residual_tau2(y, v, X, "GENQ")
