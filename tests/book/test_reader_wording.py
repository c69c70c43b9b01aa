"""The internal-wording check: the one list of phrases, template plurals and alt texts that
repeat their caption, found in a page's text and never in its code."""

from __future__ import annotations

import pytest
from docutils import nodes
from docutils.frontend import get_default_settings
from docutils.parsers.rst import Parser
from docutils.utils import new_document

from living_review.book.reader_wording import (
    INTERNAL_PHRASES, TEMPLATE_PLURAL, alt_equal_to_caption, find_internal_wording, page_problems,
)


def _document(*children: nodes.Node) -> nodes.document:
    document = new_document("test", get_default_settings(Parser))
    document.extend(children)
    return document


@pytest.mark.parametrize("text", [
    "The pooled median OS comes from the survival chapter, computed in this same build.",
    "Every number is computed with the configured analysis (Freeman-Tukey).",
    "This chapter is generated from one template for every drug of the review.",
    "The estimates published here are in the ledger of published estimates.",
    "The chapter records 11 pooled estimates in the ledger.",
    "the validator (living-review validate) checks every row",
    "added by the loader (living_review.data.load_evidence)",
    "Smith 2019: sorafenib (a description: the title was not shown in the pages read)",
    "[not itemised in the addendum] trials of anlotinib",
    "Title as described in the addendum to the extraction notes",
    "Combination: pooled separately",
    "two phase 2 trials [Ito and others, 2017, Savvides et al., 2013]",
    "Effect measure(s) used for each outcome.", "AE denominator(s)", "Combination partner(s)",
])
def test_every_listed_phrase_is_found(text):
    assert find_internal_wording(text)


@pytest.mark.parametrize("text", [
    "Every number is computed from the review's data with one analysis (Freeman-Tukey, REML).",
    "Ito et al., 2017; Kim and Lee, 2021", "Combination: by regimen, apart from monotherapy",
    "Effect measures used for each outcome.", "the S(t) curve", "AE denominators",
])
def test_reader_wording_passes(text):
    assert find_internal_wording(text) == []


def test_the_list_is_one_list_of_phrases_with_what_to_write_instead():
    assert len(INTERNAL_PHRASES) >= 10
    assert all(p.pattern and p.instead for p in (*INTERNAL_PHRASES, TEMPLATE_PLURAL))
    assert len({p.pattern for p in INTERNAL_PHRASES}) == len(INTERNAL_PHRASES)


def test_code_is_not_read_but_prose_tables_and_captions_are():
    code = nodes.literal_block("", "from living_review.data import load_evidence")
    prose = nodes.paragraph("", "The estimates are in the ledger.")
    cell = nodes.entry("", nodes.paragraph("", "AE denominator(s)"))
    problems = page_problems(_document(code, prose, nodes.table("", cell)))
    assert any("ledger" in p for p in problems) and any("denominator(s)" in p for p in problems)
    assert not any("load_evidence" in p for p in problems)


def _figure(caption: str, alt: str | None) -> nodes.figure:
    image = nodes.image(uri="x.svg", **({"alt": alt} if alt is not None else {}))
    return nodes.figure("", image, nodes.caption("", caption))


def test_an_alt_text_that_repeats_the_caption_is_found():
    document = _document(
        _figure("Disease control rate by setting.", "Disease control rate by setting"),
        _figure("Leave-one-out analysis of the pooled DCR.", None),
        _figure("Funnel plot of the ORR.", "Funnel plot: each cohort is a point, its ORR against its standard error."),
    )
    assert alt_equal_to_caption(document) == ["Disease control rate by setting.", "Leave-one-out analysis of the pooled DCR."]
    assert sum("alt text" in p for p in page_problems(document)) == 2


def test_a_page_that_prints_a_listed_phrase_fails_the_build(tmp_path):
    """The extension in a real Sphinx build with warnings as errors, as the book is built."""
    import subprocess
    import sys

    (tmp_path / "conf.py").write_text("extensions = ['living_review.book.reader_wording']\n", encoding="utf-8")
    (tmp_path / "index.rst").write_text("Title\n=====\n\nThe estimates are in the ledger.\n\n"
                                        ".. code-block:: python\n\n   load_evidence()\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "sphinx", "-W", "-q", "-b", "html", str(tmp_path), str(tmp_path / "out")],
                         capture_output=True, text=True)
    assert run.returncode != 0 and "index: prints 'ledger'" in run.stderr, run.stderr[-2000:]
    assert "load_evidence" not in run.stderr
    (tmp_path / "index.rst").write_text("Title\n=====\n\nThe estimates are in each release's summary.\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "sphinx", "-W", "-q", "-b", "html", str(tmp_path), str(tmp_path / "out")],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-2000:]
