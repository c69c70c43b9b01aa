"""Tests for living_review.analyses.setting_strata against R metafor.

Reference values: tests/analyses/r/strata_metafor.R (metafor 3.8-1), one line per call, in the
order printed there: all cohorts, trials only, without the Japanese surveillance, enrolled
denominators (estimate, CI low, CI high, Q-based I²).
"""

from __future__ import annotations

import pytest

from living_review.data import load_evidence
from living_review.analyses import primary_estimates as pe
from living_review.analyses import setting_strata as ss
from living_review.analyses.selection import select_cohorts
from living_review.settings import load_settings

R_ALL = (0.1443498385, 0.0611834069, 0.2496434118, 0.8195973063)
R_TRIALS = (0.0740214005, 0.0191674610, 0.1510687110, 0.4259075538)
R_WITHOUT_PMS = (0.1090877883, 0.0459299084, 0.1895593625, 0.5121354990)
R_ENROLLED = (0.1329519860, 0.0586363937, 0.2266849304, 0.7930916253)


@pytest.fixture(scope="module")
def cohorts():
    return select_cohorts(load_evidence().studies)


def _vals(e):
    return (e.estimate, e.ci_low, e.ci_high, e.i2)


def test_setting_strata_match_metafor(cohorts, tol):
    by = ss.by_setting(cohorts, "ORR", load_settings().meta_analysis)
    assert _vals(by["all"]) == pytest.approx(R_ALL, abs=tol["ci"])
    assert _vals(by["trials_only"]) == pytest.approx(R_TRIALS, abs=tol["ci"])
    assert by["real_world_only"].k + by["trials_only"].k == by["all"].k


def test_japan_pms_is_the_influential_cohort(cohorts, tol):
    inf = ss.most_influential(cohorts, "ORR", load_settings().meta_analysis)
    assert (inf.study_id, inf.events, inf.n) == ("pms_japan2020", 46, 105)
    assert _vals(inf.without) == pytest.approx(R_WITHOUT_PMS, abs=tol["ci"])
    assert inf.shift > 0 and "Japan PMS 2020 (46/105)" in inf.summary()


def test_enrolled_denominators_match_metafor(cohorts, tol):
    e = pe.proportion(ss.itt_cohorts(cohorts), "ORR", load_settings().meta_analysis)
    assert _vals(e) == pytest.approx(R_ENROLLED, abs=tol["ci"])
    changed = ss.itt_changes(cohorts)
    assert set(changed["Cohort"]) == {"Ha 2010", "Bible 2012", "Japan PMS 2020", "Higashiyama 2022 (HOPE)"}
    assert cohorts["orr_n"].equals(select_cohorts(load_evidence().studies)["orr_n"])  # input not modified


def test_records_for_summary_and_changelog(cohorts, tmp_path):
    keys = ss.record_all(cohorts, load_settings().meta_analysis, chapter="09_sensitivity_analyses", root=tmp_path)
    for key in ("sof.orr.trials_only", "sof.orr.real_world_only", "sof.orr.without_pms_japan2020",
                "sensitivity.orr.itt_enrolled", "sof.dcr.trials_only"):
        assert key in keys


def test_fewer_than_three_cohorts_have_no_influence_analysis(cohorts):
    assert ss.most_influential(cohorts.head(2), "ORR", load_settings().meta_analysis) is None


def test_strata_table_columns(cohorts):
    t = ss.strata_table({"ORR": ss.by_setting(cohorts, "ORR", load_settings().meta_analysis)})
    assert list(t["Cohorts"]) == ["all cohorts", "prospective trials only", "real-world cohorts only"]
