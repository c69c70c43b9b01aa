"""The release's commit as a fresh clone finds it: without the tag, with a moved tag, shallow, or not a clone."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from living_review.provenance.ledger_values import dumps
from living_review.release import commit as c
from living_review.release.archive import write_checksums

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")

SUMMARY = {"version": "2.0.0", "data_fingerprint": "d" * 64, "parameters": {},
           "estimates": {"orr.all": {"estimate": 0.3, "inputs_fingerprint": "a" * 64, "k": 2}}, "studies": []}


def _git(root, *args) -> str:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
                          cwd=root, check=True, capture_output=True, text=True).stdout.strip()


def _write_release(root, summary) -> None:
    folder = root / "releases" / "2.0.0"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "summary.json").write_text(dumps(summary))
    write_checksums(folder)


def _commit(root, message: str) -> str:
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", message)
    return _git(root, "rev-parse", "HEAD")


@pytest.fixture
def released(tmp_path):
    """A repository as ``make release`` leaves it: the source commit tagged, then "Release" adding its summary."""
    root = tmp_path / "origin"
    root.mkdir()
    _git(root, "init", "-q")
    (root / "a.txt").write_text("one\n")
    source = _commit(root, "Version 2.0.0")
    _git(root, "tag", "v2.0.0", source)
    _write_release(root, {**SUMMARY, "commit": source})
    _commit(root, "Release 2.0.0")
    return root, source


def _clone(origin, target, *flags) -> object:
    subprocess.run(["git", "clone", "-q", *flags, f"file://{origin}", str(target)], check=True, capture_output=True)
    return target


def test_the_tag_and_the_summary_agree(released):
    root, source = released
    found = c.release_commit(root, "2.0.0")
    assert found == c.ReleaseCommit(source, False, "tag v2.0.0 and releases/2.0.0/summary.json agree")


def test_a_clone_without_tags_takes_the_commit_recorded_in_the_summary(released, tmp_path):
    root, source = released
    clone = _clone(root, tmp_path / "any-other-name", "--no-tags")
    assert _git(clone, "tag", "-l") == ""
    found = c.release_commit(clone, "2.0.0")
    assert (found.commit, found.legacy) == (source, False)
    assert "no tag v2.0.0 in this clone" in found.summary()


def test_a_tag_that_names_another_commit_is_an_error_that_says_how_to_fix_it(released):
    root, source = released
    _git(root, "tag", "-f", "v2.0.0", "HEAD")  # moved onto the "Release" commit
    moved = _git(root, "rev-parse", "HEAD")
    with pytest.raises(ValueError) as error:
        c.release_commit(root, "2.0.0")
    message = str(error.value)
    assert f"tag v2.0.0 names commit {moved[:12]}" in message and f"records {source[:12]}" in message
    assert "git tag -d v2.0.0" in message and "git fetch --force origin tag v2.0.0" in message


def test_a_shallow_clone_without_the_commit_says_to_unshallow_and_then_verifies(released, tmp_path):
    root, source = released
    clone = _clone(root, tmp_path / "shallow", "--depth", "1")
    assert c.is_shallow(clone) and not c.has_commit(clone, source)
    with pytest.raises(ValueError) as error:
        c.release_commit(clone, "2.0.0")
    message = str(error.value)
    assert f"commit {source[:12]} of release 2.0.0" in message and "not in this clone" in message
    assert "git fetch --unshallow" in message
    _git(clone, "fetch", "-q", "--unshallow")
    assert c.release_commit(clone, "2.0.0").commit == source


def test_a_commit_absent_from_a_full_clone_says_how_to_fetch_it(released):
    root, _ = released
    absent = "0123456789abcdef" * 2 + "01234567"
    _write_release(root, {**SUMMARY, "commit": absent})
    _git(root, "tag", "-d", "v2.0.0")
    with pytest.raises(ValueError, match=f"git fetch origin {absent}"):
        c.release_commit(root, "2.0.0")


def test_a_tag_without_a_recorded_commit_names_the_commit(released):
    root, source = released
    _write_release(root, SUMMARY)
    found = c.release_commit(root, "2.0.0")
    assert (found.commit, found.legacy) == (source, False) and "records no commit" in found.source


def test_a_legacy_release_is_the_parent_of_its_release_commit_and_needs_the_history(released, tmp_path):
    root, source = released
    _git(root, "tag", "-d", "v2.0.0")
    _write_release(root, SUMMARY)  # as 0.1.0 and 1.0.0: no tag, no recorded commit
    _git(root, "commit", "-q", "--amend", "-a", "--no-edit")
    (root / "a.txt").write_text("later\n")
    _commit(root, "later")
    found = c.release_commit(root, "2.0.0")
    assert (found.commit, found.legacy) == (source, True)
    clone = _clone(root, tmp_path / "shallow", "--depth", "1")
    with pytest.raises(ValueError, match="git fetch --unshallow"):
        c.release_commit(clone, "2.0.0")
    _git(clone, "fetch", "-q", "--unshallow")
    assert c.release_commit(clone, "2.0.0").commit == source


def test_an_unknown_or_damaged_release_is_an_error_naming_the_file(released):
    root, _ = released
    with pytest.raises(ValueError, match="never released"):
        c.release_commit(root, "3.0.0")
    _write_release(root, {**SUMMARY, "commit": "7e0cafe"})
    with pytest.raises(ValueError, match=r"releases/2.0.0/summary.json: 'commit' is '7e0cafe', not a full commit"):
        c.release_commit(root, "2.0.0")
    (root / "releases" / "2.0.0" / "summary.json").write_text('{"commit": \n')
    with pytest.raises(ValueError, match=r"releases/2.0.0/summary.json:2:1: not valid JSON"):
        c.release_commit(root, "2.0.0")


def test_outside_a_git_checkout_or_without_git_the_error_says_so(released, tmp_path, monkeypatch):
    root, _ = released
    unpacked = tmp_path / "unpacked"
    shutil.copytree(root, unpacked, ignore=shutil.ignore_patterns(".git"))
    with pytest.raises(ValueError, match="is not a git checkout"):
        c.release_commit(unpacked, "2.0.0")
    inner = root / "sub"
    shutil.copytree(root / "releases", inner / "releases")
    with pytest.raises(ValueError, match="not the top of its git checkout"):
        c.release_commit(inner, "2.0.0")
    monkeypatch.setattr(c.shutil, "which", lambda name: None)
    with pytest.raises(ValueError, match="git is not installed"):
        c.release_commit(root, "2.0.0")


def test_the_command_line_prints_the_fix_for_a_shallow_clone_without_a_traceback(released, tmp_path,
                                                                                 monkeypatch, capsys):
    from living_review.cli import main

    root, _ = released
    clone = _clone(root, tmp_path / "shallow", "--depth", "1")
    (clone / "data").mkdir()
    (clone / "_toc.yml").write_text("root: x\n")
    monkeypatch.setenv("LIVING_REVIEW_ROOT", str(clone))
    assert main(["verify", "2.0.0"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("verify 2.0.0: commit ") and "git fetch --unshallow" in err and "Traceback" not in err
