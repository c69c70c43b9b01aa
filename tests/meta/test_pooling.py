"""metaprop against R metafor (committed fixture) and against Cao 2024's published forest plots."""

from __future__ import annotations

import json
import math
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from living_review.meta import metaprop

REF = json.loads((Path(__file__).parent / "r" / "references.json").read_text())
GRID = REF["grid"]

# Cao 2024 (seed 003), Figure 3 forest plots: events/total per study.
CAO_N = [8, 15, 20, 17, 34, 42]
CAO_ORR = [2, 0, 2, 4, 1, 5]
CAO_DCR = [6, 0, 7, 16, 18, 31]
CAO_DRUG = ["imatinib", "pazopanib", "sorafenib", "lenvatinib", "lenvatinib", "lenvatinib"]


def _close(a, b, tol):
    if b is None:
        return a is None or (isinstance(a, float) and math.isnan(a))
    return abs(a - b) <= tol


def _fit(entry):
    d = REF["datasets"][entry["dataset"]]
    return metaprop(d["x"], d["n"], transform=entry["transform"], tau2_method=entry["method"])


def test_the_references_cover_every_option_the_engine_offers():
    # an option added to living_review.meta.options without an R reference fails here
    from itertools import product

    from living_review.meta.options import TAU2_METHODS, TRANSFORMS

    for dataset in {g["dataset"] for g in GRID}:
        assert {(g["transform"], g["method"]) for g in GRID if g["dataset"] == dataset} == set(
            product(TRANSFORMS, TAU2_METHODS)), dataset


@pytest.mark.parametrize("entry", GRID, ids=[f"{g['dataset']}-{g['transform']}-{g['method']}" for g in GRID])
def test_grid_matches_metafor(entry, tol):
    # reference: rma(yi, vi, method=...) in tests/meta/r/make_references.R
    r = _fit(entry)
    pairs = [
        ("estimate", entry["estimate"], "estimate"), ("ci_low", entry["est_ci_lb"], "ci"),
        ("ci_high", entry["est_ci_ub"], "ci"), ("te", entry["te"], "estimate"), ("se", entry["se"], "estimate"),
        ("tau2", entry["tau2"], "tau2"), ("q", entry["q"], "q"), ("q_pvalue", entry["q_pval"], "pvalue"),
        ("i2", entry["i2"], "i2"), ("i2_ci_low", entry["i2_ci_lb"], "i2"), ("i2_ci_high", entry["i2_ci_ub"], "i2"),
        ("fixed_te", entry["fixed_te"], "estimate"), ("fixed_se", entry["fixed_se"], "estimate"),
        ("pi_low", entry["pi_lb"], "ci"), ("pi_high", entry["pi_ub"], "ci"), ("pvalue", entry["pval"], "pvalue"),
        ("tau2_ci_low", entry["tau2_ci_lb"], "tau2"), ("tau2_ci_high", entry["tau2_ci_ub"], "tau2"),
        # metafor's tau2-based I2 and H2 (r$I2, r$H2) and their confint() limits
        ("i2_tau2", entry["i2_tau2"], "i2"), ("h2_tau2", entry["h2_tau2"], "i2"),
        ("i2_tau2_ci_low", entry["i2_tau2_ci_lb"], "i2"), ("i2_tau2_ci_high", entry["i2_tau2_ci_ub"], "i2"),
        ("h2_tau2_ci_low", entry["h2_tau2_ci_lb"], "i2"), ("h2_tau2_ci_high", entry["h2_tau2_ci_ub"], "i2"),
    ]
    bad = [(name, getattr(r, name), want) for name, want, kind in pairs if not _close(getattr(r, name), want, tol[kind])]
    assert not bad, bad
    np.testing.assert_allclose(r.studies["weight_random"], entry["weight_random"], atol=tol["estimate"])
    np.testing.assert_allclose(r.studies["weight_fixed"], entry["weight_fixed"], atol=tol["estimate"])


