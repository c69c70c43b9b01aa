"""Between-arm effects, on the review's data for NRG/RTOG 0912 and on a synthetic comparison.

Reference values: the differences are those of :mod:`living_review.meta.risk_difference`
(checked against Newcombe 1998 and statsmodels in tests/meta); here the inputs are checked
to be the right rows, and the implied denominators are worked by hand (13/35 = 37.14%,
9/31 = 29.03%).
"""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from living_review.data import load_evidence
from living_review.meta.risk_difference import from_rates, risk_difference
from living_review.analyses import comparative as cmp


@pytest.fixture(scope="module")
def evidence():
    return load_evidence()


def test_hazard_ratio_and_its_two_sided_p(evidence):
    hr = cmp.hazard_ratio(evidence, "rtog0912")
    assert (hr.ratio, hr.ci_low, hr.ci_high, hr.p_printed, hr.n) == (0.86, 0.52, 1.43, 0.28, 71)
    assert hr.includes_null
    # log(0.86) / ((log 1.43 - log 0.52) / 3.92) = -0.584, two-sided p = 0.559 (by hand)
    assert hr.p_two_sided_from_ci == pytest.approx(0.559, abs=0.001)
    assert cmp.hazard_ratio(evidence, "iwasaki2020_palliative") is None


def test_landmarks_pair_the_arms(evidence):
    d = cmp.landmark_differences(evidence, "rtog0912")
    assert [(x.time, x.unit, x.tki_pct, x.comparator_pct) for x in d] == [
        (1, "years", 37.1, 29.0), (2, "years", 20.0, 12.9), (3, "years", 17.1, 9.7)]
    first = d[0]
    assert (first.n_tki, first.n_comparator, first.implied_n) == (36, 35, (35, 31))
    ref = from_rates(0.371, 36, 0.29, 35)
    assert (first.primary.ci_low, first.primary.ci_high) == pytest.approx((ref.ci_low, ref.ci_high), abs=1e-15)
    ref = from_rates(0.371, 35, 0.29, 31)
    assert (first.implied.ci_low, first.implied.ci_high) == pytest.approx((ref.ci_low, ref.ci_high), abs=1e-15)
    # Wald from intervals: half-widths 16.05 and 15.8 points -> SE 8.19 and 8.06
    assert first.from_printed_intervals.ci_high - first.from_printed_intervals.difference == pytest.approx(
        1.959964 * ((0.1605 / 1.959964) ** 2 + (0.158 / 1.959964) ** 2) ** 0.5, abs=1e-6)


def test_events_per_arm(evidence):
    e = {x.grade_band: x for x in cmp.event_differences(evidence, "rtog0912")}
    assert (e["3-4"].tki_events, e["3-4"].tki_n, e["3-4"].comparator_events, e["3-4"].comparator_n) == (31, 36, 28, 34)
    ref = risk_difference(1, 36, 1, 34)
    assert e["5"].difference.ci_low == pytest.approx(ref.ci_low, abs=1e-15)


def test_tables_render_signed_points(evidence):
    t = cmp.landmark_table(cmp.landmark_differences(evidence, "rtog0912"), "Pazopanib", "Placebo")
    assert list(t["Landmark"]) == ["1 year", "2 years", "3 years"]
    assert t.iloc[0, 3] == "+8.1 (−13.4 to +28.5)"
    assert t.iloc[0, 4].endswith("[n = 35 and 31]")
    ev = cmp.event_table(cmp.event_differences(evidence, "rtog0912"), "Pazopanib", "Placebo")
    assert list(ev.iloc[:, 1]) == ["31/36 (86.1%)", "1/36 (2.8%)"]


def test_unknown_comparison_is_an_error(evidence):
    with pytest.raises(ValueError, match="is not in comparisons.csv"):
        cmp.landmark_differences(evidence, "nope")


def test_coverage_names_a_comparative_analysis_without_a_comparison(evidence):
    assert cmp.coverage(evidence) == []
    d = pd.DataFrame([{"discrepancy_id": "D99", "study_id": "ha2010", "sensitivity": "comparative: x"}])
    fake = SimpleNamespace(discrepancies=d, comparisons=evidence.comparisons)
    assert cmp.coverage(fake)[0].startswith("D99: names a comparative analysis, but study 'ha2010'")


def test_events_do_not_depend_on_the_term_wording(evidence):
    ae = evidence.adverse_events.copy()
    mine = ae["study_id"] == "sherman2023_pazopanib"
    ae.loc[mine, "term"] = "<b>hostile</b> & text"
    fake = SimpleNamespace(comparisons=evidence.comparisons, adverse_events=ae, studies=evidence.studies)
    assert [e.tki_events for e in cmp.event_differences(fake, "rtog0912")] == [31, 1]
    # a second term of the same grade: the patient-level "any ..." row is the one compared
    extra = ae[mine].iloc[[0]].assign(term="Dysphagia", events=12)
    both = pd.concat([ae.assign(term=ae["term"].where(~mine, "Any treatment-related adverse event")), extra])
    fake = SimpleNamespace(comparisons=evidence.comparisons, adverse_events=both, studies=evidence.studies)
    assert [e.tki_events for e in cmp.event_differences(fake, "rtog0912")] == [31, 1]


def test_tki_time_needs_the_comparators_unit(evidence):
    rows = evidence.comparisons[evidence.comparisons["comparison_id"] == "iwasaki2020_palliative"]
    # Iwasaki 2020's median OS, 4.2 months, is in studies.csv (no experimental row in comparisons.csv)
    assert cmp.tki_time(evidence, rows, "OS", "median", "months")[::3] == (4.2, 16.0)
    assert cmp.tki_time(evidence, rows, "OS", "median", "weeks") is None
    rows23 = evidence.comparisons[evidence.comparisons["comparison_id"] == "iwasaki2023_paclitaxel"]
    assert cmp.tki_time(evidence, rows23, "OS", "average", "months")[::3] == (5.8, 36.0)
    assert cmp.landmark_label(1, "years") == "1 year" and cmp.landmark_label(6, "months") == "6 months"
