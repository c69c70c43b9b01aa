"""Sensitivity report functions: study sets with and without the overlap rule, estimator grid, tables, figure."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import json  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from living_review.data import load_evidence  # noqa: E402
from living_review.meta import metaprop  # noqa: E402
from living_review.meta.glmm_pooling import ZERO_EVENT_WARNING  # noqa: E402
from living_review.analyses import sensitivity as S  # noqa: E402
from living_review.settings.adapter import metaprop_options  # noqa: E402
from living_review.settings import MetaAnalysisSettings  # noqa: E402

EV = load_evidence()
OPTIONS = metaprop_options(MetaAnalysisSettings())
JP = {"iwasaki2018", "iwasaki2020", "iwasaki2023", "koyama2018", "pms_japan2020", "matsuo2025"}  # JP-LEN-RW (D07-D10, D32, D46-D48)


def test_primary_set_keeps_one_cohort_per_overlap_group():
    keep = set(S.primary_studies(EV.studies)["study_id"])
    every = set(S.primary_studies(EV.studies, overlap="all")["study_id"])
    assert keep & JP == {"pms_japan2020"} and JP <= every
    assert every - keep == JP - {"pms_japan2020"}
    assert not keep & {"ito2017_mtc", "pitoia2014", "atlep2022"}  # other histology and combinations
    with pytest.raises(ValueError, match="choose one of keep_one, all"):
        S.primary_studies(EV.studies, overlap="none")


def test_overlap_variants_put_each_member_in_turn():
    v = S.overlap_variants(EV.studies)
    turns = {k: set(d["study_id"]) & JP for k, d in v.items()
             if k.endswith(" representing its overlap group") and set(d["study_id"]) & JP}
    assert not any("JP-LEN-RW" in k for k in v)  # labels are printed: no group codes
    assert sorted(map(min, turns.values())) == sorted(JP) and all(len(t) == 1 for t in turns.values())


def test_grid_covers_every_pair_and_matches_direct_fits():
    s = S.primary_studies(EV.studies)
    g = S.estimator_grid(s, "DCR", OPTIONS)
    from living_review.meta.options import TAU2_METHODS, TRANSFORMS

    # every transform x estimator the engine offers (the engine's own sets, not a second list)
    assert (S.TRANSFORMS, S.TAU2_METHODS) == (TRANSFORMS, TAU2_METHODS)
    assert len(g) == len(TRANSFORMS) * len(TAU2_METHODS) == 55
    assert np.isfinite(g[["estimate", "ci_low", "ci_high", "tau2", "i2"]].to_numpy()).all()  # the ledger takes them
    c = S.counts(s, "DCR")
    direct = metaprop(c["events"], c["total"], transform="PLOGIT", tau2_method="PM")
    row = g[(g["transform"] == "PLOGIT") & (g["tau2_method"] == "PM")].iloc[0]
    assert row["estimate"] == pytest.approx(direct.estimate, abs=1e-12)
    # Q-based I2 does not depend on the tau2 estimator (Higgins & Thompson 2002).
    assert g.groupby("transform")["i2"].nunique().eq(1).all()
    lo, hi = S.grid_range(g)
    assert lo <= row["estimate"] <= hi


def test_results_table_and_figure():
    s = S.primary_studies(EV.studies)
    t = S.results_table({"PFT": S.pool(s, "ORR", OPTIONS)})
    assert list(t.columns) == ["analysis", "k", "patients", "estimate", "tau2", "I2"]
    assert t["k"].item() == len(S.counts(s, "ORR"))
    grids = {o: S.estimator_grid(s, o, OPTIONS, transforms=("PFT", "PRAW"), methods=("DL", "REML")) for o in ("ORR", "DCR")}
    fig = S.grid_figure(grids, configured=("PFT", "REML"))
    assert len(fig.axes) == 2 and np.isclose(fig.get_figwidth(), 6.3)


def test_study_sets_are_keyed_and_exclude_what_they_say():
    sets = S.study_sets(EV.studies)
    assert {"set_primary", "set_no_abstracts", "set_no_secondary", "set_all_cohorts"} <= set(sets)
    assert {f"set_overlap_{s}" for s in JP} <= set(sets)
    assert "bible2012" not in set(sets["set_no_secondary"][1]["study_id"])  # response counts only in Cao 2024
    assert set(sets["set_overlap_koyama2018"][1]["study_id"]) & JP == {"koyama2018"}


def test_glmm_warnings_become_sentences_for_readers():
    note = S.glmm_note(ZERO_EVENT_WARNING, "ORR")
    assert note.startswith("For the ORR, cohorts in which no patient or every patient had the event")
    assert "I2" not in note and "R meta" not in note
    assert S.glmm_note("Fit did not converge.", "DCR") == "For the DCR, the GLMM fit reports: Fit did not converge."


def test_grid_and_sequential_fits_are_recorded(tmp_path):
    from living_review.meta import leave_one_out

    s = S.primary_studies(EV.studies)
    g = S.estimator_grid(s, "DCR", OPTIONS, transforms=("PFT",), methods=("REML",))
    assert S.record_grid(g, s, "DCR", "sens", chapter="x", options=OPTIONS, root=tmp_path) == ["sens.dcr.grid.pft_reml"]
    c = S.counts(s, "DCR")
    loo = leave_one_out(c["events"], c["total"], studies=list(c["label"]))
    keys = S.record_sequential(loo, s, "DCR", "sens", chapter="x", options=OPTIONS, root=tmp_path)
    assert len(keys) == len(c) and "sens.dcr.loo.without_kim2021" in keys
    rec = json.loads((tmp_path / "_build" / "ledger" / "sens.dcr.loo.without_kim2021.json").read_text())
    assert rec["k"] == len(c) - 1 and all(i["study_id"] != "kim2021" for i in rec["inputs"])


def test_grid_spread_by_estimator_and_by_transformation():
    import pandas as pd

    from living_review.analyses.sensitivity import grid_sentence, grid_spread

    grid = pd.DataFrame({"transform": ["PFT", "PFT", "PLOGIT", "PLOGIT"], "tau2_method": ["DL", "REML"] * 2,
                         "estimate": [0.10, 0.11, 0.14, 0.16]})
    # within PFT 0.01, within PLOGIT 0.02 -> 0.02; within DL 0.04, within REML 0.05 -> 0.05 (by hand)
    assert grid_spread(grid) == pytest.approx((0.02, 0.05), abs=1e-12)
    assert grid_sentence(grid, "ORR") == ("Within one transformation, the τ² estimator moves the pooled ORR by at "
                                          "most 2.0 percentage points; within one estimator, the transformation "
                                          "moves it by at most 5.0, so the transformation matters more than the "
                                          "estimator.")
    flipped = grid.assign(transform=grid["tau2_method"], tau2_method=grid["transform"])
    assert grid_sentence(flipped, "ORR").endswith("the estimator matters at least as much as the transformation.")
