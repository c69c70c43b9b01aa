"""GLMM results assembled for metaprop: single studies, degenerate subgroups, notes."""

from __future__ import annotations

import math

import pytest

from living_review.meta import metaprop


def test_single_study_glmm_is_the_binomial_fit():
    r = metaprop([4], [17], transform="PLOGIT", model="glmm")
    # direct computation: logit(4/17) with SE sqrt(1/4 + 1/13)
    assert r.te == pytest.approx(math.log(4 / 13), abs=1e-8)
    assert r.se == pytest.approx(math.sqrt(1 / 4 + 1 / 13), abs=1e-8)
    assert math.isnan(r.tau2) and r.estimate == pytest.approx(4 / 17)


def test_degenerate_subgroup_gives_undefined_test_and_note():
    with pytest.warns(UserWarning, match="Wald Q"):
        r = metaprop([2, 0, 2, 4, 1, 5], [8, 15, 20, 17, 34, 42], transform="PLOGIT", model="glmm",
                     subgroups=["I", "P", "S", "L", "L", "L"])
    assert math.isnan(r.subgroup_test.q)
    assert r.subgroups["P"].estimate == 0 and r.subgroups["P"].ci_high == pytest.approx(1 - 0.025 ** (1 / 15))
    assert any("subgroup test not defined" in n for n in r.notes)


def test_glmm_without_any_event_is_refused():
    with pytest.raises(ValueError, match="no patient had the event"):
        metaprop([0, 0, 0], [10, 12, 9], transform="PLOGIT", model="glmm", studies=["A", "B", "C"])


def test_subgroup_without_events_leaves_the_others_fitted(tol):
    # regression: ValueError when a subgroup had 0 events in two or more studies. metafor fits
    # the other subgroups: rma.glmm(measure="PLO", xi, ni, method="ML") per subgroup
    # (make_references.R, defects glmm_subgroup_A and _C)
    import json
    from pathlib import Path

    refs = {d["subgroup"]: d for d in json.loads((Path(__file__).parent / "r" / "references.json").read_text())["defects"]
            if d["case"].startswith("glmm_subgroup_")}
    d = refs["A"]
    with pytest.warns(UserWarning, match="Wald Q"):
        r = metaprop(d["x"], d["n"], transform="PLOGIT", model="glmm", subgroups=d["groups"])
    for name, ref in refs.items():
        sub = r.subgroups[name]
        assert sub.te == pytest.approx(ref["te"], abs=tol["glmm"])
        assert sub.se == pytest.approx(ref["se"], abs=tol["glmm"])
        assert sub.tau2 == pytest.approx(ref["tau2"], abs=tol["glmm"])
    empty = r.subgroups["B"]
    assert empty.k == 2 and math.isnan(empty.estimate) and "not estimable" in empty.notes[0]
    assert math.isnan(r.subgroup_test.q) and any("subgroup test not defined" in n for n in r.notes)
