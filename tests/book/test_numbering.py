"""One numbering in every format: "Table 43" is the same table in the HTML site and in the PDF.

The HTML labels are read from the pages (``span.caption-number`` of every table caption and
figure caption, page by page in the order of ``_toc.yml``); the PDF labels from what LaTeX
wrote for each caption it numbered (the ``lot`` and ``lof`` lines of ``living-review.aux``), in
the order of the book. Both lists must be the same, label by label, and each label must name
the same caption; tables are compared with tables and figures with figures, as a figure may
float past a table in the PDF.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

KINDS = {"table": "Table", "figure": "Figure", "fig.": "Figure"}
LATEX_CAPTION = re.compile(r"\\@writefile\{lo([tf])\}\{\\contentsline \{(?:table|figure)\}\{\\numberline \{(\d+)\}(.*)$", re.M)


def _words(text: str, n: int = 4) -> tuple[str, ...]:
    text = unicodedata.normalize("NFKC", text)
    return tuple(re.findall(r"[^\W\d_]{2,}", text.casefold())[:n])


def _latex_plain(tex: str) -> str:
    tex = re.sub(r"\\sphinxhyphen\s*\{\}", "-", tex)
    tex = re.sub(r"\\[A-Za-z@]+\s*", " ", tex)
    return tex.replace("{", "").replace("}", "")


def html_labels(html_dir: Path, pages: list[str]) -> list[tuple[str, int, tuple[str, ...]]]:
    """(kind, number, first words of the caption) of every numbered table and figure of the site."""
    from bs4 import BeautifulSoup

    labels = []
    for page in pages:
        soup = BeautifulSoup((html_dir / f"{page}.html").read_text(encoding="utf-8"), "html.parser")
        article = soup.find("article") or soup
        for caption in article.select("table > caption, figcaption"):
            number = caption.select_one(".caption-number")
            if number is None:
                labels.append(("unnumbered", 0, _words(caption.get_text(" "))))
                continue
            kind, value = number.get_text().split()[:2]
            text = caption.get_text(" ").replace(number.get_text(), "", 1)
            labels.append((KINDS[kind.casefold()], int(value.rstrip(":.")), _words(text)))
    return labels


def pdf_labels(aux: Path) -> list[tuple[str, int, tuple[str, ...]]]:
    """(kind, number, first words of the caption) of every table and figure LaTeX numbered."""
    found = []
    for kind, number, rest in LATEX_CAPTION.findall(aux.read_text(encoding="utf-8")):
        found.append(("Table" if kind == "t" else "Figure", int(number), _words(_latex_plain(rest))))
    return found


def test_html_and_pdf_print_the_same_label_for_every_table_and_figure(book_build, toc):
    assert book_build.html_returncode == 0 and book_build.pdf_returncode == 0
    html = html_labels(book_build.html_dir, toc)
    pdf = pdf_labels(book_build.pdf.with_suffix(".aux"))
    assert [label for label in html if label[0] == "unnumbered"] == []
    assert sum(1 for kind, *_ in html if kind == "Table") > 50
    # figures float in the PDF, so a figure may be set after a table that follows it in the
    # text: tables are compared with tables and figures with figures, each in the order of the book
    for kind in ("Table", "Figure"):
        in_html = [label for label in html if label[0] == kind]
        in_pdf = [label for label in pdf if label[0] == kind]
        differ = [f"HTML {a[0]} {a[1]} ({' '.join(a[2])}) is PDF {b[0]} {b[1]} ({' '.join(b[2])})"
                  for a, b in zip(in_html, in_pdf) if a != b]
        assert differ == [] and len(in_html) == len(in_pdf), (kind, differ[:10], len(in_html), len(in_pdf))


def test_numbers_run_through_the_book(book_build):
    """One scheme, book-wide: no chapter starts again at Table 1."""
    pdf = pdf_labels(book_build.pdf.with_suffix(".aux"))
    for kind in ("Table", "Figure"):
        numbers = [number for k, number, _ in pdf if k == kind]
        assert numbers == list(range(1, len(numbers) + 1)), kind
