"""Tests of living_review.search.decisions: two reviewers, conflicts, resolution into the log."""

from __future__ import annotations

import pandas as pd
import pytest

from living_review.search.decisions import check_decisions, merge_into_log, resolve


def rows(*items):
    out = []
    for rid, stage, reviewer, decision, reason, role in items:
        out.append({"record_id": rid, "stage": stage, "decision": decision, "reason": reason,
                    "study_ids": "", "date": "2026-01-05", "note": "", "reviewer": reviewer, "role": role})
    return pd.DataFrame(out)


TA = "title_abstract"


def test_agreement_conflict_pending_and_resolution():
    table = rows(("r1", TA, "AB", "exclude", "case_report", "screen"),
                 ("r1", TA, "CD", "exclude", "case_report", "screen"),
                 ("r2", TA, "AB", "include", "", "screen"),
                 ("r2", TA, "CD", "exclude", "not_atc", "screen"),
                 ("r3", TA, "AB", "include", "", "screen"),
                 ("r4", TA, "AB", "exclude", "not_atc", "screen"),
                 ("r4", TA, "CD", "exclude", "case_report", "screen"))
    res = resolve(table, 2)
    assert res.resolved.record_id.tolist() == ["r1"]
    assert res.resolved.note.tolist() == ["agreed by AB and CD"]
    # Same decision, different reasons: still a conflict (the reasons are counted).
    assert res.conflicts.record_id.tolist() == ["r2", "r4"]
    assert res.conflicts.decisions.iloc[0] == "AB: include; CD: exclude (not_atc)"
    assert res.pending.values.tolist() == [["r3", TA, "AB"]]
    settled = pd.concat([table, rows(("r2", TA, "EF", "include", "", "resolve"))])
    res = resolve(settled, 2)
    assert sorted(res.resolved.record_id) == ["r1", "r2"]
    assert res.resolved.set_index("record_id").loc["r2", "note"] == "conflict of AB, CD resolved by EF"
    # One reviewer required: every decided record is resolved.
    assert len(resolve(rows(("r3", TA, "AB", "include", "", "screen")), 1).resolved) == 1


def test_a_reviewers_last_decision_counts():
    table = rows(("r1", TA, "AB", "include", "", "screen"), ("r1", TA, "CD", "exclude", "not_atc", "screen"),
                 ("r1", TA, "AB", "exclude", "not_atc", "screen"))
    assert resolve(table, 2).resolved.decision.tolist() == ["exclude"]


def test_merge_keeps_rows_without_reviewers_and_drops_unresolved():
    log = pd.DataFrame([
        {"record_id": "hand", "stage": "full_text", "decision": "exclude", "reason": "case_report",
         "study_ids": "", "date": "2026-01-01", "note": ""},
        {"record_id": "r2", "stage": TA, "decision": "include", "reason": "", "study_ids": "",
         "date": "2026-01-01", "note": "before the second reviewer"}])
    table = rows(("r1", TA, "AB", "exclude", "case_report", "screen"), ("r1", TA, "CD", "exclude", "case_report", "screen"),
                 ("r2", TA, "AB", "include", "", "screen"))
    merged = merge_into_log(log, resolve(table, 2))
    assert merged.record_id.tolist() == ["hand", "r1"]


@pytest.mark.parametrize("change, message", [
    ({"reviewer": "a"}, r"line 2 \(r1\): reviewer 'a' must be the reviewer's initials"),
    ({"role": "vote"}, r"line 2 \(r1\): role 'vote' not allowed"),
    ({"reason": "boring"}, r"line 2 \(r1\): exclusion reason 'boring' is not in the controlled list"),
    ({"decision": "maybe"}, r"line 2 \(r1\): decision 'maybe' not allowed"),
])
def test_bad_rows_name_the_line(change, message):
    table = rows(("r1", TA, "AB", "exclude", "case_report", "screen"))
    with pytest.raises(ValueError, match=message):
        check_decisions(table.assign(**change), "decisions.csv")
