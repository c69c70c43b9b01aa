"""What changed between two releases: studies, corrections, moved estimates and flags.

Every expected flag below follows from the numbers by the rules in the module notes,
worked out in the comments.
"""

from __future__ import annotations

import math

import pytest

from living_review.versions.compare import compare, compare_estimate, compare_summaries
from living_review.versions.summary import ReleaseSummary, write_summary


def _est(estimate, low, high, outcome="ORR"):
    return {"outcome": outcome, "estimate": estimate, "ci_low": low, "ci_high": high}


def _summary(version, estimates, studies, fingerprint="a"):
    return ReleaseSummary(version, fingerprint, {"meta_analysis": {"transform": "PFT"}}, estimates,
                          tuple({"study_id": s, "in_previous_version": None} for s in studies))


def test_unchanged_estimate_is_not_moved_or_flagged():
    change = compare_estimate("k", _est(0.3, 0.2, 0.4), _est(0.3, 0.2, 0.4))
    assert change.status == "unchanged" and not change.flagged


def test_small_move_within_half_the_old_ci_is_moved_but_not_flagged():
    # |0.33 - 0.30| = 0.03 <= (0.40 - 0.20) / 2 = 0.10, and 0.30 lies in [0.22, 0.45]
    change = compare_estimate("k", _est(0.3, 0.2, 0.4), _est(0.33, 0.22, 0.45))
    assert change.status == "moved"
    assert (change.excludes_previous, change.large_shift) == (False, False)


def test_new_ci_excluding_the_old_estimate_is_flagged():
    # 0.30 < new lower bound 0.31; shift 0.12 > half old width 0.10
    change = compare_estimate("k", _est(0.3, 0.2, 0.4), _est(0.42, 0.31, 0.53))
    assert change.excludes_previous and change.large_shift
    assert "CI now excludes the previous estimate" in change.flags()


def test_large_shift_alone_is_flagged():
    # shift 0.11 > 0.10 but the wide new CI [0.05, 0.7] still holds 0.30
    change = compare_estimate("k", _est(0.3, 0.2, 0.4), _est(0.41, 0.05, 0.7))
    assert (change.excludes_previous, change.large_shift) == (False, True)


def test_threshold_flags_direction_and_significance():
    # threshold 0.10: old estimate 0.08 below it, CI [0.02, 0.2] holds it (not significant);
    # new estimate 0.25 above it, CI [0.15, 0.35] excludes it (significant)
    change = compare_estimate("k", _est(0.08, 0.02, 0.2), _est(0.25, 0.15, 0.35), threshold=0.10)
    assert change.direction_changed and change.significance_changed
    same_side = compare_estimate("k", _est(0.2, 0.15, 0.25), _est(0.22, 0.16, 0.28), threshold=0.10)
    assert (same_side.direction_changed, same_side.significance_changed) == (False, False)
    assert compare_estimate("k", _est(0.2, 0.1, 0.3), _est(0.2, 0.1, 0.3)).direction_changed is None


def test_studies_estimates_and_parameters_across_releases():
    old = _summary("0.1.0", {"orr.all": _est(0.3, 0.2, 0.4), "dcr.old": _est(0.6, 0.5, 0.7, "DCR")}, ["a", "b"])
    new = _summary("1.0.0", {"orr.all": _est(0.42, 0.31, 0.53), "orr.new": _est(0.1, 0.0, 0.2)}, ["b", "c"], "b")
    new = ReleaseSummary(new.version, new.data_fingerprint, {"meta_analysis": {"transform": "PLOGIT"}},
                         new.estimates, new.studies)
    result = compare(old, new, thresholds={"ORR": 0.10})
    assert (result.studies_added, result.studies_removed) == (("c",), ("a",))
    assert result.data_changed
    assert result.parameters_changed == ("meta_analysis.transform: 'PFT' -> 'PLOGIT'",)
    assert {e.key: e.status for e in result.estimates} == {"dcr.old": "removed", "orr.all": "moved", "orr.new": "added"}
    frame = result.to_frame()
    assert list(frame["key"]) == ["dcr.old", "orr.all", "orr.new"]
    row = frame.set_index("key").loc["orr.all"]
    assert (row["previous_estimate"], row["current_estimate"]) == (0.3, 0.42)
    assert math.isnan(frame.set_index("key").loc["orr.new", "previous_estimate"])
    assert "cohorts added 1, removed 1" in result.summary()


