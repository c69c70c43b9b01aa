"""The PDF: the parts and chapters of ``_toc.yml``, one bibliography, and every glyph inside the text block.

Glyph positions come from ``pdftotext -bbox`` (poppler), which gives every word on every page
with its box in PostScript points; the text block is the page less the margins set in
``_config.yml`` (``sphinxsetup``). Headers and footers sit in the top and bottom margins by
design: below the text block a page holds its footer line and nothing else, so a table or a
figure that runs over the footer, or below it, is found on whichever page it happens.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import pytest
import yaml

pytestmark = pytest.mark.slow

XHTML = "{http://www.w3.org/1999/xhtml}"
POINTS = {"in": 72.0, "cm": 72.0 / 2.54, "mm": 72.0 / 25.4, "pt": 72.0 / 72.27, "bp": 1.0}
# pdftotext rounds boxes to a few hundredths of a point and includes the side bearings
TOLERANCE_PT = 1.0


@dataclass(frozen=True)
class Word:
    page: int
    text: str
    x0: float
    x1: float
    y0: float
    y1: float


@dataclass(frozen=True)
class Page:
    number: int
    width: float
    height: float
    words: tuple[Word, ...]


def pdf_pages(pdf: Path) -> list[Page]:
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    root = ElementTree.fromstring(re.sub(r"<!DOCTYPE[^>]*>", "", out))
    pages = []
    for number, page in enumerate(root.iter(f"{XHTML}page"), start=1):
        words = tuple(
            Word(number, w.text or "", *(float(w.get(k)) for k in ("xMin", "xMax", "yMin", "yMax")))
            for w in page.iter(f"{XHTML}word")
        )
        pages.append(Page(number, float(page.get("width")), float(page.get("height")), words))
    return pages


def _margin(root: Path, key: str) -> float:
    config = yaml.safe_load((root / "_config.yml").read_text())
    setup = config["sphinx"]["config"]["latex_elements"]["sphinxsetup"]
    value, unit = re.search(key + r"\s*=\s*\{?([\d.]+)\s*(in|cm|mm|pt|bp)", setup).groups()
    return float(value) * POINTS[unit]


def side_margin(root: Path) -> float:
    """The ``hmargin`` of ``sphinxsetup`` in ``_config.yml``, in points."""
    return _margin(root, "hmargin")


def vertical_margin(root: Path) -> float:
    """The ``vmargin`` of ``sphinxsetup`` in ``_config.yml``, in points."""
    return _margin(root, "vmargin")


# the footer of living_review.provenance.build_stamp, with the page number at its right (a chapter's
# first page has the number alone)
FOOTER = re.compile(r"(Version \S+, built \S+; data \S+; last search \S+ )?[0-9ivxlcdm]+")
# the words of one line of the footer differ in height by a few points (two fonts)
FOOTER_LINE_PT = 4.0


def below_the_text_block(page: Page, bottom_margin: float) -> list[str]:
    """What ``page`` prints below its text block other than one footer line (empty when nothing).

    A word belongs to the text block while its box starts above the block's lower edge (its
    descenders may reach below it); every other word must be on the footer's line and the
    line must read as the footer does.
    """
    bottom = page.height - bottom_margin
    low = sorted((w for w in page.words if w.y0 > bottom), key=lambda w: w.x0)
    if not low:
        return []
    line = " ".join(w.text for w in low)
    one_line = max(w.y0 for w in low) - min(w.y0 for w in low) <= FOOTER_LINE_PT
    if one_line and FOOTER.fullmatch(line):
        return []
    stray = [w for w in low if not FOOTER.fullmatch(w.text) and not w.text.startswith(("Version", "built", "data", "last"))]
    return [f"p. {page.number}: below the text block, beside the footer: {line[:160]!r}"
            f" ({len(stray)} word(s) from y {min(w.y0 for w in low):.0f} to {max(w.y1 for w in low):.0f})"]


def chapter_titles(root: Path) -> list[tuple[str, list[tuple[str, str]]]]:
    """(part caption, [(level, title) of each page]) from ``_toc.yml``: its chapters, and their
    sub-pages as sections."""
    toc = yaml.safe_load((root / "_toc.yml").read_text())

    def title(file: str) -> str:
        source = root / f"{file}.md"
        if source.is_file():
            text = source.read_text(encoding="utf-8")
        else:  # a generated chapter
            cells = json.loads((root / f"{file}.ipynb").read_text(encoding="utf-8"))["cells"]
            text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
        return re.search(r"^# (.+)$", text, flags=re.M).group(1).strip()

    def walk(entries, level: str) -> list[tuple[str, str]]:
        found = []
        for entry in entries or []:
            found.append((level, title(entry["file"])))
            found += walk(entry.get("sections"), "section")
        return found

    return [(part["caption"], walk(part["chapters"], "chapter")) for part in toc["parts"]]


def toc_entries(book_build) -> list[tuple[str, str]]:
    """(level, title) of every entry LaTeX wrote into the PDF's table of contents."""
    toc = (book_build.pdf.parent / "living-review.toc").read_text(encoding="utf-8")
    entries = []
    for level, title in re.findall(r"\\contentsline \{(part|chapter|section)\}\{(.*)\}\{[^{}]*\}\{[^{}]*\}%?$", toc, re.M):
        title = re.sub(r"\\numberline \{[^}]*\}|\\hspace \{[^}]*\}", "", title)
        title = title.replace(r"\sphinxhyphen {}", "-").replace("{", "").replace("}", "")
        if level == "part":
            title = re.sub(r"^[IVXLC]+(?=[A-Z])", "", title)
        entries.append((level, " ".join(title.split())))
    return entries


