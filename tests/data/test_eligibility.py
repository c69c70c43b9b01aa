"""Tests for living_review.data.eligibility: the rules, written once, agree with every decision."""

from __future__ import annotations

from living_review.data.eligibility import check_decisions, failed_rules, read_rules, rules_table


def test_every_screening_decision_follows_the_rules():
    problems = check_decisions()
    assert problems == [], "\n".join(map(str, problems))


def test_included_cohort_breaking_a_rule_fails(data_copy):
    data_copy.set("search/eligibility_assessments.csv", "rec-koyama2018", "patients", "4", key="record_id")
    problems = check_decisions(data_copy.dir)
    assert any("rec-koyama2018" in str(p) and "R2" in str(p) and p.column == "decision" for p in problems)


def test_excluded_record_meeting_every_rule_fails(data_copy):
    data_copy.set("search/eligibility_assessments.csv", "rec-thysu2017", "patients", "9", key="record_id")
    problems = check_decisions(data_copy.dir)
    assert any("rec-thysu2017" in str(p) and "meets every eligibility rule" in str(p) for p in problems)


def test_exclusion_reason_must_be_that_of_a_failed_rule(data_copy):
    data_copy.set("search/screening_log.csv", "rec-thysu2017", "reason", "no_eligible_outcome", key="record_id")
    problems = check_decisions(data_copy.dir)
    assert [p.column for p in problems if "rec-thysu2017" in str(p)] == ["reason"]


def test_claimed_outcomes_agree_with_studies(data_copy):
    data_copy.set("search/eligibility_assessments.csv", "rec-iwasaki2023", "outcomes", "ORR;DCR;OS", key="record_id")
    problems = check_decisions(data_copy.dir)
    assert any("rec-iwasaki2023" in str(p) and "DCR" in str(p) for p in problems)


def test_citation_only_and_single_outcome_records_are_eligible():
    # the two records excluded in 1.0.0 against the rules (D30) are included by the same rules
    rules, problems = read_rules(_data())
    assert problems == []
    assert failed_rules(rules, {"population": "ATC", "patients": "16", "antiangiogenic_tki": "true",
                                "outcomes": "ORR;PFS;OS", "bibliographic_record": "citation",
                                "report_type": "primary"}) == []
    assert failed_rules(rules, {"population": "ATC", "patients": "15", "antiangiogenic_tki": "true",
                                "outcomes": "PFS", "bibliographic_record": "doi", "report_type": "primary"}) == []
    assert [r.rule_id for r in failed_rules(rules, {"population": "ATC", "patients": "9", "antiangiogenic_tki": "true",
                                                    "outcomes": "ORR", "bibliographic_record": "none",
                                                    "report_type": "primary"})] == ["R5"]


def test_unknown_test_is_reported(data_copy):
    path = data_copy.path("search/eligibility_rules.csv")
    path.write_text(path.read_text().replace(",min,", ",at_least,"))
    _, problems = read_rules(data_copy.dir)
    assert problems and problems[0].column == "test" and "choose one of" in problems[0].message


def test_rules_table_lists_every_rule():
    assert list(rules_table()["Rule"]) == ["R1", "R2", "R3", "R4", "R5", "R6"]


def _data():
    from living_review.core.paths import data_dir

    return data_dir()
