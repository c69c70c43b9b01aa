"""Changelog entries read as a "What's new" and never contradict their own tables.

A synthetic history of five releases exercises every kind of change (cohorts added and
removed, data changed or not, corrections, parameters, estimates moved, withdrawn and new,
headlines carried by other analyses); each entry's sentences are checked against the lists
and tables the same entry prints.
"""

from __future__ import annotations

import re

import pytest

from living_review.report.changelog_entry import EntryContext, Study, cohorts_text, render_markdown
from living_review.core.words import count
from living_review.versions.compare import compare
from living_review.versions.published import PublishedValue, read_published
from living_review.versions.summary import ReleaseSummary

THRESHOLDS = {"ORR": 0.10}


def _est(estimate, low, high, outcome="ORR", chapter="sof"):
    return {"outcome": outcome, "estimate": estimate, "ci_low": low, "ci_high": high, "chapter": chapter}


def _release(version, estimates, studies, *, data="d1", transform="PFT", scope="update", headlines=None):
    return ReleaseSummary(version, data, {"meta_analysis": {"transform": transform}}, estimates,
                          tuple({"study_id": s, "in_previous_version": None} for s in studies),
                          scope={"name": scope, "description": ""}, headlines=headlines or {})


CONTEXT = EntryContext(
    studies={"a": Study("Alpha 2010", "doi-a", "alpha2010"), "b": Study("Beta 2012", "doi-b"),
             "c1": Study("Gamma 2017 (ATC)", "doi-c"), "c2": Study("Gamma 2017 (MTC)", "doi-c"),
             "d": Study("Delta 2020", "doi-d")},
    published={"orr_all": PublishedValue(0.09, 0.02, 0.17, (2, 2, 2), "Prev 2024, Fig. 3"),
               "os_median": PublishedValue(4.8, None, None, (1, None, None), "Prev 2024, Results")},
    previous_review="Prev 2024", thresholds=THRESHOLDS, chapters={"sof": "Summary of findings"})

HISTORY = [
    _release("0.1.0", {"prev.orr.inputs": _est(0.087, 0.025, 0.174), "prev.os": _est(4.79, 2.46, 9.31, "OS")},
             ["a", "b"], scope="reproduction",
             headlines={"orr_all": {"label": "ORR, all", "key": "prev.orr.inputs"},
                        "os_median": {"label": "Median OS", "key": "prev.os"}}),
    # same data files, wider scope: cohorts added, headlines carried by new analyses
    _release("1.0.0", {"prev.orr.inputs": _est(0.087, 0.025, 0.174), "prev.os": _est(4.79, 2.46, 9.31, "OS"),
                       "sof.orr.all": _est(0.131, 0.048, 0.240), "sof.os": _est(4.9, 3.3, 7.1, "OS")},
             ["a", "b", "c1", "c2"],
             headlines={"orr_all": {"label": "ORR, all", "key": "sof.orr.all"},
                        "os_median": {"label": "Median OS", "key": "sof.os"}}),
    # data files changed, nothing else
    _release("1.1.0", {"prev.orr.inputs": _est(0.087, 0.025, 0.174), "prev.os": _est(4.79, 2.46, 9.31, "OS"),
                       "sof.orr.all": _est(0.131, 0.048, 0.240), "sof.os": _est(4.9, 3.3, 7.1, "OS")},
             ["a", "b", "c1", "c2"], data="d2",
             headlines={"orr_all": {"label": "ORR, all", "key": "sof.orr.all"},
                        "os_median": {"label": "Median OS", "key": "sof.os"}}),
    # a cohort removed, one added, estimates moved and one withdrawn, parameters changed
    _release("2.0.0", {"prev.orr.inputs": _est(0.087, 0.025, 0.174), "sof.orr.all": _est(0.06, 0.03, 0.09),
                       "sof.os": _est(5.5, 4.0, 7.5, "OS")},
             ["a", "c1", "c2", "d"], data="d3", transform="PLOGIT",
             headlines={"orr_all": {"label": "ORR, all", "key": "sof.orr.all"},
                        "os_median": {"label": "Median OS", "key": "sof.os"}}),
]


