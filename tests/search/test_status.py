"""Tests of living_review.search.status: the build's recorded fingerprint and the one-screen summary."""

from __future__ import annotations

from living_review.search.status import ReviewStatus, build_fingerprint


def status(build: str, data: str = "abcdef123456" + "0" * 52) -> ReviewStatus:
    return ReviewStatus(last_searched={"PubMed": "never"}, awaiting_title_abstract=3, awaiting_full_text=1,
                        conflicts=2, pending_second_review=1, studies_to_extract=("new2026",),
                        build_fingerprint=build, data_fingerprint=data)


def test_build_fingerprint_read_from_the_footer(tmp_path):
    assert build_fingerprint(tmp_path) == ""
    (tmp_path / "html").mkdir()
    (tmp_path / "html" / "index.html").write_text("Version 1 &middot; data fingerprint <code>abcdef123456</code>")
    assert build_fingerprint(tmp_path) == "abcdef123456"


def test_states_and_summary():
    assert status("").build_state.startswith("no build found")
    assert status("abcdef123456").build_state == "up to date with the data (abcdef123456)"
    assert status("999999999999").build_state.startswith("STALE: built from data 999999999999, data now abcdef123456")
    text = status("abcdef123456").summary()
    assert "awaiting title/abstract screening: 3" in text and "conflicts to resolve: 2" in text
    assert "Included studies not yet in data/studies.csv: 1 (new2026)" in text