@pytest.mark.parametrize("entry", [g for g in GRID if g["k"] > 1][::3], ids=lambda g: f"{g['dataset']}-{g['transform']}-{g['method']}")
def test_hartung_knapp_and_prediction_interval(entry, tol):
    # reference: rma(..., test="knha"); PI = b ± qt(.975, k-1)·sqrt(se² + tau2) (meta 8 rule)
    d = REF["datasets"][entry["dataset"]]
    r = metaprop(d["x"], d["n"], transform=entry["transform"], tau2_method=entry["method"], hakn=True)
    assert r.te == pytest.approx(entry["hk_te"], abs=tol["estimate"])
    assert r.se == pytest.approx(entry["hk_se"], abs=tol["estimate"])
    assert r.te_ci_low == pytest.approx(entry["hk_ci_lb"], abs=tol["ci"])
    assert r.te_ci_high == pytest.approx(entry["hk_ci_ub"], abs=tol["ci"])
    from living_review.meta.engine import pool
    from living_review.meta.effects import study_effects
    yi, vi = study_effects(np.array(d["x"], float), np.array(d["n"], float), entry["transform"])
    n = np.array(d["n"], float)  # GENQ weights
    hk = pool(yi, vi, method=entry["method"], hakn=True, weights=n)
    assert hk.pi_low[0] == pytest.approx(entry["hk_pi_lb_te"], abs=tol["ci"])
    z = pool(yi, vi, method=entry["method"], prediction="z", weights=n)
    # reference: metafor predict(rma(...)) (z-based)
    assert z.pi_low[0] == pytest.approx(entry["pi_z_lb_te"], abs=tol["ci"])
    assert z.pi_high[0] == pytest.approx(entry["pi_z_ub_te"], abs=tol["ci"])


def test_study_table_clopper_pearson(tol):
    # reference: binom.test(x, n)$conf.int in make_references.R
    for cp in REF["clopper_pearson"]:
        d = REF["datasets"][cp["dataset"]]
        t = metaprop(d["x"], d["n"]).studies
        np.testing.assert_allclose(t["ci_low"], cp["lo"], atol=tol["ci"])
        np.testing.assert_allclose(t["ci_high"], cp["hi"], atol=tol["ci"])


def test_reproduces_cao_2024_orr(tol):
    # published: Cao 2024 (Medicine 103:e38679), Figure 3, ORR forest plot
    r = metaprop(CAO_ORR, CAO_N, transform="PFT", tau2_method="REML", subgroups=CAO_DRUG)
    assert r.estimate == pytest.approx(0.09, abs=tol["published_2dp"])
    assert r.ci_low == pytest.approx(0.02, abs=tol["published_2dp"])
    assert r.ci_high == pytest.approx(0.17, abs=tol["published_2dp"])
    assert r.tau2 == pytest.approx(0.0092, abs=tol["published_4dp"])
    assert 100 * r.i2 == pytest.approx(46, abs=tol["published_pct"])
    assert r.q_pvalue == pytest.approx(0.10, abs=tol["published_2dp"])
    lenv = r.subgroups["lenvatinib"]
    assert (lenv.estimate, lenv.ci_low, lenv.ci_high) == pytest.approx((0.10, 0.02, 0.23), abs=tol["published_2dp"])
    assert lenv.tau2 == pytest.approx(0.0130, abs=tol["published_4dp"])
    assert 100 * lenv.i2 == pytest.approx(60, abs=tol["published_pct"])
    assert lenv.q_pvalue == pytest.approx(0.08, abs=tol["published_2dp"])
    assert r.subgroup_test.q == pytest.approx(4.36, abs=tol["published_2dp"])
    assert r.subgroup_test.df == 3
    assert r.subgroup_test.pvalue == pytest.approx(0.23, abs=tol["published_2dp"])


