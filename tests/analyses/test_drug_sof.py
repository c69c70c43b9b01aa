"""Tests for living_review.analyses.drug_sof: a drug's summary of findings from the overall table's function."""

from __future__ import annotations

import pytest

from living_review.analyses import drug_sof, selection
from living_review.report import sof_table
from living_review.analyses import summary_of_findings as sof
from living_review.analyses import survival_landmarks as sl


def test_only_drugs_with_enough_cohorts_get_a_table(ev, settings):
    cohorts = selection.select_cohorts(ev.studies)
    got = drug_sof.drugs_with_table(cohorts, settings.drug_chapters.drugs)
    assert got == [d for d in settings.drug_chapters.drugs if (cohorts["drug"] == d).sum() >= drug_sof.MIN_COHORTS]
    assert "lenvatinib" in got and "imatinib" not in got  # imatinib: one cohort


def test_lenvatinib_rows_are_the_overall_function_on_its_cohorts(ev, settings):
    rows = drug_sof.drug_rows(ev, settings, "lenvatinib")
    keys = [r.key for r in rows]
    assert keys[:2] == ["orr", "dcr"] and "os_median" in keys and "os_12m" in keys
    assert any(k.startswith("ae_grade3.") for k in keys)  # serious harms
    len_cohorts = selection.select_cohorts(ev.studies, drug="lenvatinib")
    orr = selection.pool_outcome(len_cohorts, "ORR", settings.meta_analysis)
    assert rows[0].estimate == orr.estimate and rows[0].k == orr.k
    os12 = sl.pool_landmark(len_cohorts, ev.landmarks, "OS", 12, settings.meta_analysis)
    row = next(r for r in rows if r.key == "os_12m")
    assert row.estimate == os12.result.estimate and set(row.study_ids) == {"pms_japan2020", "higashiyama2022"}
    same = sof.build_summary(ev, settings, cohorts=len_cohorts)
    assert [(r.key, r.estimate) for r in same] == [(r.key, r.estimate) for r in rows]


def test_the_table_names_the_drug_in_its_statements(ev, settings):
    rows = drug_sof.drug_rows(ev, settings, "lenvatinib")
    text = sof_table.standard_source(rows, caption=drug_sof.caption("lenvatinib", 7), name="tbl-sof-lenvatinib",
                                     intervention="Lenvatinib monotherapy")
    assert "patients on Lenvatinib monotherapy" in text and "TKI monotherapy" not in text
    assert ":name: tbl-sof-lenvatinib" in text


def test_a_drug_without_cohorts_is_an_error(ev, settings):
    with pytest.raises(ValueError, match="drug='sunitinib' has no ATC monotherapy cohort; choose one of"):
        drug_sof.drug_rows(ev, settings, "sunitinib")
