"""Verify: the environment decision, the comparison of checksums, and the run in a clone without tags.

How the release's commit is found (tag, summary, shallow clones) is tested in test_commit.py."""

from __future__ import annotations

import json
import shutil
import subprocess
from importlib import metadata

import pytest

from living_review.provenance.ledger_values import dumps
from living_review.release import pins
from living_review.release import verify as v
from living_review.release.archive import write_checksums

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")


def _git(root, *args) -> str:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
                          cwd=root, check=True, capture_output=True, text=True).stdout.strip()


SUMMARY = {"version": "2.0.0", "data_fingerprint": "d" * 64, "parameters": {"level": 0.95},
           "estimates": {"orr.all": {"estimate": 0.3, "inputs_fingerprint": "a" * 64, "k": 2}}, "studies": []}


def _release(folder, summary, archive: bytes | None = b"tar") -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "summary.json").write_text(dumps(summary))
    if archive is not None:
        (folder / "living-review-2.0.0.tar.gz").write_bytes(archive)
    write_checksums(folder)


@pytest.fixture
def repo(tmp_path):
    root = tmp_path / "repo"
    root.mkdir()
    _git(root, "init", "-q")
    (root / "a.txt").write_text("one\n")
    _git(root, "add", ".")
    _git(root, "commit", "-q", "-m", "source")
    return root


def test_first_difference_names_the_field_and_both_values():
    published = {"a": 1, "estimates": {"x": {"ci": [0.1, 0.2], "fp": "old"}}}
    assert v.first_difference(published, json.loads(json.dumps(published))) is None
    rebuilt = {"a": 1, "estimates": {"x": {"ci": [0.1, 0.2], "fp": "new"}}}
    assert v.first_difference(published, rebuilt) == "estimates.x.fp: published 'old', rebuilt 'new'"
    assert v.first_difference({"a": [1, 2]}, {"a": [1, 3]}) == "a[1]: published 2, rebuilt 3"
    assert v.first_difference({"a": [1]}, {"a": [1, 2]}) == "a: 1 item(s) published, 2 rebuilt"
    assert v.first_difference({"a": 1}, {}) == "a: published, missing from the rebuild"
    assert v.first_difference({}, {"b": 1}) == "b: in the rebuild, not published"
    assert v.first_difference({"k": 1}, {"k": 1.0}) == "k: published 1, rebuilt 1.0"  # other bytes in JSON


def test_the_environment_is_reused_only_when_every_pin_is_installed():
    installed = metadata.version("pytest")
    assert pins.pins("# comment\npytest==8.0\nfoo_bar[x]==1.2 ; python_version>'3'\n") == {"pytest": "8.0", "foo-bar": "1.2"}
    assert pins.pins("pytest>=8\n") is None
    assert pins.same_pins(f"pytest=={installed}\n")
    assert not pins.same_pins(f"pytest=={installed}.post99\n")
    assert not pins.same_pins("surely-not-installed-package==1.0\n")
    assert not pins.same_pins("")


def test_compare_passes_equal_files_and_names_the_first_difference(tmp_path):
    published, same, other = tmp_path / "published", tmp_path / "same", tmp_path / "other"
    _release(published, SUMMARY)
    _release(same, SUMMARY)
    checks, agree = v.compare(published, same)
    assert [c.ok for c in checks] == [True, True] and agree is True
    changed = json.loads(json.dumps(SUMMARY))
    changed["estimates"]["orr.all"]["inputs_fingerprint"] = "b" * 64
    _release(other, changed, archive=b"other tar")
    checks, agree = v.compare(published, other)
    by_name = {c.name: c for c in checks}
    assert not by_name["living-review-2.0.0.tar.gz"].ok
    summary = by_name["summary.json"]
    assert not summary.ok and summary.difference.startswith("estimates.orr.all.inputs_fingerprint: published 'aaaa")
    assert "[FAIL] summary.json" in summary.summary() and "first difference" in summary.summary()
    assert agree is True  # only the fingerprint differs: the numbers agree
    changed["estimates"]["orr.all"]["estimate"] = 0.31
    _release(other, changed)
    assert v.compare(published, other)[1] is False
    (other / "living-review-2.0.0.tar.gz").unlink()
    missing = {c.name: c for c in v.compare(published, other)[0]}["living-review-2.0.0.tar.gz"]
    assert missing.rebuilt is None and "not rebuilt" in missing.summary()