def test_corrections_from_discrepancies_for_current_studies(tmp_path):
    path = tmp_path / "discrepancies.csv"
    path.write_text("study_id,field,cao_value,chosen_value,reason\n"
                    "b,dcr_events,16,12,final results abstract\n"
                    "gone,n,11,8,not in this release\n")
    old, new = _summary("0.1.0", {}, ["b", "gone"]), _summary("1.0.0", {}, ["b"])
    (correction,) = compare(old, new, discrepancies=path).corrections
    assert correction.study_id == "b"
    assert dict(correction.details) == {"field": "dcr_events", "cao_value": "16", "chosen_value": "12",
                                        "reason": "final results abstract"}
    assert correction.summary() == "b: field: dcr_events; cao_value: 16; chosen_value: 12; reason: final results abstract"


def test_discrepancy_records_with_value_used_read_compactly(tmp_path):
    path = tmp_path / "discrepancies.csv"
    path.write_text("discrepancy_id,study_id,field,value_a,value_used,reason,status\n"
                    "D01,b,dcr_events,16/17,12/17,primary report outranks,unresolved\n")
    (correction,) = compare(_summary("0", {}, ["b"]), _summary("1", {}, ["b"]), discrepancies=path).corrections
    assert correction.summary() == ("b (D01), dcr_events: value used 12/17; reason: primary report outranks; "
                                    "status: unresolved")


def test_version_column_keeps_only_this_release(tmp_path):
    path = tmp_path / "discrepancies.csv"
    path.write_text("study,version,note\nb,0.1.0,old\nb,1.0.0,new\n")
    corrections = compare(_summary("0.1.0", {}, ["b"]), _summary("1.0.0", {}, ["b"]), discrepancies=path).corrections
    assert [dict(c.details)["note"] for c in corrections] == ["new"]


def test_discrepancies_without_study_column_are_a_clear_error(tmp_path):
    path = tmp_path / "discrepancies.csv"
    path.write_text("paper,note\nb,x\n")
    with pytest.raises(ValueError, match="no study column.*found paper, note"):
        compare(_summary("0", {}, ["b"]), _summary("1", {}, ["b"]), discrepancies=path)


def test_compare_summaries_reads_files(project):
    first = write_summary(project, "0.1.0")
    second = write_summary(project, "1.0.0")
    result = compare_summaries(first, second)
    assert result.moved == () and not result.data_changed


def _with_headlines(summary, headlines):
    return ReleaseSummary(summary.version, summary.data_fingerprint, summary.parameters, summary.estimates,
                          summary.studies, headlines=headlines)


def test_headlines_follow_a_conclusion_across_ledger_keys():
    old = _with_headlines(_summary("0.1.0", {"cao.orr": _est(0.087, 0.025, 0.174)}, ["a"]),
                          {"orr": {"label": "ORR, pooled", "key": "cao.orr"}})
    new = _with_headlines(_summary("1.0.0", {"cao.orr": _est(0.087, 0.025, 0.174),
                                             "sof.orr": _est(0.131, 0.048, 0.240),
                                             "sof.pfs": _est(3.0, 2.2, 4.3, "Median PFS")}, ["a", "b"]),
                          {"orr": {"label": "ORR, pooled", "key": "sof.orr"},
                           "pfs": {"label": "PFS", "key": "sof.pfs"}})
    result = compare(old, new, thresholds={"ORR": 0.10})
    orr, pfs = result.headlines
    assert (orr.name, orr.previous_key, orr.current_key) == ("orr", "cao.orr", "sof.orr")
    # 0.087 < 0.10 < 0.131: the estimate crossed the threshold; both CIs contain 0.10
    assert orr.change.direction_changed is True and orr.change.significance_changed is False
    # 0.087 lies in [0.048, 0.240]; |0.131 - 0.087| = 0.044 <= (0.174 - 0.025) / 2 = 0.0745
    assert (orr.change.excludes_previous, orr.change.large_shift) == (False, False)
    assert pfs.change.status == "added" and pfs.previous_key is None


def test_development_build_lists_the_corrections_of_the_release_it_leads_to(tmp_path):
    path = tmp_path / "discrepancies.csv"
    path.write_text("study_id,since_version,note\nb,1.0.0,old\nb,1.1.0,new\n")
    corrections = compare(_summary("1.0.0", {}, ["b"]), _summary("1.1.0.dev0", {}, ["b"]),
                          discrepancies=path).corrections
    assert [dict(c.details)["note"] for c in corrections] == ["new"]


def test_headlines_are_ordered_by_name_whatever_the_file_order():
    from living_review.versions.compare import compare_headlines

    estimates = {"k": _est(0.2, 0.1, 0.3)}
    old = _with_headlines(_summary("1", estimates, ["a"]), {"z": {"label": "Z", "key": "k"}, "gone": {"label": "G", "key": "k"}})
    new = _with_headlines(_summary("2", estimates, ["a"]), {"z": {"label": "Z", "key": "k"}, "a": {"label": "A", "key": "k"}})
    assert [h.name for h in compare_headlines(old, new)] == ["a", "z", "gone"]
