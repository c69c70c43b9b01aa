"""Logistic GLMM against metafor::rma.glmm(measure="PLO", method="ML") (lme4, nAGQ = 7)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from living_review.meta import metaprop
from living_review.meta.glmm import fit_glmm, heterogeneity_tests, wald_moderator_test

REF = json.loads((Path(__file__).parent / "r" / "references.json").read_text())


@pytest.mark.parametrize("ref", REF["glmm"], ids=lambda r: r["dataset"])
def test_glmm_matches_rma_glmm(ref, tol):
    # reference: rma.glmm(measure="PLO", xi, ni, method="ML") in tests/meta/r/make_references.R
    d = REF["datasets"][ref["dataset"]]
    with pytest.warns(UserWarning) if any(x in (0, n) for x, n in zip(d["x"], d["n"])) else _nothing():
        r = metaprop(d["x"], d["n"], transform="PLOGIT", model="glmm")
    assert r.te == pytest.approx(ref["te"], abs=tol["glmm"])
    assert r.se == pytest.approx(ref["se"], abs=tol["glmm"])
    assert r.te_ci_low == pytest.approx(ref["ci_lb"], abs=tol["glmm"])
    assert r.tau2 == pytest.approx(ref["tau2"], abs=tol["glmm"])
    assert r.glmm.q_wald == pytest.approx(ref["q_wald"], abs=tol["glmm"])
    assert r.glmm.q_lrt == pytest.approx(ref["q_lrt"], abs=tol["glmm"])
    assert r.glmm.i2_metafor == pytest.approx(ref["i2_metafor"], abs=tol["glmm"])
    assert r.i2 == pytest.approx(ref["i2_meta"], abs=tol["glmm"])
    assert r.fixed_te == pytest.approx(ref["fixed_te"], abs=tol["glmm"])
    assert r.fixed_se == pytest.approx(ref["fixed_se"], abs=tol["glmm"])


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_moderator_wald_test(tol):
    # reference: rma.glmm(..., mods = ~ factor(grp))$QM in make_references.R
    ref = REF["glmm_moderator"]
    d = REF["datasets"]["large_k"]
    q, df, _ = wald_moderator_test(np.array(d["x"], float), np.array(d["n"], float), ref["groups"])
    assert df == ref["qm_df"]
    assert q == pytest.approx(ref["qm"], abs=tol["glmm"])
    fit = fit_glmm(np.array(d["x"], float), np.array(d["n"], float),
                   np.column_stack([np.ones(40), np.array(ref["groups"]) == "b", np.array(ref["groups"]) == "c"]))
    assert fit.tau2 == pytest.approx(ref["tau2"], abs=tol["glmm"])


def test_zero_event_study_adds_nothing_to_wald_q():
    # direct computation: the Wald Q ignores a 0-event study, the LRT Q does not
    x, n = np.array([3, 8, 5, 12, 0.0]), np.array([20, 25, 30, 40, 40.0])
    wald_all, lrt_all = heterogeneity_tests(x, n)
    wald_without, lrt_without = heterogeneity_tests(x[:-1], n[:-1])
    assert wald_all == pytest.approx(wald_without, abs=1e-12)
    assert lrt_all > lrt_without + 1


def test_glmm_options_are_checked():
    with pytest.raises(ValueError, match="transform='PLOGIT'"):
        metaprop([1, 2], [10, 10], model="glmm")
    with pytest.raises(ValueError, match="hakn"):
        metaprop([1, 2], [10, 10], transform="PLOGIT", model="glmm", hakn=True)
