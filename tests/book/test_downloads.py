"""The site's downloads: data package, estimates, PDF and release summaries, listed on the root page."""

from __future__ import annotations

import csv
import io
import json
import shutil
import zipfile

import pytest

from living_review.book.downloads import Download, fill_list, ledger_csv, write_data_package, write_downloads
from living_review.provenance.ledger import collect, record
from living_review.core.paths import project_root


@pytest.fixture
def root(tmp_path):
    """A project with the real data/, two estimates in its ledger and one release."""
    shutil.copytree(project_root() / "data", tmp_path / "data")
    (tmp_path / "releases" / "1.0.0").mkdir(parents=True)
    (tmp_path / "releases" / "1.0.0" / "summary.json").write_text('{"version": "1.0.0"}\n')
    for key, est in (("drug.x.orr", 0.25), ("all.dcr", 0.5)):
        record(key, outcome="ORR", estimate=est, ci_low=0.1, ci_high=0.6, k=2, n=30, params={"transform": "PFT"},
               inputs=[{"study_id": "ha2010", "events": 2, "n": 8}], extra={"tau2": 0.01, "i2": 0.3},
               chapter="x", root=tmp_path)
    return tmp_path


def test_data_package_holds_every_file_with_its_descriptor_and_is_reproducible(root, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    one = write_data_package(root / "data", tmp_path / "a" / "data.zip").read_bytes()
    two = write_data_package(root / "data", tmp_path / "b" / "data.zip").read_bytes()
    assert one == two
    names = zipfile.ZipFile(io.BytesIO(one)).namelist()
    expected = sorted(f"data/{p.relative_to(root / 'data').as_posix()}" for p in (root / "data").rglob("*")
                      if p.is_file() and not p.name.startswith("."))
    assert names == expected and "data/datapackage.json" in names and "data/studies.csv" in names
    with pytest.raises(ValueError, match="no datapackage.json"):
        write_data_package(tmp_path / "a", tmp_path / "c.zip")


def test_estimates_csv_has_one_row_per_recorded_estimate_in_key_order(root):
    rows = list(csv.DictReader(io.StringIO(ledger_csv(collect(root)))))
    assert [r["key"] for r in rows] == ["all.dcr", "drug.x.orr"]
    assert float(rows[1]["estimate"]) == 0.25 and rows[1]["k"] == "2" and float(rows[1]["tau2"]) == 0.01
    assert json.loads(rows[1]["inputs"]) == [{"events": 2, "n": 8, "study_id": "ha2010"}]
    assert rows[0]["pi_low"] == ""  # not recorded: empty, never a made-up value


def test_downloads_are_written_and_the_pdf_only_when_there_is_one(root, tmp_path):
    site = tmp_path / "site"
    names = [d.name for d in write_downloads(root, site, version="9.9")]
    assert names == ["living-review-data-9.9.zip", "estimates-9.9.csv", "summary-1.0.0.json"]
    (root / "_build" / "latex").mkdir(parents=True)
    (root / "_build" / "latex" / "living-review.pdf").write_bytes(b"%PDF-1.5 test")
    names = [d.name for d in write_downloads(root, site, version="9.9")]
    assert "living-review-9.9.pdf" in names
    assert (site / "downloads" / "living-review-9.9.pdf").read_bytes() == b"%PDF-1.5 test"
    assert all((site / "downloads" / n).is_file() for n in names)


def test_the_root_page_links_each_download_relative_to_itself(tmp_path):
    page = tmp_path / "index.html"
    page.write_text('<p>Downloads</p>\n<ul id="downloads-list"></ul>\n<p>end</p>')
    assert fill_list(page, [Download("a&b.zip", "data <all>")], depth=1)
    text = page.read_text()
    assert '<li><a href="../downloads/a&amp;b.zip" download>a&amp;b.zip</a>: data &lt;all&gt;</li>' in text
    # filling again replaces the list instead of adding to it
    assert fill_list(page, [Download("c.csv", "estimates")], depth=1)
    assert "a&amp;b.zip" not in page.read_text() and page.read_text().count("<li>") == 1
    other = tmp_path / "other.html"
    other.write_text("<p>no list</p>")
    assert not fill_list(other, [])


@pytest.mark.slow
def test_the_built_site_links_its_downloads(book_build):
    import re

    assert book_build.html_returncode == 0
    page = (book_build.html_dir / "book" / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'<a href="\.\./(downloads/[^"]+)" download>', page)
    assert any(link.endswith(".zip") for link in links) and any(link.endswith(".csv") for link in links)
    assert any(re.search(r"summary-[\d.]+\.json$", link) for link in links)
    for link in links:
        assert (book_build.html_dir / link).is_file(), link
    estimates = next(link for link in links if link.endswith(".csv"))
    keys = [row["key"] for row in csv.DictReader(io.StringIO((book_build.html_dir / estimates).read_text()))]
    assert keys == sorted(collect(book_build.root)) and len(keys) > 10


def test_data_package_of_a_checkout_holds_the_tracked_files_only(root, tmp_path, monkeypatch):
    # a stray local file in data/ must not reach the published zip (nor its checksum)
    import subprocess

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    for args in (["init", "-q"], ["add", "data"], ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "d"]):
        subprocess.run(["git", *args], cwd=root, check=True)
    clean = write_data_package(root / "data", tmp_path / "clean.zip").read_bytes()
    (root / "data" / "scratch.csv").write_text("a\n1\n")
    stray = write_data_package(root / "data", tmp_path / "stray.zip")
    assert "data/scratch.csv" not in zipfile.ZipFile(stray).namelist()
    assert stray.read_bytes() == clean


def test_estimates_csv_rounds_numbers_to_ten_significant_digits_so_blas_kernels_give_the_same_bytes(root):
    from living_review.book.downloads import CSV_SIGNIFICANT_DIGITS

    # the median OS interval's upper bound of release 1.2.0, published and rebuilt with another kernel
    one = {"s.os": {"outcome": "OS", "estimate": 3.5515775666025227, "ci_low": 2.8034275339895784,
                    "ci_high": 4.539838791806166, "k": 6, "n": 100, "extra": {}, "params": {}, "inputs": []}}
    two = {"s.os": {**one["s.os"], "estimate": 3.5515775666025187, "ci_low": 2.8034275339895776,
                    "ci_high": 4.5398387918061545}}
    assert CSV_SIGNIFICANT_DIGITS == 10
    assert ledger_csv(one) == ledger_csv(two)
    row = next(csv.DictReader(io.StringIO(ledger_csv(one))))
    assert row["ci_high"] == "4.539838792" and row["k"] == "6"
