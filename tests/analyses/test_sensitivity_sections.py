"""The sensitivity chapter's sections: each is its computation run for every outcome, on record."""

from __future__ import annotations

import pytest

from living_review.analyses import sensitivity as sens
from living_review.analyses import sensitivity_sections as sections
from living_review.core import formatting as fmt
from living_review.meta import leave_one_out
from living_review.settings.adapter import metaprop_options


@pytest.fixture(scope="module")
def primary(ev, settings):
    options = metaprop_options(settings.meta_analysis)
    primary_set, counts, main, values = sections.primary(ev.studies, options)
    assert primary_set.equals(sens.primary_studies(ev.studies))
    return primary_set, options, counts, main, values


def test_the_primary_values_are_the_pooled_estimates(primary):
    _, _, counts, main, values = primary
    r = main["ORR"]
    assert values["orr_main"] == fmt.estimate_ci(r.estimate, r.ci_low, r.ci_high)
    assert values["k_orr"] == str(r.k) and values["n_orr"] == str(int(counts["ORR"]["total"].sum()))


def test_leave_one_out_names_the_cohort_that_moves_the_estimate_most(primary, settings, own_ledger):
    primary_set, options, counts, main, _ = primary
    loo, values = sections.leave_one_out_all(counts, main, primary_set, settings.meta_analysis, chapter="test")
    c = counts["DCR"]
    direct = leave_one_out(c["events"], c["total"], studies=list(c["label"]), transform=options["transform"],
                           tau2_method=options["tau2_method"], hakn=options["hakn"], level=options["level"])
    shift = (direct.frame["estimate"] - main["DCR"].estimate).abs()
    assert values["dcr_loo_max"] == direct.frame.loc[shift.idxmax(), "label"]
    assert values["dcr_loo_pp"] == f"{100 * shift.max():.1f}"
    assert sum(k.startswith("sensitivity.dcr.loo.without_") for k in own_ledger.keys()) == len(c)


def test_the_inverse_variance_sections_keep_the_configured_transform_under_the_glmm(primary, settings, own_ledger):
    from dataclasses import replace

    primary_set, _, counts, main, _ = primary
    glmm = replace(settings.meta_analysis, model="glmm")
    loo, _ = sections.leave_one_out_all(counts, main, primary_set, glmm, chapter="test")
    assert loo["ORR"].frame["estimate"].notna().all()
    assert sections.funnel_fit(primary_set, glmm).model == "inverse"


def test_the_study_sets_describe_one_overlap_group(ev, settings, own_ledger):
    from types import SimpleNamespace

    from living_review.analyses import discrepancy_sensitivity as dsens
    from living_review.core.paths import data_dir

    specs, _ = dsens.read_specs(data_dir(), ev.studies)
    options = metaprop_options(settings.meta_analysis)
    results, values = sections.study_sets(ev, specs, options, chapter="test")
    kept = sens.primary_studies(ev.studies).dropna(subset=["overlap_group"])
    assert values["jp_kept"] == ", ".join(kept["label"])
    assert "D07" in values["jp_discrepancies"]  # a representation analysis of that group (discrepancy_analyses.csv)
    assert set(results["ORR"]) == {label for label, _ in sens.study_sets(ev.studies).values()}
    studies = ev.studies.copy()
    other = studies.index[(studies["pooling_role"] == "atc_monotherapy") & studies["overlap_group"].isna()][0]
    studies.loc[other, ["overlap_group", "overlap_keep"]] = ["XX-OTHER", True]
    with pytest.raises(ValueError, match="describes one overlap group in the primary set; it keeps members of 2"):
        sections.study_sets(SimpleNamespace(studies=studies), specs, options, chapter="test")