def _entries():
    for old, new in zip(HISTORY[:-1], HISTORY[1:]):
        comparison = compare(old, new, thresholds=THRESHOLDS)
        chapters = {k: r["chapter"] for s in (old, new) for k, r in s.estimates.items()}
        yield comparison, render_markdown(comparison, context=CONTEXT, chapters_of=chapters)


def _table_rows(text: str, header: str) -> list[list[str]]:
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith(header)), None)
    if start is None:
        return []
    rows = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip("|").split("|")])
    return rows


@pytest.mark.parametrize("index", range(len(HISTORY) - 1))
def test_no_entry_contradicts_its_own_lists_and_tables(index):
    comparison, text = list(_entries())[index]
    # cohort counts in the text are those listed
    for verb, ids in (("Added", comparison.studies_added), ("Removed", comparison.studies_removed)):
        if ids:
            assert f"{verb}: {cohorts_text(CONTEXT, ids)}:" in text
            listed = re.findall(rf"{verb}: .*?:\n\n((?:- .*\n)+)", text)[0].strip().splitlines()
            assert len(listed) == len(ids)
        else:
            assert f"{verb}: none." in text
    # the evidence-data sentence agrees with the fingerprints and the lists
    data = re.search(r"\*\*Evidence data\.\*\* (.*)", text).group(1)
    if comparison.data_changed:
        assert data.startswith("The data files changed")
    else:
        assert "same data files" in data or "are the same" in data
    if comparison.studies_added or comparison.studies_removed:
        assert "no cohort was added or removed" not in data
    # "none moved" only under no table of moved estimates, and the count matches the table
    moved_rows = _table_rows(text, f"| Estimate | Version {comparison.previous_version} |")
    changed = [e for e in comparison.moved if e.status != "added"]
    assert len(moved_rows) == len(changed)
    moved = [e for e in changed if e.status == "moved"]
    assert ("none of them moved" in text) == (not moved)
    if moved:
        assert f"; {len(moved)} of them moved" in text
    withdrawn = sum(row[2] == "no longer published" for row in moved_rows)
    assert withdrawn == sum(e.status == "removed" for e in changed)
    assert ("no longer published." in text.split("**Other estimates.**")[1].split("\n")[0]) == bool(withdrawn)
    # new estimates: counted by chapter, and each one listed when there are few
    added = [e for e in comparison.moved if e.status == "added"]
    new_rows = _table_rows(text, "| New estimate | Now |")
    assert len(new_rows) == len(added)
    if added:
        counts = re.search(r"publishes (\d+) new estimates? \(([^)]*)\)", text)
        assert int(counts.group(1)) == len(added)
        assert sum(int(part.rsplit(" ", 1)[1]) for part in counts.group(2).split("; ")) == len(added)
    # parameters: "Unchanged" only when nothing changed
    assert ("**Analysis parameters.** Unchanged." in text) == (not comparison.parameters_changed)
    # the headline table has one row per headline, and its "What changed" agrees with the numbers
    header = "| Conclusion |"
    rows = _table_rows(text, header)
    assert len(rows) == len(comparison.headlines)
    for h, row in zip(comparison.headlines, rows):
        if "direction changed" in row[-1]:
            assert h.change.direction_changed or comparison.previous_scope == "reproduction"
    # nothing internal in front of readers
    assert "(s)" not in text
    assert "`" not in re.sub(r"\{cite:p\}`[^`]+`|```\{tabularcolumns\}.*\n```", "", text), "code spans are not for readers"
    assert not re.search(r"\b(?:sof|prev|drug|cao2024)\.[a-z_.]+", text), "ledger keys are not for readers"
    assert not re.search(r"\b1 (?:cohorts|studies|corrections|estimates)\b", text)


