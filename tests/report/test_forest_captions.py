"""Forest captions say "pooled" only when cohorts were pooled; alt text says what is drawn."""

from __future__ import annotations

import pytest

from living_review.data import load_evidence
from living_review.report import forest_captions as fc
from living_review.analyses import selection
from living_review.settings import MetaAnalysisSettings


@pytest.fixture(scope="module")
def studies():
    return load_evidence().studies


def _pool(studies, ids, outcome):
    return selection.pool_outcome(studies[studies["study_id"].isin(ids)], outcome, MetaAnalysisSettings())


def test_one_cohort_is_not_called_pooled(studies):
    one = _pool(studies, ["ha2010"], "ORR")
    caption = fc.response_caption(one, "ORR", cohorts="of Table 1")
    assert "nothing is pooled" in caption and "random-effects" not in caption
    alt = fc.response_alt(one, "ORR", subject="imatinib in ATC")
    assert alt == "Forest plot of the objective response rate of the one cohort of imatinib in ATC that reports it, " \
                  "with its interval."


def test_pooled_cohorts_and_the_prediction_interval_from_three(studies):
    two = _pool(studies, ["savvides2013", "ito2017_atc"], "DCR")
    caption = fc.response_caption(two, "DCR", cohorts="of Table 1")
    assert "of the 2 cohorts of Table 1 that report it, with the random-effects estimate" in caption
    assert "prediction interval" not in caption  # not drawn for k = 2
    assert f"pooled estimate of {100 * two.estimate:.0f}%" in fc.response_alt(two, "DCR", subject="x")
    three = _pool(studies, ["tahara2017", "wirth2021", "sparano2021"], "ORR")
    assert "its prediction interval" in fc.response_caption(three, "ORR", cohorts="here")
    with pytest.raises(ValueError, match="choose one of ORR, DCR"):
        fc.response_caption(three, "OS", cohorts="here")


def test_by_drug_caption_names_what_was_pooled_and_what_was_not(studies):
    cohorts = selection.select_cohorts(studies)
    result = selection.pool_by_drug(cohorts, "ORR", MetaAnalysisSettings())
    overall = selection.pool_outcome(cohorts, "ORR", MetaAnalysisSettings())
    # the overall estimate is the summary's own
    assert result.estimate == pytest.approx(overall.estimate, abs=1e-12) and result.k == overall.k
    caption = fc.drug_forest_caption(result, "ORR")
    alone = [d for d, sub in result.subgroups.items() if sub.k == 1]
    pooled = [d for d, sub in result.subgroups.items() if sub.k > 1]
    assert f"Drugs pooled on their own: {', '.join(pooled)}." in caption
    if alone:
        assert f"With one cohort, not pooled: {', '.join(alone)}." in caption
    assert "Lenvatinib" in fc.drug_forest_alt(result, "ORR")
