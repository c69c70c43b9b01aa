"""The LaTeX book has the parts and chapters of the table of contents and one bibliography.

A small Sphinx project with the book's layout (a root page with its own sections, parts in
``_toc.yml``, a bibliography filtered to each page, works cited on several pages) is built
with the LaTeX builder; the ``.tex`` it writes is read back.
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

CONF = """
extensions = ["sphinx_external_toc", "sphinxcontrib.bibtex", "living_review.book.latex_structure"]
external_toc_path = "_toc.yml"
root_doc = "index"
bibtex_bibfiles = ["refs.bib"]
bibtex_reference_style = "author_year"
suppress_warnings = ["bibtex.duplicate_citation"]
latex_toplevel_sectioning = "part"
latex_documents = [("index", "book.tex", "Book", "Team", "manual")]
"""

TOC = """
format: jb-book
root: index
parts:
  - caption: Findings first
    chapters:
      - file: a
        sections:
          - file: a1
  - caption: Then the rest
    chapters:
      - file: b
      - file: c
"""

BIB = """
@article{one, author = {Cao, Lin and Other, Ann}, title = {First work}, journal = {J}, year = {2024}}
@article{two, author = {Smith, Jo}, title = {Second work}, journal = {J}, year = {2019}}
@article{twob, author = {Smith, Jo}, title = {Second work}, journal = {J}, year = {2019}, note = {Other arm}}
"""

PAGES = {
    "index": """
        The book
        ========

        Opening text :cite:p:`one`.

        This version
        ------------

        Stamp.

        .. tableofcontents::

        Bibliography
        ------------

        .. bibliography::
           :filter: docname in docnames
        """,
    "a": """
        Chapter A
        =========

        Cites :cite:p:`one` and :cite:p:`two`.

        References
        ----------

        .. bibliography::
           :filter: docname in docnames
        """,
    "a1": """
        Section A1
        ==========

        No citation here.
        """,
    "b": """
        Chapter B
        =========

        Cites :cite:p:`one` again.

        References
        ----------

        .. bibliography::
           :filter: docname in docnames
        """,
    "c": """
        Chapter C
        =========

        Cites :cite:p:`two` again, with its other arm :cite:p:`twob`.

        References
        ----------

        .. bibliography::
           :filter: docname in docnames
        """,
}


@pytest.fixture(scope="module")
def tex(tmp_path_factory) -> str:
    source = tmp_path_factory.mktemp("latex_book")
    (source / "conf.py").write_text(CONF)
    (source / "_toc.yml").write_text(TOC)
    (source / "refs.bib").write_text(BIB)
    for name, text in PAGES.items():
        (source / f"{name}.rst").write_text(textwrap.dedent(text))
    out = source / "_out"
    run = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "latex", "-W", "-q", str(source), str(out)],
        capture_output=True, text=True, timeout=300,
    )
    assert run.returncode == 0, run.stderr
    return (out / "book.tex").read_text()


def headings(tex: str) -> list[tuple[str, str]]:
    return re.findall(r"\\(part|chapter|section|subsection)\*?\{([^}]*)\}", tex)


def test_parts_hold_their_chapters_in_order(tex):
    levels = [h for h in headings(tex) if h[0] in ("part", "chapter", "section")]
    assert levels == [
        ("chapter", "About this book"),  # unnumbered: the root page's own text
        ("part", "Findings first"), ("chapter", "Chapter A"), ("section", "Section A1"),
        ("part", "Then the rest"), ("chapter", "Chapter B"), ("chapter", "Chapter C"),
    ]


def test_root_page_text_comes_before_the_first_part_without_a_chapter(tex):
    first_part = tex.index(r"\part{Findings first}")
    assert tex.index("Opening text") < first_part
    assert tex.index("Stamp.") < first_part
    assert r"\chapter{This version}" not in tex
    # under an unnumbered heading of its own, after the contents
    assert tex.index(r"\sphinxtableofcontents") < tex.index(r"\chapter*{About this book}") < tex.index("Opening text")


def test_one_bibliography_each_work_once_sorted(tex):
    assert tex.count(r"\begin{sphinxthebibliography}") == 1
    items = re.findall(r"\\bibitem\[([^\]]*)\]\{([^}]*)\}", tex)
    labels = [label for label, _ in items]
    # "two" is labelled Smi19 on page a and Smi19a on page c (where "twob" is Smi19b): listed once
    assert len(labels) == 3 and labels == sorted(labels, key=str.casefold), items
    assert tex.index("First work") < tex.index("Second work")


def test_every_citation_links_to_an_entry_that_is_listed(tex):
    listed = set(re.findall(r"\\bibitem\[[^\]]*\]\{([^}]*)\}", tex))
    links = re.findall(r"\\hyperlink\{cite\.([^}]*)\}", tex)
    assert len(links) == 6
    assert set(links) <= listed, (set(links) - listed)


def test_no_empty_heading_is_left(tex):
    titles = [title for _, title in headings(tex)]
    assert "References" not in titles and "Bibliography" not in titles


def test_a_section_left_with_only_the_footnote_transition_is_removed():
    from docutils import nodes as dn
    from docutils.frontend import get_default_settings
    from docutils.parsers.rst import Parser
    from docutils.utils import new_document

    from living_review.book.latex_structure import drop_empty_sections

    document = new_document("test", get_default_settings(Parser))
    kept = dn.section("", dn.title("", "Results"), dn.paragraph("", "text"), dn.transition())
    emptied = dn.section("", dn.title("", "References"), dn.transition(), dn.target(refid="x"))
    document.extend([kept, emptied])
    drop_empty_sections(document)
    assert [s[0].astext() for s in document.findall(dn.section)] == ["Results"]
