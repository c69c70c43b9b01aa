"""The archive's manifest: one line per file with size and SHA-256; a changed file is named."""

from __future__ import annotations

import hashlib

import pytest

from living_review.release import manifest as m
from living_review.release.archive import pack


def _site(folder, pages: dict[str, str]):
    html = folder / "html"
    for name, text in pages.items():
        (html / name).parent.mkdir(parents=True, exist_ok=True)
        (html / name).write_text(text)
    pdf = folder / "book.pdf"
    pdf.write_bytes(b"%PDF-1.5 same")
    return html, pdf


PAGES = {"index.html": "<p>one</p>\n<p>ORR 0.25</p>\n", "downloads/estimates-9.0.0.csv": "key,estimate\norr,0.25\n"}


def test_the_manifest_lists_every_file_with_size_and_sha256(tmp_path):
    html, pdf = _site(tmp_path / "a", PAGES)
    archive = pack(html, pdf, tmp_path / "a.tar.gz", prefix="living-review-9.0.0")
    entries = m.archive_manifest(archive)
    assert [e.path for e in entries] == ["html/downloads/estimates-9.0.0.csv", "html/index.html", "living-review.pdf"]
    index = entries[1]
    assert index.size == len(PAGES["index.html"]) and index.sha256 == hashlib.sha256(PAGES["index.html"].encode()).hexdigest()
    path = m.write_manifest(archive, tmp_path)
    assert path.read_text().splitlines()[0] == "path\tsize\tsha256"
    assert m.read_manifest(path) == entries


def test_a_manifest_with_one_changed_file_names_that_file_and_its_first_difference(tmp_path):
    published = pack(*_site(tmp_path / "a", PAGES), tmp_path / "a.tar.gz", prefix="living-review-9.0.0")
    changed = {**PAGES, "downloads/estimates-9.0.0.csv": "key,estimate\norr,0.25000000000000006\n"}
    rebuilt = pack(*_site(tmp_path / "b", changed), tmp_path / "b.tar.gz", prefix="living-review-9.0.0")
    difference = m.compare_manifests(m.archive_manifest(published), m.archive_manifest(rebuilt))
    assert difference.changed == ("html/downloads/estimates-9.0.0.csv",) and not difference.missing
    assert "1 file differs: html/downloads/estimates-9.0.0.csv" in difference.summary()
    name = difference.changed[0]
    text = m.first_text_difference(m.archive_members(published)[name], m.archive_members(rebuilt)[name])
    assert text == "line 2, column 9: published 'orr,0.25', rebuilt 'orr,0.25000000000000006'"
    same = pack(*_site(tmp_path / "c", PAGES), tmp_path / "c.tar.gz", prefix="living-review-9.0.0")
    assert m.compare_manifests(m.archive_manifest(published), m.archive_manifest(same)).same


def test_a_malformed_manifest_names_its_line(tmp_path):
    path = tmp_path / m.MANIFEST_FILE
    path.write_text("path\tsize\tsha256\nhtml/index.html\tten\tabc\n")
    with pytest.raises(ValueError, match=r"MANIFEST.tsv:2: expected path, size and a 64-digit SHA-256"):
        m.read_manifest(path)
