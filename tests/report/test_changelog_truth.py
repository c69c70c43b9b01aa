"""The changelog entries of the project's own releases say what is true of each version.

Read from the committed releases and the git history of this checkout: every entry's search
line lists only searches dated on or before that version's release; 1.1.0 reports its change in
how single studies are reported as a change in analysis; 1.2.0 names the comparative chapter,
RoB 2, ROBINS-I and the comparative certainty ratings; "direction changed" names its thresholds
and where they are set."""

from __future__ import annotations

import re
import shutil

import pytest

from living_review.core.paths import project_root
from living_review.versions.dates import release_date
from living_review.report.changelog_report import release_overview, search_sentences

ROOT = project_root()
def _shallow() -> bool:
    import subprocess

    result = subprocess.run(["git", "rev-parse", "--is-shallow-repository"], cwd=ROOT, capture_output=True, text=True)
    return result.stdout.strip() == "true"


pytestmark = pytest.mark.skipif(shutil.which("git") is None or not (ROOT / ".git").exists() or _shallow(),
                                reason="release dates are read from the full git history")


@pytest.fixture(scope="module")
def entries():
    return {e.version: e.markdown for e in release_overview(ROOT).entries}


def _search_line(markdown: str) -> str:
    return next(line for line in markdown.splitlines() if line.startswith("**Search.**"))


def test_every_entry_lists_only_searches_made_by_its_release_date(entries):
    assert entries, "the project has committed releases to compare"
    for version, markdown in entries.items():
        released = release_date(version, ROOT)
        assert released, f"{version}: no release date in git"
        line = _search_line(markdown)
        assert line.startswith(f"**Search.** Released {released};")
        searched = re.findall(r"\((\d{4}-\d{2}-\d{2})\)", line)
        assert searched, f"{version}: the search line names no dated search"
        late = [d for d in searched if d > released]
        assert not late, f"{version} (released {released}) lists searches of {late}"


def test_the_1_0_0_entry_leaves_out_the_hand_search_made_after_it():
    # 1.0.0 was released on 2026-11-22; the second hand search is of 2026-12-01
    assert release_date("1.0.0", ROOT) == "2026-11-22"
    everything = search_sentences(ROOT)["update"]
    assert "hand search (2026-12-01)" in everything
    assert "2026-12-01" not in search_sentences(ROOT, until="2026-11-22")["update"]


def test_single_study_intervals_of_1_1_0_are_reported_as_an_analysis_change(entries):
    text = entries["1.1.0"]
    assert "**Analysis parameters.** Unchanged." not in text
    assert "24 estimates that rest on one study are now reported with that study's exact (Clopper-Pearson) interval" in text
    row = next(line for line in text.splitlines() if line.startswith("| ORR, imatinib"))
    # imatinib ORR 0.008 to 0.615 in 1.0.0, its exact interval 0.032 to 0.651 in 1.1.0
    assert "0.008 to 0.615" in row and "0.032 to 0.651" in row and "analysis changed: exact interval of one study" in row
    assert "PA-2 (2026-12-01, analysis)" in text and "PA-1 (2026-12-01, eligibility)" in text


def test_the_1_2_0_entry_names_what_it_added(entries):
    text = entries["1.2.0"]
    for words in ("Comparative evidence", "RoB 2", "ROBINS-I", "GRADE ratings of the certainty of each comparison"):
        assert words in text, words


def test_direction_changed_names_its_threshold_and_where_it_is_set(entries):
    for text in entries.values():
        assert "set in the review's configuration (review.yml, section releases, thresholds): DCR 0.50, ORR 0.10" in text
        for line in text.splitlines():
            if "direction changed" in line:
                assert re.search(r"direction changed(: (below|above|at) 0\.\d+| against (ORR|DCR) 0\.\d+)", line), line
