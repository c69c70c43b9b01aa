"""The built front page and the first pages of the PDF carry the structured abstract, with the chapters' numbers.

Each estimate, interval and certainty of the abstract (``build_abstract(...).values``) must appear in the
rendered front page, in the rendered summary of findings, and in the PDF's opening pages (before the
summary-of-findings chapter).
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess

import pytest

from living_review.data import load_evidence
from living_review.report.abstract import build_abstract
from living_review.settings import load_settings

pytestmark = pytest.mark.slow


def _text(path) -> str:
    raw = path.read_text(encoding="utf-8")
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", raw)))


@pytest.fixture(scope="module")
def values(book_build):
    return build_abstract(load_evidence(book_build.root / "data"), load_settings(), root=book_build.root).values


def test_the_front_page_and_the_summary_print_the_same_numbers(book_build, values):
    front = _text(book_build.html_dir / "book" / "index.html")  # the site root redirects to it
    summary = _text(book_build.html_dir / "notebooks" / "01_summary_of_findings.html")
    assert "Abstract" in front and "Background." in front and "Conclusions." in front
    for name, text in values.items():
        assert text in front, name
        if name.startswith(("est_", "cert_")):
            assert text in summary, name


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) not installed")
def test_the_pdf_opens_with_the_abstract(book_build, values):
    text = subprocess.run(["pdftotext", "-layout", str(book_build.pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    flat = re.sub(r"\s+", " ", text)
    start = flat.index("Abstract Background.")
    end = flat.index("About this review", start)
    assert start < flat.index("The analyses include")  # before the key results of the first chapter
    opening = flat[start:end]
    for name in ("est_orr", "est_dcr", "est_os_median", "est_os_12m"):
        # a line break in the PDF may fall inside the value: compare without spaces
        assert values[name].replace(" ", "") in opening.replace(" ", ""), name
