"""Other-histology cohorts are found by histology, each beside the ATC cohort of its publication."""

from __future__ import annotations

import pytest

from living_review.analyses import other_histologies as oh
from living_review.analyses.selection import cohort_responses


def test_one_cohort_per_histology_with_its_publications_atc_cohort(ev):
    found = oh.other_histologies(ev.studies, 0.95)
    assert set(found.by_histology) == set(found.cohorts["histology"])
    mtc = found.one_with_atc_arm()
    assert found.only("MTC") == mtc
    assert mtc.atc_sibling is not None and mtc.atc_sibling["doi"] == mtc.cohort["doi"]
    assert mtc.atc_sibling["pooling_role"] == "atc_monotherapy"
    assert found.by_histology["DTC"].atc_sibling is None  # its publication reports no ATC cohort
    direct = {c.outcome: c for c in cohort_responses(found.cohorts[found.cohorts["histology"] == "MTC"], 0.95)}
    assert mtc.responses == direct
    assert found.in_atc_pool == ()


def test_two_cohorts_of_one_histology_stop_the_chapter_only_where_it_describes_one(ev):
    studies = ev.studies.copy()
    studies.loc[studies["histology"] == "DTC", "histology"] = "MTC"
    found = oh.other_histologies(studies, 0.95)
    with pytest.raises(ValueError, match="describes one MTC cohort; the data give 2"):
        found.only("MTC")
    assert found.one_with_atc_arm().cohort["study_id"] == "ito2017_mtc"  # still the one beside an ATC arm
    studies.loc[studies["study_id"] == "pitoia2014", "doi"] = studies.loc[studies["study_id"] == "ito2017_mtc",
                                                                          "doi"].iat[0]
    with pytest.raises(ValueError, match="one study with an ATC arm beside another histology; the data give 2"):
        oh.other_histologies(studies, 0.95).one_with_atc_arm()