def test_report_fails_on_any_difference_and_says_what_a_legacy_release_is(tmp_path):
    ok = v.FileCheck("summary.json", "a", "a")
    bad = v.FileCheck("x.tar.gz", "a", "b")
    assert v.VerifyReport("2.0.0", "c" * 40, False, (ok,), True).ok
    report = v.VerifyReport("1.0.0", "c" * 40, True, (ok, bad), True)
    assert not report.ok
    text = report.summary()
    assert "before releases were reproducible" in text and text.endswith("verify 1.0.0: FAIL")
    assert not v.VerifyReport("2.0.0", "c" * 40, False, (), None).ok  # nothing checked is no pass


def test_the_release_options_are_read_from_what_was_published(tmp_path):
    _release(tmp_path / "full", {**SUMMARY, "scope": {"name": "all"}})
    assert v._release_flags(tmp_path / "full") == ["--scope", "all"]
    _release(tmp_path / "small", {**SUMMARY, "scope": {"name": "reproduction"}}, archive=None)
    assert v._release_flags(tmp_path / "small") == ["--scope", "reproduction", "--summary-only"]


def test_command_line_exit_status_for_an_unknown_release(tmp_path, monkeypatch, capsys):
    from living_review.cli import main

    (tmp_path / "data").mkdir()
    (tmp_path / "_toc.yml").write_text("root: x\n")
    monkeypatch.setenv("LIVING_REVIEW_ROOT", str(tmp_path))
    assert main(["verify", "9.9.9"]) == 2
    assert "was never released here" in capsys.readouterr().err


def test_verify_in_a_clone_without_tags_rebuilds_the_recorded_commit(repo, tmp_path, monkeypatch):
    source = _git(repo, "rev-parse", "HEAD")
    _git(repo, "tag", "v2.0.0", source)
    _release(repo / "releases" / "2.0.0", {**SUMMARY, "commit": source})
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "Release 2.0.0")
    clone = tmp_path / "clone-with-another-name"
    subprocess.run(["git", "clone", "-q", "--no-tags", f"file://{repo}", str(clone)], check=True)
    built = []

    def rebuild(root, version, commit, workdir, *, reuse, say):
        # the build itself is tested in test_reproducible_release.py (slow); here it is the published files
        built.append((root, commit))
        out = tmp_path / "rebuilt"
        shutil.copytree(repo / "releases" / "2.0.0", out)
        return out

    monkeypatch.setattr(v, "rebuild", rebuild)
    said = []
    report = v.verify("2.0.0", clone, say=said.append)
    assert built == [(clone, source)] and report.ok and report.commit == source and not report.legacy
    assert "no tag v2.0.0 in this clone" in said[0] and not any(line.startswith("note:") for line in said)
    (clone / "releases" / "2.0.0" / "SHA256SUMS").write_text("0" * 64 + "  summary.json\n")
    shutil.rmtree(tmp_path / "rebuilt")
    report = v.verify("2.0.0", clone, say=said.append)
    assert not report.ok and any(line.startswith("note: releases/2.0.0/ differs") for line in said)


