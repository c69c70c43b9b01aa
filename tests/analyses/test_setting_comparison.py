"""Trials against real-world cohorts: one call per question, each with its records and values."""

from __future__ import annotations

import pytest

from living_review.analyses import setting_comparison as scmp
from living_review.analyses import settings_compare as sc
from living_review.analyses.sensitivity import primary_studies
from living_review.core import formatting as fmt
from living_review.settings.adapter import metaprop_options


@pytest.fixture(scope="module")
def studies(ev):
    return primary_studies(ev.studies)


def test_pooled_by_setting_on_record_with_its_values(studies, settings, own_ledger):
    options = metaprop_options(settings.meta_analysis)
    pooled, values = scmp.by_setting(studies, options, chapter="test")
    direct = sc.pool_by_setting(studies, "ORR", options).subgroups["Real-world cohort"]
    assert values["orr_rw"] == fmt.estimate_ci(direct.estimate, direct.ci_low, direct.ci_high)
    assert values["orr_rw_k"] == str(direct.k)
    assert {"settings.orr.all", "settings.orr.trial", "settings.orr.real_world", "settings.dcr.all"} <= set(
        own_ledger.keys())
    assert own_ledger.get("settings.orr.real_world")["estimate"] == direct.estimate
    higher = pooled["ORR"].subgroups["Real-world cohort"].estimate > pooled["ORR"].subgroups["Prospective trial"].estimate
    assert values["orr_direction_text"].startswith("The real-world estimate is the " + ("higher" if higher else "lower"))


def test_medians_by_setting_say_when_a_setting_cannot_be_pooled(studies, settings, own_ledger):
    medians, values = scmp.medians_by_setting(studies, settings, chapter="test")
    for ep, m in medians.items():
        for name, key in scmp.SETTINGS:
            if m.results.get(name) is None:
                assert values[f"{ep.lower()}_{key}_k"] == "0" and values[f"{ep.lower()}_{key}"].startswith("not poolable")
            else:
                assert values[f"{ep.lower()}_{key}_k"] == str(m.results[name].k)
    assert values["no_ci_n"] == str(int((medians["OS"].table["status"] == "no CI: not pooled").sum()))


def test_the_surveillance_cohort_is_found_and_a_second_one_stops_the_chapter(studies):
    assert scmp.surveillance_cohort(studies)["design"] == "post_marketing_surveillance"
    two = studies.copy()
    two.loc[two.index[:2], "design"] = "post_marketing_surveillance"
    with pytest.raises(ValueError, match="describes one post-marketing surveillance cohort"):
        scmp.surveillance_cohort(two)
