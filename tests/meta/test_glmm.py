"""Logistic GLMM against metafor::rma.glmm(measure="PLO", method="ML") (lme4, nAGQ = 7)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from hypothesis import HealthCheck, assume, given, settings, strategies as st
from scipy import optimize, special

from living_review.meta import glmm, metaprop
from living_review.meta.glmm import fit_glmm, heterogeneity_tests, marginal_loglik, wald_moderator_test
from living_review.meta.glmm_check import LOGLIK_CHECK_TOL

REF = json.loads((Path(__file__).parent / "r" / "references.json").read_text())


@pytest.mark.parametrize("ref", [g for g in REF["glmm"] if g["dataset"] != "flat_extreme"], ids=lambda r: r["dataset"])
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


def _xn(name):
    d = REF["datasets"][name]
    return np.array(d["x"], float), np.array(d["n"], float)


def test_thirty_studies_near_ninety_percent_reach_metafors_optimum(tol):
    # regression: plain Newton steps for the conditional modes diverged here, and the fit
    # reported logit 1.755, SE 3e-7 with converged=True. Reference: rma.glmm(measure="PLO",
    # xi, ni, method="ML") on glmm30 (make_references.R)
    ref = next(g for g in REF["glmm"] if g["dataset"] == "glmm30")
    x, n = _xn("glmm30")
    fit = fit_glmm(x, n)
    assert fit.converged
    assert fit.beta[0] == pytest.approx(ref["te"], abs=tol["glmm"])
    assert np.sqrt(fit.vcov[0, 0]) == pytest.approx(ref["se"], abs=tol["glmm"])
    assert fit.tau2 == pytest.approx(ref["tau2"], abs=tol["glmm"])
    # the likelihood at the optimum agrees with independent adaptive quadrature
    assert fit.loglik == pytest.approx(fit.loglik_check, abs=LOGLIK_CHECK_TOL)


def test_thirty_studies_subgroup_test(tol):
    # regression: the test of subgroup differences was 5.6e8 here; reference: QM of
    # rma.glmm(..., mods = ~ factor(g30)) in make_references.R
    ref = REF["glmm30_moderator"]
    x, n = _xn("glmm30")
    q, df, _ = wald_moderator_test(x, n, ref["groups"])
    assert df == ref["qm_df"] and q == pytest.approx(ref["qm"], abs=tol["glmm"])


def test_failed_inner_solve_is_not_reported_as_converged(monkeypatch):
    # the outer check must catch a corrupted likelihood: put back plain Newton steps (the old
    # inner solver) and the fit of glmm30 must say converged=False
    def undamped(x, n, eta0, sigma):
        z = np.zeros_like(eta0)
        for _ in range(100):
            p = special.expit(eta0 + sigma * z)
            z = z - (sigma * (x - n * p) - z) / (-(sigma**2) * n * p * (1 - p) - 1.0)
        p = special.expit(eta0 + sigma * z)
        return z, sigma**2 * n * p * (1 - p) + 1.0

    monkeypatch.setattr(glmm, "_conditional_modes", undamped)
    x, n = _xn("glmm30")
    assert not fit_glmm(x, n).converged
    with pytest.warns(UserWarning, match="did not converge"):
        r = metaprop(x, n, transform="PLOGIT", model="glmm")
    assert not r.glmm.converged and np.isnan(r.estimate) and np.isnan(r.ci_low) and np.isnan(r.tau2)
    assert any("did not converge" in note for note in r.notes)


def test_flat_likelihood_optimum_is_at_least_metafors():
    # n from 5 to 5000 with proportions near 0 and 1: tau2 ≈ 13.4 and SE(β) ≈ 1.45, so the
    # likelihood is flat to 1e-8 over 1e-3 in β. lme4's stopping rule leaves its estimate
    # 2e-4 away; the check that can fail is that the project's optimum is no worse than
    # metafor's estimate on the project's likelihood (rma.glmm call in make_references.R)
    ref = next(g for g in REF["glmm"] if g["dataset"] == "flat_extreme")
    x, n = _xn("flat_extreme")
    fit = fit_glmm(x, n)
    at_ref = marginal_loglik(np.array([ref["te"]]), np.sqrt(ref["tau2"]), x, n, np.ones((x.size, 1)))
    assert fit.converged and fit.loglik >= at_ref - 1e-10
    assert fit.beta[0] == pytest.approx(ref["te"], abs=1e-3) and fit.tau2 == pytest.approx(ref["tau2"], rel=1e-3)


@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from([5, 7, 10, 20, 50, 200, 1000, 5000]),
                          st.sampled_from([0.0, 0.02, 0.3, 0.5, 0.9, 0.97, 1.0])), min_size=2, max_size=10))
def test_glmm_optimum_property(studies):
    # property: the reported optimum's log-likelihood is at least that found by an independent
    # optimiser (Powell from the inverse-variance logit estimates); converged fits have finite SE
    n = np.array([a for a, _ in studies], float)
    x = np.round(n * np.array([p for _, p in studies]))
    assume(0 < x.sum() < n.sum())
    X = np.ones((x.size, 1))
    fit = fit_glmm(x, n)
    y = np.log((x + 0.5) / (n - x + 0.5))
    start = np.array([y.mean(), max(y.std(), 0.1)])
    other = optimize.minimize(lambda th: -marginal_loglik(th[:1], abs(th[1]), x, n, X), start, method="Powell",
                              options=dict(xtol=1e-8, ftol=1e-12))
    if fit.converged:
        assert fit.loglik >= -other.fun - 1e-6
        assert np.all(np.isfinite(fit.vcov)) and fit.vcov[0, 0] > 0
    else:
        # a fit may only give up where no study lies strictly between 0 and all events
        assert not np.any((x > 0) & (x < n))


def test_glmm_without_an_informative_study_does_not_converge():
    # found by the property test: 0/5 and 7/7 have no finite maximum (Powell walks off to
    # tau ≈ 158 with a still-rising likelihood); the fit must not report an optimum
    fit = fit_glmm(np.array([0.0, 7.0]), np.array([5.0, 7.0]))
    assert not fit.converged
    r = metaprop([0, 7], [5, 7], transform="PLOGIT", model="glmm")
    assert np.isnan(r.estimate) and any("did not converge" in note for note in r.notes)