@pytest.mark.parametrize("reuse", [True, False])
def test_rebuild_runs_make_release_steps_in_a_worktree_with_this_or_a_fresh_environment(repo, tmp_path, monkeypatch,
                                                                                        reuse):
    (repo / "requirements.txt").write_text("pytest==0.0.1\n")
    (repo / "src" / "living_review" / "cli").mkdir(parents=True)
    (repo / "src" / "living_review" / "cli" / "release.py").write_text('FLAGS = ["--skip-tests"]\n')
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "source")
    head = _git(repo, "rev-parse", "HEAD")
    _release(repo / "releases" / "2.0.0", {**SUMMARY, "commit": head, "scope": {"name": "update"}})
    commands = []
    monkeypatch.setattr(v, "_run", lambda command, cwd, env, log, say: commands.append((command, env)))
    workdir = tmp_path / "work"
    workdir.mkdir()
    out = v.rebuild(repo, "2.0.0", head, workdir, reuse=reuse, say=lambda line: None)
    tree = workdir / "tree"
    assert out == tree / "releases" / "2.0.0" and _git(tree, "rev-parse", "HEAD") == head
    epoch = _git(repo, "log", "-1", "--format=%ct", head)
    steps = [c[0] for c in commands]
    if reuse:
        venv = v.Path(v.sys.prefix)
        assert [s[-1] for s in steps[:3]] == ["clean", "html", "pdf"]
        assert all(f"VENV={venv}" in s and "INSTALL=no" in s for s in steps[:3])
        assert commands[0][1]["PYTHONPATH"] == str(tree / "src")
    else:
        venv = tree / ".venv"
        assert steps[0] == ["make", "-C", str(tree), "venv"]  # the commit's pins, into a fresh environment
        assert [s[-1] for s in steps[1:4]] == ["clean", "html", "pdf"] and not any("INSTALL=no" in s for s in steps)
        assert "PYTHONPATH" not in commands[1][1]
    assert steps[-1] == [str(venv / "bin" / "living-review"), "release", "--scope", "update", "--skip-tests"]
    html_env = commands[-3][1]
    assert html_env["SOURCE_DATE_EPOCH"] == epoch and html_env["LIVING_REVIEW_ROOT"] == str(tree)
    assert html_env["OPENBLAS_NUM_THREADS"] == html_env["OMP_NUM_THREADS"] == "1"  # one BLAS thread, as make release
    assert html_env.get("OPENBLAS_CORETYPE") == v.os.environ.get("OPENBLAS_CORETYPE")  # the kernel is never forced
    assert "SOURCE_DATE_EPOCH" not in commands[-4][1]  # make clean
    v.remove_worktree(repo, workdir)
    assert not tree.exists() and "tree" not in _git(repo, "worktree", "list")


# --- what a reader can conclude: identical, within tolerance (the files named), numbers differ ---

def _archive_release(folder, summary, pages: dict[str, str], *, manifest: bool, environment: dict | None = None):
    """A release folder with a real archive of ``pages`` (and its manifest when ``manifest``)."""
    from living_review.release.archive import pack
    from living_review.release.environment import to_json
    from living_review.release.manifest import write_manifest

    site = folder.parent / f"{folder.name}-site"
    for name, text in pages.items():
        (site / "html" / name).parent.mkdir(parents=True, exist_ok=True)
        (site / "html" / name).write_text(text)
    (site / "book.pdf").write_bytes(b"%PDF same")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "summary.json").write_text(dumps(summary))
    archive = pack(site / "html", site / "book.pdf", folder / "living-review-2.0.0.tar.gz", prefix="living-review-2.0.0")
    if manifest:
        write_manifest(archive)
    if environment is not None:
        (folder / "environment.json").write_text(to_json(environment))
    write_checksums(folder)
    return archive


LAST_BITS = {**SUMMARY, "estimates": {"orr.all": {**SUMMARY["estimates"]["orr.all"], "estimate": 0.30000000000000004}}}
PAGES = {"index.html": "<p>ORR 0.30</p>\n", "downloads/estimates-2.0.0.csv": "key,estimate\norr.all,0.3\n"}
REBUILT_PAGES = {**PAGES, "downloads/estimates-2.0.0.csv": "key,estimate\norr.all,0.30000000000000004\n"}


def _env(kernel: str) -> dict:
    from living_review.release.environment import numerical_environment

    record = numerical_environment()
    return {**record, "blas": {**record["blas"], "kernel": kernel}}


def test_a_summary_that_differs_only_in_last_bits_is_the_middle_outcome_naming_the_fields(tmp_path):
    published, rebuilt = tmp_path / "published", tmp_path / "rebuilt"
    _archive_release(published, SUMMARY, PAGES, manifest=True, environment=_env("Haswell"))
    _archive_release(rebuilt, LAST_BITS, REBUILT_PAGES, manifest=True)
    (published / "living-review-2.0.0.tar.gz").unlink()  # in the archive deposit, not in the clone
    checks, agree = v.compare(published, rebuilt)
    assessment = v.assess(published, rebuilt, "2.0.0", checks, rebuilt_environment=_env("SkylakeX"))
    report = v.VerifyReport("2.0.0", "c" * 40, False, checks, agree, assessment)
    assert not report.ok and report.outcome == v.WITHIN_TOLERANCE and report.exit_status == 3
    assert assessment.within == ("estimates.orr.all.estimate",) and assessment.beyond == ()
    # the manifest names the one file of the archive that differs
    assert assessment.files == ("html/downloads/estimates-2.0.0.csv: differs",)
    text = report.summary()
    assert "1 field of summary.json differs only in its last digits" in text and "estimates.orr.all.estimate" in text
    assert "BLAS kernel: Haswell | SkylakeX   <- differs" in text
    assert "explained by: BLAS kernel: Haswell published, SkylakeX rebuilt" in text
    assert "bit for bit: expected with" in text and "OPENBLAS_CORETYPE=Haswell" in text
    assert text.endswith("verify 2.0.0: PASS WITHIN TOLERANCE (the same numbers; other bytes in the files named)")


