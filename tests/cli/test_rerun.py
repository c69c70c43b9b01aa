"""``living-review rerun`` refuses a page that is built from every chapter, with one message."""

from __future__ import annotations

from living_review.cli import main


def test_a_page_of_the_book_is_refused_before_anything_runs(capsys, tmp_path):
    status = main(["rerun", "book/changelog.md", "-s", "meta_analysis.model", "glmm", "--runs-dir", str(tmp_path)])
    err = capsys.readouterr().err
    assert status == 2 and err.startswith("book/changelog.md: not a chapter: this page is built from the records")
    assert not any(tmp_path.iterdir())  # nothing ran
