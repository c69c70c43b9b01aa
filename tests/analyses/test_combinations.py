"""Tests for living_review.analyses.combinations: combination cohorts kept apart, pooled only when allowed."""

from __future__ import annotations

import pandas as pd
import pytest
from scipy import stats

from living_review.data import load_evidence
from living_review.analyses import combinations as comb
from living_review.settings import load_settings


@pytest.fixture(scope="module")
def studies():
    return load_evidence().studies


def test_regimens_group_by_tki_and_partner(studies):
    groups = comb.regimens(studies)
    assert {k: list(v["study_id"]) for k, v in groups.items()} == {
        "anlotinib + paclitaxel, capecitabine, or paclitaxel + carboplatin": ["anlotinib_chemo2023"],
        "lenvatinib + pembrolizumab": ["dierks2021", "atlep2022"],
        "pazopanib + paclitaxel + IMRT": ["sherman2023_pazopanib"]}


def test_overlapping_cohorts_are_not_pooled(studies):
    groups = comb.regimens(studies)
    p = comb.pool_regimen("lenvatinib + pembrolizumab", groups["lenvatinib + pembrolizumab"], "ORR",
                          load_settings().meta_analysis)
    assert p.estimate is None and "2 cohorts report it, 1 without overlapping patients" in p.reason


def test_two_independent_cohorts_are_pooled(studies):
    c = comb.regimens(studies)["lenvatinib + pembrolizumab"].copy()
    c["overlap_group"] = pd.NA
    p = comb.pool_regimen("lenvatinib + pembrolizumab", c, "ORR", load_settings().meta_analysis)
    assert p.estimate is not None and p.estimate.k == 2


def test_clopper_pearson_against_the_beta_quantiles():
    # exact interval of 14/27: Beta(14, 14) 2.5% and Beta(15, 13) 97.5% quantiles
    lo, hi = comb.clopper_pearson(14, 27)
    assert lo == pytest.approx(stats.beta.ppf(0.025, 14, 14), abs=1e-12)
    assert hi == pytest.approx(stats.beta.ppf(0.975, 15, 13), abs=1e-12)
    assert comb.clopper_pearson(0, 10)[0] == 0.0 and comb.clopper_pearson(10, 10)[1] == 1.0


def test_cohort_table_and_monotherapy_rows(studies):
    t = comb.cohort_table(studies)
    atlep = t[t["Cohort"] == "ATLEP 2022"].iloc[0]
    assert atlep["ORR (95% CI)"].startswith("14/27: 51.9%") and atlep["ATC patients"] == "27"
    beside = comb.beside_monotherapy(studies, load_settings())
    assert beside["Treatment"].iloc[0].startswith("Monotherapy") and len(beside) == 2 + len(t)


def test_forest_and_records(studies, tmp_path):
    groups = comb.regimens(studies)
    meta = load_settings().meta_analysis
    label = "lenvatinib + pembrolizumab"
    fig = comb.cohort_forest(label, groups[label], {o: comb.pool_regimen(label, groups[label], o, meta)
                                                    for o in ("ORR", "DCR")})
    assert len(fig.axes) == 2
    keys = comb.record_cohorts(studies, chapter="11_combination_regimens", root=tmp_path)
    assert "combination.lenvatinib_pembrolizumab.orr.atlep2022" in keys
