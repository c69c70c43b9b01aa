"""The randomised comparison is found in the data, and the chapter's numbers come with their records."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from living_review.analyses import comparative as cmp
from living_review.analyses import randomised as rand


def test_the_one_randomised_comparison_and_its_arms(ev):
    rc = rand.randomised_comparison(ev, 0.95)
    rows = ev.comparisons[ev.comparisons["allocation"] == "randomised"]
    assert rc.comparison_id == rows["comparison_id"].iat[0]
    assert rc.study.name == rows["study_id"].iat[0]
    assert rc.hazard_ratio == cmp.hazard_ratio(ev, rc.comparison_id)
    assert (rc.tki_label, rc.comparator_label) == ("Pazopanib", "Placebo")  # NRG/RTOG 0912: pazopanib v placebo
    os_median = rows[(rows["endpoint"] == "OS") & (rows["statistic"] == "median")].set_index("arm")["value"]
    assert (rc.median_tki, rc.median_comparator) == (os_median["experimental"], os_median["comparator"])
    assert rc.grade34 is None or rc.grade34.grade_band == "3-4"


def test_data_that_no_longer_fit_the_text_stop_the_chapter(ev):
    two = ev.comparisons.copy()
    two.loc[two["allocation"] == "non_randomised", "allocation"] = "randomised"
    with pytest.raises(ValueError, match="reports one randomised comparison; comparisons.csv holds 3"):
        rand.randomised_comparison(SimpleNamespace(comparisons=two, studies=ev.studies), 0.95)
    none = ev.comparisons[ev.comparisons["allocation"] != "randomised"]
    with pytest.raises(ValueError, match="holds 0 \\(none\\)"):
        rand.randomised_comparison(SimpleNamespace(comparisons=none, studies=ev.studies), 0.95)


def test_every_difference_is_on_record(ev, own_ledger):
    rc = rand.randomised_comparison(ev, 0.95)
    keys = rand.record_randomised(rc, chapter="test", level=0.95)
    assert len(keys) == 1 + len(rc.landmarks) + len(rc.events)
    hr = own_ledger.get(f"compare.{rc.study.name}.os.hazard_ratio")
    assert (hr["estimate"], hr["ci_low"], hr["ci_high"]) == (rc.hazard_ratio.ratio, rc.hazard_ratio.ci_low,
                                                             rc.hazard_ratio.ci_high)
    first = rc.landmarks[0]
    rec = own_ledger.get(f"compare.{rc.study.name}.os_at_{first.label().replace(' ', '_')}.difference")
    assert rec["estimate"] == pytest.approx(first.primary.difference, abs=0) and rec["n"] == first.n_tki + first.n_comparator
    assert len(own_ledger.keys()) == len(keys)
