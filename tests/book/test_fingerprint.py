"""Fingerprints: independent of location and listing order, sensitive to every byte."""

from __future__ import annotations

import hashlib
from pathlib import Path

from living_review.book.fingerprint import build_inputs_fingerprint, data_fingerprint, tree_fingerprint


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_matches_a_direct_computation(tmp_path):
    _write(tmp_path, {"data/b.csv": "y\n2\n", "data/a.csv": "x\n1\n"})
    expected = hashlib.sha256()
    for name, text in [("data/a.csv", b"x\n1\n"), ("data/b.csv", b"y\n2\n")]:
        expected.update(len(name).to_bytes(8, "big") + name.encode())
        expected.update(len(text).to_bytes(8, "big") + text)
    assert data_fingerprint(tmp_path) == expected.hexdigest()


def test_same_content_elsewhere_gives_the_same_fingerprint(tmp_path):
    files = {"data/a.csv": "x\n1\n", "data/km/c.csv": "t,s\n0,1\n"}
    _write(tmp_path / "one", files)
    _write(tmp_path / "two", dict(reversed(list(files.items()))))
    assert data_fingerprint(tmp_path / "one") == data_fingerprint(tmp_path / "two")


def test_one_changed_count_changes_it(tmp_path):
    _write(tmp_path, {"data/a.csv": "events\n4\n"})
    before = data_fingerprint(tmp_path)
    _write(tmp_path, {"data/a.csv": "events\n5\n"})
    assert data_fingerprint(tmp_path) != before


def test_a_renamed_file_changes_it(tmp_path):
    _write(tmp_path, {"data/a.csv": "x\n"})
    before = data_fingerprint(tmp_path)
    (tmp_path / "data/a.csv").rename(tmp_path / "data/b.csv")
    assert data_fingerprint(tmp_path) != before


def test_caches_do_not_count(tmp_path):
    _write(tmp_path, {"src/pkg/m.py": "x = 1\n"})
    before = build_inputs_fingerprint(tmp_path)
    _write(tmp_path, {"src/pkg/__pycache__/m.cpython-311.pyc": "junk", "src/.hidden": "junk"})
    assert build_inputs_fingerprint(tmp_path) == before


def test_build_inputs_cover_code_and_configuration(tmp_path):
    _write(tmp_path, {"data/a.csv": "x\n", "src/m.py": "a = 1\n", "review.yml": "x: 1\n"})
    before = build_inputs_fingerprint(tmp_path)
    _write(tmp_path, {"review.yml": "x: 2\n"})
    middle = build_inputs_fingerprint(tmp_path)
    _write(tmp_path, {"src/m.py": "a = 2\n"})
    assert len({before, middle, build_inputs_fingerprint(tmp_path)}) == 3
    assert tree_fingerprint([tmp_path / "missing"], tmp_path) == hashlib.sha256().hexdigest()


def test_release_summaries_fingerprint_covers_summaries_only(tmp_path):
    from living_review.book.fingerprint import release_summaries_fingerprint

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