def test_reproduction_entry_gives_published_values_and_says_what_was_not_reproduced():
    comparison, text = next(_entries())
    rows = {r[0]: r for r in _table_rows(text, "| Conclusion |")}
    # Prev 2024 printed 0.09 (0.02 to 0.17); version 0.1.0's 0.087 (0.025 to 0.174) rounds to it
    assert rows["ORR, all"][1] == "0.09 (0.02 to 0.17)"
    assert rows["ORR, all"][2].endswith("reproduces it")
    # 0.087 < 0.10 < 0.131: below the threshold as published, above it now
    assert rows["ORR, all"][4].startswith("direction changed: below 0.1 before, above now")
    # the median was printed without a CI: no CI is made up for it; 4.79 rounds to 4.8
    assert rows["Median OS"][1] == "4.8 (CI not published)"
    assert rows["Median OS"][2].endswith("reproduces it")
    assert "Version 1.0.0 holds 4 cohorts from 3 studies; version 0.1.0 held 2 cohorts from 2 studies." in text
    assert "Alpha 2010" not in text.split("Added:")[1]  # only the added cohorts are listed


def test_entry_of_a_data_change_alone_says_so_without_claiming_additions():
    comparison, text = list(_entries())[1]
    assert comparison.data_changed and not comparison.studies_added
    assert "The data files changed, but no cohort was added or removed; 0 corrections are recorded" in text
    assert "none of them moved" in text and "| Estimate |" not in text


def test_moved_and_withdrawn_estimates_are_named_for_readers():
    comparison, text = list(_entries())[2]
    rows = _table_rows(text, "| Estimate | Version 1.1.0 |")
    names = [r[0] for r in rows]
    assert "ORR, all (Summary of findings)" in names
    assert any(r[2] == "no longer published" for r in rows)
    assert "**Analysis parameters.** Changed: meta_analysis.transform: 'PFT' → 'PLOGIT'." in text
    assert "Removed: 1 cohort from 1 study:\n\n- Beta 2012" in text


def test_cited_studies_carry_their_citation():
    _, text = next(_entries())
    assert "- Gamma 2017 (ATC)" in text
    _, later = list(_entries())[2]
    assert "- Delta 2020" in later


def test_plural_words():
    assert count(1, "cohort") == "1 cohort" and count(2, "study", "studies") == "2 studies"
    assert count(2, "study") == "2 studies" and count(0, "estimate") == "0 estimates"


def test_published_values_of_the_previous_review_are_read_as_printed(tmp_path):
    path = tmp_path / "previous_version_results.csv"
    path.write_text("outcome,subset,statistic,value,unit,decimals,source\n"
                    "OS,all,median,4.8,months,1,Cao\nOS,all,median_ci_lower,2.74,months,2,Cao\n"
                    "OS,all,median_ci_upper,8.84,months,2,Cao\nPFS,all,median,2.62,months,2,Cao\n")
    values = read_published(path, ("os_median", "pfs_median", "orr_all"))
    assert values["os_median"].text() == "4.8 (2.74 to 8.84)"
    assert values["pfs_median"].text() == "2.62 (CI not published)"
    assert "orr_all" not in values
    # this review's own 3-trial pooling, 4.787 (2.462 to 9.306), is not Cao's printed interval
    assert not values["os_median"].reproduced_by(4.787, 2.462, 9.306)


def test_estimate_names_carry_no_ledger_codes():
    from living_review.report.changelog_entry import estimate_label
    from living_review.versions.compare import EstimateChange, Interval

    def change(key, outcome):
        i = Interval(0.1, 0.0, 0.2)
        return EstimateChange(key, outcome, i, i, False, False, False, None, None)

    assert estimate_label(change("sens.orr.cumulative.upto_a", "ORR"), CONTEXT, "sof") == \
        "ORR, cumulative, up to Alpha 2010 (Summary of findings)"
    assert estimate_label(change("sens.orr.grid.plogit_reml", "ORR"), CONTEXT) == "ORR, grid, PLOGIT REML"
    assert estimate_label(change("safety.grade3.anaemia.all_sets", "grade >=3 Anaemia"), CONTEXT) == \
        "grade >=3 Anaemia, all sets"
