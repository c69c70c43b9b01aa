"""GRADE-style certainty rules, each at its threshold (values worked out from the rules)."""

from dataclasses import replace

import pytest

from living_review.report import certainty

NAN = float("nan")
CLEAN = certainty.EvidenceProfile(k=3, patients=400, ci_low=0.40, ci_high=0.50, scale="proportion", i2=0.10,
                            share_rob_concern=0.0, share_rob_high=0.0)


def test_single_arm_starts_low_and_clean_comparative_evidence_stays_high():
    assert certainty.rate_certainty(CLEAN).rating == "low"
    high = certainty.rate_certainty(replace(CLEAN, comparative=True))
    assert high.rating == "high" and high.downgrades == ()
    assert "publication bias not assessable (k = 3 < 10)" in high.notes


@pytest.mark.parametrize(("change", "domain", "levels"), [
    ({"share_rob_concern": 0.51}, "risk of bias", 1),
    ({"share_rob_concern": 0.9, "share_rob_high": 0.51}, "risk of bias", 2),
    ({"i2": 0.50}, "inconsistency", 1),
    ({"i2": 0.75}, "inconsistency", 2),
    ({"ci_low": 0.30, "ci_high": 0.51}, "imprecision", 1),
    ({"patients": 299}, "imprecision", 1),
    ({"patients": 50, "ci_low": 0.1, "ci_high": 0.6}, "imprecision", 2),
    ({"k": 10, "small_study_p": 0.05, "small_study_slope": 0.8}, "publication bias", 1),
])
def test_each_rule_at_its_threshold(change, domain, levels):
    rating = certainty.rate_certainty(replace(CLEAN, comparative=True, **change))
    assert rating.downgrades[0][:2] == (domain, levels)
    assert rating.rating == certainty.LEVELS[3 - levels]


def test_just_below_thresholds_nothing_is_downgraded():
    below = replace(CLEAN, comparative=True, share_rob_concern=0.5, share_rob_high=0.5, i2=0.49, patients=300,
                    ci_low=0.30, ci_high=0.50, k=10, small_study_p=0.10)
    rating = certainty.rate_certainty(below)
    assert rating.rating == "high" and "no small-study effect detected (Egger p = 0.10)" in rating.notes


def test_asymmetry_against_small_study_inflation_is_not_downgraded():
    # small cohorts with lower values than the large ones (negative Egger slope): no downgrade
    other_way = certainty.rate_certainty(replace(CLEAN, comparative=True, k=10, small_study_p=0.05,
                                                 small_study_slope=-0.8))
    assert other_way.rating == "high" and other_way.downgrades == ()
    assert any("runs the other way" in n for n in other_way.notes)
    unknown = certainty.rate_certainty(replace(CLEAN, comparative=True, k=10, small_study_p=0.05))
    assert unknown.downgrades == ()


def test_medians_use_the_ratio_rule_and_the_floor_is_very_low():
    wide = replace(CLEAN, comparative=True, scale="median", ci_low=2.0, ci_high=4.1)
    assert certainty.rate_certainty(wide).downgrades[0][:2] == ("imprecision", 1)
    assert certainty.rate_certainty(replace(wide, ci_high=4.0)).rating == "high"
    worst = certainty.rate_certainty(replace(CLEAN, k=1, i2=NAN, patients=8, ci_low=0.0, ci_high=0.6,
                                       share_rob_concern=1.0, share_rob_high=1.0))
    assert worst.rating == "very low" and "inconsistency not assessable (one study)" in worst.notes
    assert worst.reasons().startswith("start low (single-arm, non-comparative); risk of bias −2")
    with pytest.raises(ValueError, match="scale='hazard' is not allowed"):
        certainty.rate_certainty(replace(CLEAN, scale="hazard"))
    with pytest.raises(ValueError, match="at least one study"):
        certainty.rate_certainty(replace(CLEAN, k=0))


def test_each_downgrade_has_a_plain_sentence_in_order():
    rating = certainty.rate_certainty(replace(CLEAN, share_rob_concern=1.0, i2=0.83, patients=168, ci_low=0.45,
                                              ci_high=0.75, k=10, small_study_p=0.06, small_study_slope=1.2))
    assert [d[0] for d in rating.downgrades] == ["risk of bias", "inconsistency", "imprecision", "publication bias"]
    assert rating.explanations == (
        "Downgraded one level for risk of bias: cohorts at high or unclear risk of bias carry 100% of this "
        "estimate's weight (the threshold is more than 50%).",
        "Downgraded two levels for inconsistency: the cohorts' results differ more than chance alone would explain "
        "(I² = 83%, at least 75%).",
        "Downgraded two levels for imprecision: the confidence interval spans 30 percentage points (more than 20) "
        "and the estimate rests on 168 patients, fewer than 300.",
        "Downgraded one level for publication bias: smaller cohorts report larger values than larger ones "
        "(Egger's test p = 0.06, below 0.10), the direction selective publication produces.")


def test_high_risk_share_cannot_exceed_the_high_or_unclear_share():
    with pytest.raises(ValueError, match="weight shares must satisfy"):
        certainty.rate_certainty(replace(CLEAN, share_rob_concern=0.2, share_rob_high=0.6))
