"""The summary-of-findings rows, their certainty and their tables."""

import dataclasses
import math

import pytest

from living_review.data import load_evidence
from living_review.report import certainty, study_tables
from living_review.report import summary_of_findings as sof
from living_review.settings import load_settings


def test_summary_rows_come_from_the_same_analyses_as_the_chapters():
    ev, settings = load_evidence(), load_settings()
    rows = sof.build_summary(ev, settings, n_terms=2)
    assert [r.key for r in rows][:4] == ["orr", "dcr", "pfs_median", "os_median"]
    assert rows[4].key == "ae_grade3.hypertension" and len(rows) == 6
    cohorts = study_tables.select_cohorts(ev.studies)
    orr = study_tables.pool_outcome(cohorts, "ORR", settings.meta_analysis)
    assert rows[0].estimate == orr.estimate and rows[0].k == orr.k
    assert rows[0].patients == int(study_tables.outcome_counts(cohorts, "ORR")["n"].sum())
    assert all(r.certainty.rating in certainty.LEVELS for r in rows)
    assert all(r.ci_low <= r.estimate <= r.ci_high for r in rows)
    table = sof.sof_table(rows, level=0.9)
    assert "Estimate (90% CI)" in table.columns and len(sof.reasons_table(rows)) == len(rows)
    assert not math.isnan(rows[2].i2)
    assert sof.HET_COLUMN in table.columns  # says which I2 it shows
    # an outcome from one study is labelled as such, with no I2 or tau2
    one = sof.sof_table([dataclasses.replace(rows[0], k=1)], level=0.9).iloc[0]
    assert one["Estimate (90% CI)"].endswith(", one study, exact CI") and one[sof.HET_COLUMN] == "–"
    with pytest.raises(ValueError, match="n_terms"):
        sof.build_summary(ev, settings, n_terms=-1)


def test_comparison_glue_and_ledger_parts():
    ev, settings = load_evidence(), load_settings()
    rows = sof.build_summary(ev, settings)
    table = sof.previous_comparison(rows, ev.previous_version_results, ev.previous_version_inputs).set_index("Outcome")
    # Cao 2024 Fig. 3 (data/previous_version_results.csv): ORR 0.09 [0.02; 0.17] over 6 trials, 136 patients
    assert table.loc["ORR", "Cao 2024"] == "9% (2–17%)" and table.loc["ORR", "Cao 2024 k/N"] == "6/136"
    # Cao 2024 Results: median OS 4.8 (2.74-8.84) months, median PFS 2.62 months without a CI
    assert table.loc["Median OS", "Cao 2024"] == "4.8 (2.74–8.84) mo"
    assert table.loc["Median PFS", "Cao 2024"] == "2.62 mo (no CI)"
    texts = sof.glue_texts(rows, 0.95)
    orr = rows[0]
    assert texts["est_orr"] == f"{100 * orr.estimate:.1f}% (95% CI {100 * orr.ci_low:.1f}–{100 * orr.ci_high:.1f}%)"
    assert texts["ae_top_name"] == "hypertension" and texts["rule_ois"] == "300" and texts["rule_i2_serious"] == "50%"
    assert sof.glue_texts([], 0.95)["est_orr"] == "not estimable"
    assert sof.ledger_params(rows[0]) == {} and sof.ledger_params(rows[2])["scale"] == "log median"


def test_patient_counts_say_what_they_count():
    rows = sof.build_summary(load_evidence(), load_settings())
    texts = sof.glue_texts(rows, 0.95)
    assert texts["kn_orr"] == f"{rows[0].k} cohorts, {rows[0].patients} patients evaluated"
    assert texts["kn_os_median"].endswith("patients enrolled")
