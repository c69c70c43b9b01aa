"""GRADE rules for single-arm estimates, each domain at its threshold (values worked out by hand from the rules).

The rules changed with the appraisal issue: a non-comparative estimate starts at high
(Iorio et al. BMJ 2015;350:h870), indirectness is judged per outcome, imprecision uses the
decision threshold and the optimal information size of a proportion, and results left out
of a median can downgrade. The earlier tests (start low; a 20-point width, 300 patients and
a ratio of 2 for imprecision) tested rules that no longer exist and were replaced.
"""

from dataclasses import replace

import pytest

from living_review.appraisal import certainty

NAN = float("nan")
# a proportion of 0.45 (0.40-0.50), 400 patients: the OIS at 0.45 is ceil(1.96^2 * 0.45 * 0.55 / 0.01) = 96
CLEAN = certainty.EvidenceProfile(k=3, patients=400, ci_low=0.40, ci_high=0.50, scale="proportion", i2=0.10,
                                  share_rob_concern=0.0, share_rob_high=0.0, outcome="orr", estimate=0.45)


def test_a_clean_single_arm_estimate_starts_and_stays_high():
    r = certainty.rate_certainty(CLEAN)
    assert r.rating == "high" and r.start == "high" and r.downgrades == ()
    assert "Iorio et al. 2015" in r.reasons() and "certainty in the estimate" in r.reasons()
    assert "small-study test not run (k = 3 < 10)" in r.notes
    with pytest.raises(ValueError, match="comparative_certainty"):
        certainty.rate_certainty(replace(CLEAN, comparative=True))


@pytest.mark.parametrize(("change", "domain", "levels"), [
    ({"share_rob_concern": 0.51}, "risk of bias", 1),
    ({"share_rob_concern": 0.9, "share_rob_high": 0.51}, "risk of bias", 2),
    ({"i2": 0.50}, "inconsistency", 1),
    ({"i2": 0.75}, "inconsistency", 2),
    ({"indirectness": 1, "indirectness_reason": "Other population."}, "indirectness", 1),
    ({"indirectness": 2, "indirectness_reason": "Other population."}, "indirectness", 2),
    # ORR threshold 10%: an interval 0.05-0.20 crosses it
    ({"ci_low": 0.05, "ci_high": 0.20, "estimate": 0.12}, "imprecision", 1),
    # OIS at 0.45 is 96 patients: 95 is short of it
    ({"patients": 95}, "imprecision", 1),
    ({"patients": 40, "ci_low": 0.05, "ci_high": 0.20, "estimate": 0.12}, "imprecision", 2),
    ({"k": 10, "small_study_p": 0.05, "small_study_slope": 0.8}, "publication bias", 1),
    # a median: 151 of 300 patients (50.3%) left out
    ({"scale": "median", "outcome": "os_median", "ci_low": 7.0, "ci_high": 9.0, "estimate": 8.0, "patients": 149,
      "missing_patients": 151}, "publication bias", 1),
])
def test_each_rule_at_its_threshold(change, domain, levels):
    rating = certainty.rate_certainty(replace(CLEAN, **change))
    assert rating.downgrades[0][:2] == (domain, levels)
    assert rating.rating == certainty.LEVELS[3 - levels]


def test_just_below_thresholds_nothing_is_downgraded():
    below = replace(CLEAN, share_rob_concern=0.5, share_rob_high=0.5, i2=0.49, patients=96, ci_low=0.10,
                    ci_high=0.50, k=10, small_study_p=0.10)
    rating = certainty.rate_certainty(below)
    assert rating.rating == "high" and "no small-study effect detected (Egger p = 0.10)" in rating.notes
    assert "CI 10.0% to 50.0% does not cross the decision threshold 10%" in rating.notes
    half = replace(CLEAN, scale="median", outcome="os_median", ci_low=7.0, ci_high=9.0, estimate=8.0, patients=150,
                   missing_patients=150, missing_alternative="the median of medians is 7.5 months")
    r = certainty.rate_certainty(half)
    assert r.rating == "high" and r.remarks == (
        "Not downgraded for missing results: 150 of the 300 patients (50%) in cohorts that report a median are not "
        "in the estimate, because their cohorts give no interval; the median of medians is 7.5 months (the threshold "
        "is more than 50%).",)


def test_optimal_information_size_of_a_proportion():
    # n = 1.959964^2 p (1 - p) / 0.1^2: p = 0.5 -> 96.04 -> 97; p = 0.144 -> 47.35 -> 48; p = 0.605 -> 91.8 -> 92
    assert certainty.optimal_information_size(0.5) == 97
    assert certainty.optimal_information_size(0.144) == 48
    assert certainty.optimal_information_size(0.605) == 92
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        certainty.optimal_information_size(0.0)


