"""Tests of living_review.search.status: the build's recorded fingerprint and the one-screen summary."""

from __future__ import annotations

import os
from pathlib import Path

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


def test_status_follows_the_redirect_to_the_footer(tmp_path):
    from living_review.search.status import build_fingerprint

    html = tmp_path / "html"
    (html / "book").mkdir(parents=True)
    (html / "index.html").write_text('<meta http-equiv="Refresh" content="0; url=book/index.html" />')
    (html / "book" / "index.html").write_text("<footer>data fingerprint <code>028d82c5a214</code></footer>")
    assert build_fingerprint(tmp_path) == "028d82c5a214"
    (html / "index.html").write_text('<meta http-equiv="Refresh" content="0; url=../../elsewhere.html" />')
    assert build_fingerprint(tmp_path) == ""


def test_status_reminds_of_ncbi_email_and_untracked_files(tmp_path, monkeypatch, capsys):
    import shutil
    import subprocess

    from living_review.cli import main

    root = Path(__file__).resolve().parents[2]
    project = tmp_path / "p"
    shutil.copytree(root / "data", project / "data")
    shutil.copy(root / "_toc.yml", project / "_toc.yml")
    monkeypatch.setenv("LIVING_REVIEW_ROOT", str(project))
    monkeypatch.setenv("LIVING_REVIEW_BUILD_DIR", str(project / "_build"))
    monkeypatch.delenv("NCBI_EMAIL", raising=False)
    assert main(["status"]) == 0
    assert "Reminder: NCBI_EMAIL is not set" in capsys.readouterr().out
    monkeypatch.setenv("NCBI_EMAIL", "me@example.org")
    env = {"GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@e.org", "GIT_COMMITTER_NAME": "T",
           "GIT_COMMITTER_EMAIL": "t@e.org", "GIT_CONFIG_GLOBAL": "/dev/null", "PATH": os.environ["PATH"]}
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "x"]):
        subprocess.run(["git", *args], cwd=project, check=True, env=env, capture_output=True)
    (project / "data" / "search" / "screening_decisions.csv").write_text(
        "record_id,stage,decision,reason,study_ids,date,note,reviewer,role\n")
    assert main(["status"]) == 0
    out = capsys.readouterr().out
    assert "NCBI_EMAIL" not in out
    assert "not tracked by git: data/search/screening_decisions.csv" in out and "git add" in out