def test_reproduces_cao_2024_dcr(tol):
    # published: Cao 2024, Figure 3, DCR forest plot
    r = metaprop(CAO_DCR, CAO_N, transform="PFT", tau2_method="REML", subgroups=CAO_DRUG)
    assert (r.estimate, r.ci_low, r.ci_high) == pytest.approx((0.53, 0.21, 0.84), abs=tol["published_2dp"])
    lenv = r.subgroups["lenvatinib"]
    assert (lenv.estimate, lenv.ci_low, lenv.ci_high) == pytest.approx((0.74, 0.49, 0.94), abs=tol["published_2dp"])
    assert lenv.tau2 == pytest.approx(0.0421, abs=tol["published_4dp"])
    assert 100 * lenv.i2 == pytest.approx(81, abs=tol["published_pct"])
    assert lenv.q_pvalue < 0.01


@pytest.mark.parametrize("model", ["inverse", "glmm"])
@pytest.mark.parametrize("x,n,lo,hi", [
    # R: binom.test(0, 15)$conf.int = 0.0000000 0.2180194; binom.test(2, 8)$conf.int = 0.03185 0.65086
    (0, 15, 0.0, 0.2180194), (2, 8, 0.03185, 0.65086), (4, 17, 0.0681077, 0.4989933)])
def test_single_study_is_not_pooled(x, n, lo, hi, model):
    # k = 1: the study's proportion with its exact (Clopper-Pearson) interval, nothing pooled;
    # R: binom.test(4, 17)$conf.int = 0.06810774 0.49899327
    if model == "glmm" and x == 0:
        pytest.skip("the logit of 0/15 is infinite; covered by test_glmm_pooling")
    r = metaprop([x], [n], transform="PLOGIT", model=model)
    assert r.single_study and r.estimate == pytest.approx(x / n, abs=1e-12)
    assert r.ci_low == pytest.approx(lo, abs=5e-6) and r.ci_high == pytest.approx(hi, abs=5e-6)
    assert (r.fixed_ci_low, r.fixed_ci_high) == (r.ci_low, r.ci_high)
    for f in ("tau2", "tau", "i2", "h2", "q", "pi_low", "pi_high", "q_pvalue", "i2_tau2"):
        assert math.isnan(getattr(r, f)), f
    assert any("nothing is pooled" in note for note in r.notes)
    assert "One study (no meta-analysis)" in r.summary()


def test_single_study_keeps_its_transformed_value():
    # the transformed value and SE stay the study's own (the subgroup test uses them, as R meta)
    r = metaprop([4], [17], transform="PLOGIT")
    assert r.te == pytest.approx(math.log(4 / 13)) and r.se == pytest.approx(math.sqrt(1 / 4 + 1 / 13))


@pytest.mark.parametrize("events,totals,studies,match", [
    ([-1, 2], [10, 10], ["A", "B"], "A: negative"),
    ([2, 12], [10, 10], ["A", "B"], "B: events"),
    ([2, 0], [10, 0], ["A", "B"], "B: total is 0"),
    ([2, 3], [10], None, "events has 2 values"),
    ([2, float("nan")], [10, 10], ["A", "B"], "B: events or total is missing"),
])
def test_bad_input_names_the_study(events, totals, studies, match):
    with pytest.raises(ValueError, match=match):
        metaprop(events, totals, studies=studies)


def test_bad_options_list_allowed_values():
    with pytest.raises(ValueError, match="PFT, PLOGIT, PAS, PRAW"):
        metaprop([1, 2], [10, 10], transform="LOGIT")
    with pytest.raises(ValueError, match="DL, REML"):
        metaprop([1, 2], [10, 10], tau2_method="FE")
    with pytest.raises(ValueError, match="t\\(k-1\\)"):
        metaprop([1, 2], [10, 10], prediction="t")


def test_summary_and_frame():
    r = metaprop(CAO_ORR, CAO_N, subgroups=CAO_DRUG)
    text = r.summary()
    assert "Test for subgroup differences: Q = 4.36, df = 3" in text
    frame = r.to_frame()
    assert list(frame["subset"]) == ["overall", "imatinib", "pazopanib", "sorafenib", "lenvatinib"]
    assert frame.loc[0, "estimate"] == r.estimate