@pytest.fixture(scope="module")
def pages(book_build) -> list[Page]:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    assert book_build.pdf_returncode == 0, book_build.pdf_log[-3000:]
    return pdf_pages(book_build.pdf)


def test_no_glyph_falls_outside_the_text_block(book_build, pages):
    margin = side_margin(book_build.root)
    outside = [
        f"p. {w.page}: {w.text!r} spans x {w.x0:.0f}-{w.x1:.0f} (text block {margin:.0f}-{p.width - margin:.0f})"
        for p in pages for w in p.words
        if w.x0 < margin - TOLERANCE_PT or w.x1 > p.width - margin + TOLERANCE_PT
        or w.y0 < 0 or w.y1 > p.height
    ]
    assert outside == []


def test_nothing_but_the_footer_below_the_text_block_on_any_page(book_build, pages):
    """Long tables break across pages and figures fit with their captions: no word of a table,
    a figure or the text prints over the footer or below it, on any of the pages."""
    bottom = vertical_margin(book_build.root)
    assert len(pages) > 100 and sum(1 for p in pages if any(w.y0 > p.height - bottom for w in p.words)) > 100
    assert [problem for page in pages for problem in below_the_text_block(page, bottom)] == []


def test_the_footer_check_finds_a_table_row_over_the_footer():
    footer = [Word(3, t, x, x + 20, 790.0, 800.0) for t, x in
              (("Version", 72), ("1.3.0,", 100), ("built", 130), ("2026-12-08;", 160), ("data", 200),
               ("028d82c5a214;", 230), ("last", 300), ("search", 330), ("2026-12-01", 360), ("29", 500))]
    page = Page(3, 595.0, 842.0, tuple(footer))
    assert below_the_text_block(page, 72.0) == []
    row = (Word(3, "Tahara", 72, 100, 792.0, 804.0), Word(3, "17", 150, 160, 792.0, 804.0))
    assert below_the_text_block(Page(3, 595.0, 842.0, tuple(footer) + row), 72.0)
    assert below_the_text_block(Page(3, 595.0, 842.0, (Word(3, "lost", 72, 90, 776.0, 788.0),)), 72.0)


def _plain(word: Word) -> bool:
    """Text, not typeset mathematics (whose accents and symbols are placed over other glyphs)."""
    return all(ord(c) < 0x2B0 and unicodedata.category(c) not in ("Sk", "Lm", "Mn") for c in word.text)


def test_no_two_words_print_over_each_other(pages):
    """A word that runs past its table cell prints over the next cell's text."""
    overlaps = []
    for page in pages:
        lines: dict[tuple[float, float], list[Word]] = {}
        for word in filter(_plain, page.words):
            lines.setdefault((round(word.y0, 1), round(word.y1, 1)), []).append(word)
        for words in lines.values():
            words.sort(key=lambda w: w.x0)
            overlaps += [
                f"p. {a.page}: {a.text!r} runs into {b.text!r}"
                for a, b in zip(words, words[1:]) if a.x1 - b.x0 > TOLERANCE_PT
            ]
    assert overlaps == []


def test_contents_have_the_parts_and_chapters_of_the_toc(book_build):
    entries = toc_entries(book_build)
    expected = []
    for caption, pages in chapter_titles(book_build.root):
        expected.append(("part", caption))
        expected += pages
    titles = {title for _, pages in chapter_titles(book_build.root) for _, title in pages}
    found = [e for e in entries if e[0] == "part" or (e[0] == "chapter" and e[1] != "Bibliography")
             or (e[0] == "section" and e[1] in titles)]
    assert found == expected


def test_the_contents_page_is_called_contents(pages):
    # Sphinx would name it after the first part ("Findings")
    first = next(p for p in pages if any(w.text == "Findings" for w in p.words))
    assert first.words[0].text.casefold() == "contents", [w.text for w in first.words[:5]]


def test_one_bibliography_at_the_end_with_each_work_once(book_build, pages):
    entries = toc_entries(book_build)
    assert [e for e in entries if e[0] == "chapter"][-1] == ("chapter", "Bibliography")
    assert sum(1 for e in entries if e[1] == "Bibliography") == 1
    tex = (book_build.pdf.parent / "living-review.tex").read_text(encoding="utf-8")
    assert tex.count(r"\begin{sphinxthebibliography}") == 1
    body = tex.split(r"\begin{sphinxthebibliography}", 1)[1].split(r"\end{sphinxthebibliography}", 1)[0]
    works = [re.sub(r"\s+", " ", item).strip() for item in re.split(r"\\bibitem\[[^\]]*\]\{[^}]*\}", body)[1:]]
    assert works and len(works) == len(set(works)), [w[:60] for w in works if works.count(w) > 1]
    # every citation in the text links to an entry that is listed
    listed = set(re.findall(r"\\bibitem\[[^\]]*\]\{([^}]*)\}", body))
    linked = set(re.findall(r"\\hyperlink\{cite\.([^}]*)\}", tex))
    assert linked and linked <= listed, sorted(linked - listed)[:5]


def test_no_empty_references_heading(book_build):
    entries = toc_entries(book_build)
    assert [e for e in entries if e[1] in ("References", "Bibliography") and e[0] != "chapter"] == []
    tex = (book_build.pdf.parent / "living-review.tex").read_text(encoding="utf-8")
    assert not re.search(r"\\(sub)*section\{References\}", tex)
