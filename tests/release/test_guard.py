"""The release guard refuses dirty trees, version mismatches, invalid data and failing tests."""

from __future__ import annotations

import shutil
import stat
import subprocess

import pytest

import living_review.release.guard as guard
from living_review._version import __version__

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")


def _git(root, *args):
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
                   cwd=root, check=True, capture_output=True)


@pytest.fixture
def repo(project):
    (project / ".gitignore").write_text("_build/\nreleases/\n")
    _git(project, "init", "-q")
    _git(project, "add", ".")
    _git(project, "commit", "-q", "-m", "init")
    return project


def _fake_validator(tmp_path, monkeypatch, exit_code, message):
    script = tmp_path / "fake-living-review"
    script.write_text(f"#!/bin/sh\necho '{message}'\nexit {exit_code}\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setattr(guard, "_console_script", lambda: str(script))


def test_clean_tree_passes_and_a_change_is_named(repo):
    assert guard.check_clean_tree(repo).ok
    (repo / "data" / "studies.csv").write_text("study_id\nx\n")
    (repo / "new.txt").write_text("x")
    check = guard.check_clean_tree(repo)
    assert not check.ok
    assert "data/studies.csv" in check.detail and "new.txt" in check.detail and "Commit them" in check.detail


def test_ignored_build_output_does_not_count(repo):
    (repo / "_build" / "html" / "extra.html").write_text("x")
    assert guard.check_clean_tree(repo).ok


def test_not_a_repository_is_refused(project):
    check = guard.check_clean_tree(project)
    assert not check.ok and "git status" in check.detail


def test_version_must_match_citation_and_request(repo):
    assert guard.check_version(repo, None).ok
    assert not guard.check_version(repo, "99.0").ok
    (repo / "CITATION.cff").write_text('cff-version: 1.2.0\nversion: "0.0.1"\n')
    check = guard.check_version(repo, None)
    assert not check.ok and "CITATION.cff says '0.0.1'" in check.detail


def test_invalid_data_is_refused_with_the_validator_message(repo, tmp_path, monkeypatch):
    _fake_validator(tmp_path, monkeypatch, 1, "studies.csv row 3: events > n")
    check = guard.check_data(repo)
    assert not check.ok and "events > n" in check.detail
    _fake_validator(tmp_path, monkeypatch, 0, "ok")
    assert guard.check_data(repo).ok


def test_failing_tests_are_refused_and_passing_ones_allowed(tmp_path):
    (tmp_path / "test_one.py").write_text("def test_fails():\n    assert 1 == 2\n")
    check = guard.check_tests(tmp_path)
    assert not check.ok and "1 failed" in check.detail
    (tmp_path / "test_one.py").write_text("def test_passes():\n    assert 1 == 1\n")
    assert guard.check_tests(tmp_path).ok
    skipped = guard.check_tests(tmp_path, run_tests=False)
    assert skipped.ok and "NOT RUN" in skipped.detail


def test_report_lists_every_reason(repo, tmp_path, monkeypatch):
    _fake_validator(tmp_path, monkeypatch, 1, "bad data")
    (repo / "dirty.txt").write_text("x")
    report = guard.check_release(repo, version="99.0", run_tests=False)
    assert not report.ok
    assert [c.name for c in report.checks if not c.ok] == ["committed", "version", "data"]
    with pytest.raises(guard.ReleaseRefused, match="dirty.txt"):
        report.raise_if_refused()


def test_release_command_refuses_then_writes(repo, tmp_path, monkeypatch, capsys):
    from living_review.cli import main

    monkeypatch.setenv("LIVING_REVIEW_ROOT", str(repo))
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    _fake_validator(tmp_path, monkeypatch, 0, "ok")
    (repo / "dirty.txt").write_text("x")
    assert main(["release", "--skip-tests"]) == 1
    assert "uncommitted" in capsys.readouterr().out
    assert not (repo / "releases").exists()
    (repo / "dirty.txt").unlink()
    assert main(["release", "--skip-tests"]) == 0
    out = capsys.readouterr().out
    folder = repo / "releases" / __version__
    assert f"wrote releases/{__version__}/summary.json" in out
    # with the archive come its manifest and the numerical environment the release was computed in
    assert sorted(p.name for p in folder.iterdir()) == ["MANIFEST.tsv", "SHA256SUMS", "environment.json",
                                                        f"living-review-{__version__}.tar.gz", "summary.json"]
    assert "environment.json" not in (folder / "SHA256SUMS").read_text()  # a record of the machine, not checksummed


def test_release_command_check_only_and_no_silent_overwrite(repo, tmp_path, monkeypatch, capsys):
    from living_review.provenance import ledger
    from living_review.cli import main

    monkeypatch.setenv("LIVING_REVIEW_ROOT", str(repo))
    _fake_validator(tmp_path, monkeypatch, 0, "ok")
    assert main(["release", "--skip-tests", "--check"]) == 0
    assert not (repo / "releases").exists()
    assert main(["release", "--skip-tests"]) == 0
    assert main(["release", "--skip-tests"]) == 0  # same content: re-running is harmless
    ledger.record("orr.other", outcome="ORR", estimate=0.5, ci_low=0.4, ci_high=0.6, k=1, n=9,
                  params={}, inputs=[], root=repo)
    capsys.readouterr()
    assert main(["release", "--skip-tests"]) == 1
    assert "already exists with other content" in capsys.readouterr().err


def test_release_command_summary_only_and_unknown_scope(repo, tmp_path, monkeypatch, capsys):
    from living_review.cli import main

    monkeypatch.setenv("LIVING_REVIEW_ROOT", str(repo))
    _fake_validator(tmp_path, monkeypatch, 0, "ok")
    assert main(["release", "--skip-tests", "--scope", "v0"]) == 1
    assert "refused: review.yml: releases: there is no scope 'v0'; choose one of all" in capsys.readouterr().err
    assert main(["release", "--skip-tests", "--summary-only"]) == 0
    assert sorted(p.name for p in (repo / "releases" / __version__).iterdir()) == ["SHA256SUMS", "environment.json",
                                                                                 "summary.json"]
    sums = (repo / "releases" / __version__ / "SHA256SUMS").read_text()
    assert sums.endswith("  summary.json\n") and sums.count("\n") == 1


def _head(root) -> str:
    return subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True,
                          check=True).stdout.strip()


