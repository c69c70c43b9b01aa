"""Fingerprints: tracked files only, independent of location and listing order, sensitive to every byte."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import pytest

from living_review.core.fingerprint import (
    NotAGitCheckout, build_inputs_fingerprint, data_fingerprint, release_summaries_fingerprint, tree_fingerprint,
)


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def _track(root: Path, files: dict[str, str]) -> Path:
    """Write ``files`` into ``root`` and have git track them (in the index; no commit needed)."""
    _write(root, files)
    if not (root / ".git").exists():
        subprocess.run(["git", "init", "-q", str(root)], check=True)
    subprocess.run(["git", "add", "-A", "--", *files], cwd=root, check=True)
    return root


def test_matches_a_direct_computation(tmp_path):
    _track(tmp_path, {"data/b.csv": "y\n2\n", "data/a.csv": "x\n1\n"})
    expected = hashlib.sha256()
    for name, text in [("data/a.csv", b"x\n1\n"), ("data/b.csv", b"y\n2\n")]:
        expected.update(len(name).to_bytes(8, "big") + name.encode())
        expected.update(len(text).to_bytes(8, "big") + text)
    assert data_fingerprint(tmp_path) == expected.hexdigest()
    assert tree_fingerprint([tmp_path / "data"], tmp_path) == expected.hexdigest()


def test_same_content_elsewhere_gives_the_same_fingerprint(tmp_path):
    files = {"data/a.csv": "x\n1\n", "data/km/c.csv": "t,s\n0,1\n"}
    _track(tmp_path / "one", files)
    _track(tmp_path / "two", dict(reversed(list(files.items()))))
    assert data_fingerprint(tmp_path / "one") == data_fingerprint(tmp_path / "two")


def test_one_changed_count_changes_it_before_it_is_committed(tmp_path):
    _track(tmp_path, {"data/a.csv": "events\n4\n"})
    before = data_fingerprint(tmp_path)
    _write(tmp_path, {"data/a.csv": "events\n5\n"})  # same size, not added: the working tree counts
    assert data_fingerprint(tmp_path) != before


def test_a_renamed_file_changes_it(tmp_path):
    _track(tmp_path, {"data/a.csv": "x\n"})
    before = data_fingerprint(tmp_path)
    subprocess.run(["git", "mv", "data/a.csv", "data/b.csv"], cwd=tmp_path, check=True)
    assert data_fingerprint(tmp_path) != before


def test_a_deleted_tracked_file_changes_it(tmp_path):
    _track(tmp_path, {"data/a.csv": "x\n", "data/b.csv": "y\n"})
    before = data_fingerprint(tmp_path)
    (tmp_path / "data" / "b.csv").unlink()
    assert data_fingerprint(tmp_path) != before


def test_untracked_files_and_install_artefacts_do_not_count(tmp_path):
    _track(tmp_path, {"data/a.csv": "x\n", "src/pkg/m.py": "x = 1\n", "review.yml": "x: 1\n"})
    data, inputs = data_fingerprint(tmp_path), build_inputs_fingerprint(tmp_path)
    _write(tmp_path, {
        "data/scratch.csv": "stray\n",                      # a stray untracked file
        "src/living_review.egg-info/PKG-INFO": "Name: x\n",  # what pip install -e writes
        "src/living_review.egg-info/SOURCES.txt": "/somewhere/else\n",
        "src/pkg/__pycache__/m.cpython-311.pyc": "junk",
        "notebooks/templates/notes.md": "draft\n",
    })
    assert data_fingerprint(tmp_path) == data
    assert build_inputs_fingerprint(tmp_path) == inputs
    subprocess.run(["git", "add", "data/scratch.csv"], cwd=tmp_path, check=True)
    assert data_fingerprint(tmp_path) != data  # once tracked, it is part of the data


def test_build_inputs_cover_code_and_configuration(tmp_path):
    _track(tmp_path, {"data/a.csv": "x\n", "src/m.py": "a = 1\n", "review.yml": "x: 1\n",
                      "notebooks/templates/t.md": "# t\n"})
    before = build_inputs_fingerprint(tmp_path)
    _write(tmp_path, {"review.yml": "x: 2\n"})
    middle = build_inputs_fingerprint(tmp_path)
    _write(tmp_path, {"src/m.py": "a = 2\n"})
    code = build_inputs_fingerprint(tmp_path)
    _write(tmp_path, {"notebooks/templates/t.md": "# u\n"})
    assert len({before, middle, code, build_inputs_fingerprint(tmp_path)}) == 4
    assert tree_fingerprint([tmp_path / "missing"], tmp_path) == hashlib.sha256().hexdigest()


def test_outside_a_git_checkout_strict_says_so(tmp_path):
    _write(tmp_path, {"data/a.csv": "x\n"})
    with pytest.raises(NotAGitCheckout, match="not a git checkout.*git ls-files"):
        data_fingerprint(tmp_path, strict=True)


def test_outside_a_git_checkout_a_clean_copy_gives_the_checkout_fingerprint(tmp_path):
    files = {"data/a.csv": "x\n", "src/pkg/m.py": "a = 1\n", "review.yml": "x: 1\n"}
    checkout = _track(tmp_path / "checkout", files)
    _write(tmp_path / "copy", files)
    _write(tmp_path / "copy", {"src/living_review.egg-info/PKG-INFO": "Name: x\n", "src/.hidden": "x",
                               "src/pkg/__pycache__/m.pyc": "junk", "src/build/lib/m.py": "a = 1\n"})
    assert build_inputs_fingerprint(tmp_path / "copy") == build_inputs_fingerprint(checkout)
    _write(tmp_path / "copy", {"data/stray.csv": "y\n"})  # without git, a stray file cannot be told apart
    assert data_fingerprint(tmp_path / "copy") != data_fingerprint(checkout)


def test_release_summaries_fingerprint_covers_summaries_only(tmp_path):
    empty = release_summaries_fingerprint(tmp_path)
    folder = tmp_path / "releases" / "1.0.0"
    folder.mkdir(parents=True)
    (folder / "living-review-1.0.0.tar.gz").write_bytes(b"archive")
    assert release_summaries_fingerprint(tmp_path) == empty  # an archive is not a summary
    (folder / "summary.json").write_text("{}\n")
    first = release_summaries_fingerprint(tmp_path)
    assert first != empty
    (folder / "summary.json").write_text('{"version": "1.0.0"}\n')
    assert release_summaries_fingerprint(tmp_path) != first


def test_a_missing_root_has_the_fingerprint_of_nothing(tmp_path):
    assert build_inputs_fingerprint(tmp_path / "missing") == hashlib.sha256().hexdigest()
