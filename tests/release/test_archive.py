"""The release archive: reproducible bytes, complete content, checksums that verify."""

from __future__ import annotations

import gzip
import hashlib
import os
import subprocess
import shutil
import tarfile
import time

import pytest

from living_review.release.archive import verify_checksums, write_archive, write_checksums
from living_review.versions.summary import write_summary


def _sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_holds_the_site_and_the_pdf_in_sorted_order(project, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)  # make release sets it
    archive = write_archive("1.0.0", project)
    assert archive == project / "releases" / "1.0.0" / "living-review-1.0.0.tar.gz"
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        members = tar.getmembers()
        pdf = tar.extractfile("living-review-1.0.0/living-review.pdf").read()
    assert names == sorted(names)
    assert "living-review-1.0.0/html/index.html" in names
    assert "living-review-1.0.0/html/_static/style.css" in names
    assert pdf == (project / "_build" / "latex" / "living-review.pdf").read_bytes()
    assert {(m.uid, m.gid, m.uname, m.gname, m.mtime) for m in members} == {(0, 0, "", "", 0)}


def test_twice_gives_the_same_sha256_even_after_touching_files(project, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    first = _sha(write_archive("1.0.0", project))
    later = time.time() + 1000
    for path in (project / "_build").rglob("*"):
        os.utime(path, (later, later))
    assert _sha(write_archive("1.0.0", project)) == first


def test_source_date_epoch_sets_member_times(project, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    with tarfile.open(write_archive("1.0.0", project)) as tar:
        assert {m.mtime for m in tar.getmembers()} == {1700000000}
    with gzip.open(project / "releases" / "1.0.0" / "living-review-1.0.0.tar.gz") as gz:
        gz.read(1)
        assert gz.mtime == 0  # the gzip header's own time stamp stays zero
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(ValueError, match="SOURCE_DATE_EPOCH"):
        write_archive("1.0.0", project)


def test_missing_pdf_or_site_says_how_to_build_it(project):
    (project / "_build" / "latex" / "living-review.pdf").unlink()
    with pytest.raises(FileNotFoundError, match="make pdf"):
        write_archive("1.0.0", project)
    shutil.rmtree(project / "_build")
    with pytest.raises(FileNotFoundError, match="make html"):
        write_archive("1.0.0", project)


def test_checksums_cover_summary_and_archive_and_verify(project):
    write_summary(project, "1.0.0")
    archive = write_archive("1.0.0", project)
    sums = write_checksums(archive.parent)
    lines = sums.read_text().splitlines()
    assert [line.split("  ")[1] for line in lines] == ["living-review-1.0.0.tar.gz", "summary.json"]
    assert lines[0].split("  ")[0] == _sha(archive)  # hashlib over the whole file
    assert verify_checksums(archive.parent) == []
    (archive.parent / "summary.json").write_text("{}\n")
    assert verify_checksums(archive.parent) == ["summary.json"]


@pytest.mark.skipif(shutil.which("sha256sum") is None, reason="coreutils sha256sum not installed")
def test_sha256sum_accepts_the_checksum_file(project):
    write_summary(project, "1.0.0")
    folder = write_archive("1.0.0", project).parent
    write_checksums(folder)
    subprocess.run(["sha256sum", "--check", "--quiet", "SHA256SUMS"], cwd=folder, check=True)


def test_an_unfinished_build_is_not_archived(project):
    (project / "_build" / "INCOMPLETE").write_text("HTML build started; not finished\n")
    with pytest.raises(ValueError, match="the last build did not finish"):
        write_archive("1.0.0", project)
    assert not (project / "releases" / "1.0.0").exists()
