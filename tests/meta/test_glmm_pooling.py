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