def test_release_tags_its_commit_and_records_it_in_the_summary(repo, tmp_path, monkeypatch, capsys):
    import json

    from living_review.cli import main

    monkeypatch.setenv("LIVING_REVIEW_ROOT", str(repo))
    _fake_validator(tmp_path, monkeypatch, 0, "ok")
    assert main(["release", "--skip-tests", "--summary-only", "--tag"]) == 0
    head = _head(repo)
    assert f"tagged v{__version__} -> {head[:12]}" in capsys.readouterr().out
    assert guard.tagged_commit(repo, __version__) == head
    summary = json.loads((repo / "releases" / __version__ / "summary.json").read_text())
    assert summary["commit"] == head
    assert guard.check_tag(repo, __version__).ok  # the tag names this commit: re-running is harmless


def test_a_tag_on_another_commit_refuses_the_release(repo, tmp_path, monkeypatch, capsys):
    from living_review.cli import main

    monkeypatch.setenv("LIVING_REVIEW_ROOT", str(repo))
    _fake_validator(tmp_path, monkeypatch, 0, "ok")
    _git(repo, "tag", f"v{__version__}")
    (repo / "review.yml").write_text((repo / "review.yml").read_text() + "\n# later\n")
    _git(repo, "commit", "-q", "-am", "later")
    check = guard.check_tag(repo, __version__)
    assert not check.ok and "already names commit" in check.detail
    assert main(["release", "--skip-tests", "--summary-only"]) == 1
    assert "[REFUSED] tag" in capsys.readouterr().out
    assert not (repo / "releases").exists()
