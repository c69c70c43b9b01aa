"""Tests for living_review.report.survival_cao: Cao 2024's survival values beside this review's reported-data ones.

Cao 2024's values come from data/previous_version_results.csv (its Table 2 and Results, as printed);
this review's from the reported landmarks and the pooled log medians, computed here with the same
functions the survival chapter calls.
"""

from __future__ import annotations

import pandas as pd

from living_review.data import load_evidence
from living_review.analyses import selection
from living_review.report import survival_cao as scao
from living_review.analyses import survival_landmarks as sl
from living_review.analyses import survival_source as ss
from living_review.settings import load_settings


def test_every_published_value_sits_beside_the_reported_data_estimate():
    ev, settings = load_evidence(), load_settings()
    cohorts = selection.select_cohorts(ev.studies)
    landmarks = sl.pool_all(cohorts, ev.landmarks, settings.meta_analysis)
    medians = {ep: ss.pool_group_medians(cohorts, ep, settings) for ep in ("PFS", "OS")}
    t = scao.comparison_table(landmarks, medians, ev.previous_version_results).set_index(["Endpoint", "Quantity"])
    assert scao.cao_rate_months(ev.previous_version_results, "OS") == [3, 6, 9, 12, 15, 18, 21, 24]
    assert len(t) == 2 * (8 + 1)
    os12 = t.loc[("OS", "Survival at 12 months")]
    assert os12["Cao 2024"] == "27.96%"  # Table 2, printed with 2 decimals
    p = next(x for x in landmarks if x.key == "survival.os.landmark_12m")
    assert os12["This review (reported data)"] == p.text(0.95)
    assert os12["Difference"] == f"{100 * p.result.estimate - 27.96:+.1f} points"
    # a landmark no cohort reports is said so, never filled from a model curve
    assert t.loc[("OS", "Survival at 24 months"), "This review (reported data)"] == "no cohort reports it"
    assert t.loc[("OS", "Median"), "Cao 2024"] == "4.8 months (2.74–8.84)"
    assert t.loc[("PFS", "Median"), "Cao 2024"] == "2.62 months, no CI"
    r = medians["OS"].result
    assert t.loc[("OS", "Median"), "Difference"] == f"{r.estimate - 4.8:+.1f} months"


def test_without_published_values_the_rows_say_so():
    empty = pd.DataFrame(columns=["outcome", "subset", "statistic", "value", "decimals"])
    t = scao.comparison_table((), {}, empty)
    assert t["Quantity"].tolist() == ["Median", "Median"]
    assert t["Cao 2024"].tolist() == ["not published", "not published"]
    assert t["This review (reported data)"].tolist() == ["not pooled", "not pooled"]