def test_medians_use_their_threshold_and_no_information_size():
    # OS threshold 6 months: 3.3-7.1 crosses it, 6.5-9 does not
    os = replace(CLEAN, scale="median", outcome="os_median", ci_low=3.3, ci_high=7.1, estimate=4.9, patients=20)
    r = certainty.rate_certainty(os)
    assert r.downgrades == (("imprecision", 1, "CI 3.3 months to 7.1 months crosses the decision threshold "
                             "6.0 months"),)
    assert "optimal information size not applied (medians: no event counts)" in r.notes
    assert certainty.rate_certainty(replace(os, ci_low=6.5, ci_high=9.0)).rating == "high"
    pfs = replace(os, outcome="pfs_median", ci_low=2.2, ci_high=4.3)
    assert certainty.rate_certainty(pfs).downgrades[0][0] == "imprecision"


def test_asymmetry_against_small_study_inflation_is_stated_in_a_footnote():
    other_way = certainty.rate_certainty(replace(CLEAN, k=10, small_study_p=0.08, small_study_slope=-0.8))
    assert other_way.rating == "high" and other_way.downgrades == ()
    assert any("runs the other way" in n for n in other_way.notes)
    assert other_way.remarks == ("Not downgraded for publication bias: the funnel is asymmetric (Egger's test p = "
                                 "0.08, below 0.10) but in reverse, smaller cohorts showing smaller values, which "
                                 "selective publication would not produce.",)
    unknown = certainty.rate_certainty(replace(CLEAN, k=10, small_study_p=0.05))
    assert unknown.downgrades == ()


def test_the_floor_is_very_low_and_bad_input_is_refused():
    worst = certainty.rate_certainty(replace(CLEAN, k=1, i2=NAN, patients=8, ci_low=0.0, ci_high=0.6, estimate=0.2,
                                             share_rob_concern=1.0, share_rob_high=1.0, indirectness=2,
                                             indirectness_reason="x"))
    assert worst.rating == "very low" and "inconsistency not assessable (one study)" in worst.notes
    assert worst.reasons().startswith("start high (single-arm, non-comparative: certainty in the estimate, Iorio "
                                      "et al. 2015); risk of bias −2")
    with pytest.raises(ValueError, match="scale='hazard' is not allowed"):
        certainty.rate_certainty(replace(CLEAN, scale="hazard"))
    with pytest.raises(ValueError, match="at least one study"):
        certainty.rate_certainty(replace(CLEAN, k=0))
    with pytest.raises(ValueError, match="outcome='pfs' has no decision threshold"):
        certainty.rate_certainty(replace(CLEAN, outcome="pfs"))
    with pytest.raises(ValueError, match="indirectness=3"):
        certainty.rate_certainty(replace(CLEAN, indirectness=3))


def test_each_downgrade_has_a_plain_sentence_in_order():
    rating = certainty.rate_certainty(replace(CLEAN, share_rob_concern=1.0, i2=0.83, patients=40, ci_low=0.45,
                                              ci_high=0.75, estimate=0.6, outcome="dcr", k=10, small_study_p=0.06,
                                              small_study_slope=1.2, indirectness=1,
                                              indirectness_reason="No cohort reports BRAF status."))
    assert [d[0] for d in rating.downgrades] == ["risk of bias", "inconsistency", "indirectness", "imprecision",
                                                 "publication bias"]
    assert rating.explanations == (
        "Downgraded one level for risk of bias: cohorts at high or unclear risk of bias (JBI) carry 100% of this "
        "estimate's weight (the threshold is more than 50%).",
        "Downgraded two levels for inconsistency: the cohorts' results differ more than chance alone would explain "
        "(I² = 83%, at least 75%, considerable heterogeneity).",
        "Downgraded one level for indirectness: No cohort reports BRAF status.",
        # DCR threshold 50% inside 45-75%; OIS at 0.6 is ceil(3.8415 * 0.24 / 0.01) = 93 > 40
        "Downgraded two levels for imprecision: the confidence interval (45.0% to 75.0%) crosses the decision "
        "threshold of 50% and the 40 patients are fewer than the optimal information size of 93 (a 95% CI of ±10 "
        "points around 60%).",
        "Downgraded one level for publication bias: smaller cohorts report larger values than larger ones "
        "(Egger's test p = 0.06, below 0.10), the direction selective publication produces.")
    assert rating.rating == "very low"


def test_high_risk_share_cannot_exceed_the_high_or_unclear_share():
    with pytest.raises(ValueError, match="weight shares must satisfy"):
        certainty.rate_certainty(replace(CLEAN, share_rob_concern=0.2, share_rob_high=0.6))