@pytest.mark.r
@pytest.mark.slow
@pytest.mark.skipif(shutil.which("Rscript") is None, reason="Rscript not installed")
def test_r_rerun_matches_fixture(tmp_path):
    # reruns tests/meta/r/make_references.R and checks the committed fixture is what R gives now
    out = tmp_path / "refs.json"
    script = Path(__file__).parent / "r" / "make_references.R"
    subprocess.run(["Rscript", str(script), str(out)], check=True, capture_output=True, timeout=300)
    fresh = json.loads(out.read_text())
    fresh.pop("r_version"), fresh.pop("metafor_version")
    committed = {k: v for k, v in REF.items() if k not in ("r_version", "metafor_version")}
    # every number the tests rely on, including GLMM, regression and bias sections; 1e-6 leaves
    # room for another BLAS or lme4 build, far below the tolerances the comparisons use
    _assert_same(fresh, committed, "refs")


def _assert_same(a, b, where):
    if isinstance(b, dict):
        assert set(a) == set(b), where
        for key in b:
            _assert_same(a[key], b[key], f"{where}.{key}")
    elif isinstance(b, list):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b)):
            _assert_same(x, y, f"{where}[{i}]")
    elif isinstance(b, float) and isinstance(a, (int, float)):
        assert a == pytest.approx(b, abs=1e-6, rel=1e-8), where
    else:
        assert a == b, where


@pytest.mark.parametrize("ref", REF["subgroups"], ids=lambda r: f"{r['dataset']}-{r['transform']}-{r['method']}")
def test_subgroups_match_separate_rma_fits(ref, tol):
    # reference: one rma() per subgroup and Q_b from their estimates (make_references.R)
    d = REF["datasets"][ref["dataset"]]
    r = metaprop(d["x"], d["n"], transform=ref["transform"], tau2_method=ref["method"], subgroups=ref["groups"])
    subs = list(r.subgroups.values())
    np.testing.assert_allclose([s.te for s in subs], ref["te"], atol=tol["estimate"])
    np.testing.assert_allclose([s.se for s in subs], ref["se"], atol=tol["estimate"])
    pooled = [i for i, s in enumerate(subs) if s.k > 1]
    np.testing.assert_allclose([subs[i].tau2 for i in pooled], np.array(ref["tau2"])[pooled], atol=tol["tau2"])
    np.testing.assert_allclose([subs[i].estimate for i in pooled], np.array(ref["estimate"])[pooled], atol=tol["estimate"])
    for s in subs:
        if s.k == 1:  # one study: its own proportion and exact interval, nothing pooled
            row = s.studies.iloc[0]
            assert (s.estimate, s.ci_low, s.ci_high) == (row["proportion"], row["ci_low"], row["ci_high"])
            assert np.isnan(s.tau2) and np.isnan(s.i2)
    assert r.subgroup_test.q == pytest.approx(ref["qb"], abs=tol["q"])
    assert r.subgroup_test.df == ref["qb_df"]
    assert r.subgroup_test.pvalue == pytest.approx(ref["qb_p"], abs=tol["pvalue"])


from hypothesis import given, settings, strategies as st  # noqa: E402


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 200), st.floats(0, 1)), min_size=2, max_size=12),
       st.sampled_from(["PFT", "PLOGIT", "PAS", "PRAW"]), st.sampled_from(["DL", "REML", "PM", "EB"]))
def test_properties_order_invariance_and_ranges(studies, transform, method):
    # invariants: pooling does not depend on study order; tau2 >= 0; I2 in [0, 1]; CI brackets estimate
    totals = [n for n, _ in studies]
    events = [int(round(f * n)) for n, f in studies]
    a = metaprop(events, totals, transform=transform, tau2_method=method)
    b = metaprop(events[::-1], totals[::-1], transform=transform, tau2_method=method)
    assert a.te == pytest.approx(b.te, abs=1e-9)
    assert a.tau2 >= 0 and 0 <= a.i2 <= 1
    assert a.ci_low <= a.estimate + 1e-12 and a.estimate <= a.ci_high + 1e-12


def test_missing_subgroup_label_names_the_study():
    with pytest.raises(ValueError, match="B: subgroup label is missing"):
        metaprop([1, 2, 3], [10, 10, 10], studies=["A", "B", "C"], subgroups=["x", None, "y"])
