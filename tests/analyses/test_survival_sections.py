"""The survival chapter's sections: landmark rates, the illustrative curves, and the log medians."""

from __future__ import annotations

from living_review.analyses import selection
from living_review.analyses import survival_landmarks as sl
from living_review.analyses import survival_sections as sections
from living_review.analyses import survival_source as ss


def test_every_landmark_rate_is_on_record_and_the_12_month_os_is_named(ev, settings, own_ledger):
    cohorts = selection.select_cohorts(ev.studies)
    pooled, values = sections.landmark_rates(cohorts, ev.landmarks, settings.meta_analysis, chapter="test")
    assert [p.key for p in pooled] == [p.key for p in sl.pool_all(cohorts, ev.landmarks, settings.meta_analysis)]
    assert set(own_ledger.keys()) == {p.key for p in pooled}
    os12 = [p for p in pooled if (p.endpoint, p.months) == ("OS", 12.0)]
    assert values["os_12m_reported"] == (os12[0].text(settings.meta_analysis.level) if os12
                                         else "not reported by any cohort")


def test_the_log_medians_overall_and_per_drug_are_on_record(ev, settings, own_ledger):
    cohorts = selection.select_cohorts(ev.studies)
    overall, values = sections.log_medians(cohorts, settings, chapter="test")
    for ep, m in overall.items():
        r = ss.pool_group_medians(cohorts, ep, settings).result
        assert (m.result is None) == (r is None)
        if r is not None:
            assert values[f"{ep.lower()}_logmed"].startswith(f"{r.estimate:.1f} months")
            assert ss.median_key(ep) in own_ledger.keys()