def test_with_the_published_archive_at_hand_the_first_difference_of_a_text_file_is_shown(tmp_path):
    published, rebuilt = tmp_path / "published", tmp_path / "rebuilt"
    _archive_release(published, SUMMARY, PAGES, manifest=False)  # as 1.1.0 and 1.2.0: no manifest
    _archive_release(rebuilt, LAST_BITS, REBUILT_PAGES, manifest=False)
    checks, _ = v.compare(published, rebuilt)
    assessment = v.assess(published, rebuilt, "2.0.0", checks, rebuilt_environment=_env("SkylakeX"))
    assert assessment.outcome == v.WITHIN_TOLERANCE
    assert assessment.files == ("html/downloads/estimates-2.0.0.csv: line 2, column 12: published 'orr.all,0.3', "
                                "rebuilt 'orr.all,0.30000000000000004'",)
    assert "compared with the published archive" in assessment.files_note
    assert "recorded no numerical environment" in "\n".join(assessment.lines("2.0.0"))
    # without the published archive and without a manifest, verify says it cannot name the files
    (published / "living-review-2.0.0.tar.gz").unlink()
    assessment = v.assess(published, rebuilt, "2.0.0", checks)
    assert assessment.outcome == v.WITHIN_TOLERANCE and assessment.files == ()
    assert assessment.files_note.startswith("2.0.0 recorded no manifest of its archive (releases before 1.3.0 did not)")


def test_numbers_beyond_the_tolerance_fail_and_identical_files_pass(tmp_path):
    published, same, other = tmp_path / "published", tmp_path / "same", tmp_path / "other"
    _archive_release(published, SUMMARY, PAGES, manifest=True)
    _archive_release(same, SUMMARY, PAGES, manifest=True)
    checks, agree = v.compare(published, same)
    assessment = v.assess(published, same, "2.0.0", checks)
    assert v.VerifyReport("2.0.0", "c" * 40, False, checks, agree, assessment).exit_status == 0
    moved = {**SUMMARY, "estimates": {"orr.all": {**SUMMARY["estimates"]["orr.all"], "estimate": 0.3001}}}
    _archive_release(other, moved, PAGES, manifest=True)
    checks, agree = v.compare(published, other)
    assessment = v.assess(published, other, "2.0.0", checks)
    report = v.VerifyReport("2.0.0", "c" * 40, False, checks, agree, assessment)
    assert report.outcome == v.NUMBERS_DIFFER and report.exit_status == 1
    assert assessment.beyond == ("estimates.orr.all.estimate: published 0.3, rebuilt 0.3001",)
    assert report.summary().endswith("verify 2.0.0: FAIL")


def test_the_rebuild_computes_on_one_blas_thread():
    assert v.SINGLE_THREAD == {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    assert "OPENBLAS_CORETYPE" not in v.SINGLE_THREAD  # the kernel is never forced


@pytest.mark.parametrize("outcome, status", [("identical", 0), ("within tolerance", 3), ("numbers differ", 1)])
def test_the_command_exits_with_one_status_per_outcome(monkeypatch, tmp_path, capsys, outcome, status):
    from living_review.cli import main

    ok = v.FileCheck("summary.json", "a", "a" if outcome == "identical" else "b")
    report = v.VerifyReport("2.0.0", "c" * 40, False, (ok,), True, v.Assessment(outcome))
    monkeypatch.setattr(v, "verify", lambda *args, **kwargs: report)
    (tmp_path / "data").mkdir()
    (tmp_path / "_toc.yml").write_text("root: x\n")
    monkeypatch.setenv("LIVING_REVIEW_ROOT", str(tmp_path))
    assert main(["verify", "2.0.0"]) == status
    assert capsys.readouterr().out.rstrip().endswith(
        {0: "PASS (identical, bit for bit)", 3: "PASS WITHIN TOLERANCE (the same numbers; other bytes in the files named)",
         1: "FAIL"}[status])
