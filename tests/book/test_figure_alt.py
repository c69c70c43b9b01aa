"""Figures without alt text get their caption as alt text; an author's alt text is kept."""

from __future__ import annotations

from docutils import nodes

from living_review.book.figure_alt import caption_alt, fill_alt


def _document(*figures: nodes.figure) -> nodes.document:
    from docutils.frontend import get_default_settings
    from docutils.parsers.rst import Parser
    from docutils.utils import new_document

    document = new_document("test", get_default_settings(Parser))
    document.extend(figures)
    return document


def _figure(caption: str | None, **image) -> nodes.figure:
    figure = nodes.figure("", nodes.container("", nodes.image(uri="../../_images/ab12.svg", **image)))
    if caption is not None:
        figure += nodes.caption("", "", nodes.Text(caption), nodes.emphasis("", " (log scale)"))
    return figure


def test_caption_becomes_the_alt_text():
    document = _document(_figure("Median overall survival\n  by cohort"), _figure(None),
                         _figure("Kept", alt="Forest plot of three cohorts."))
    assert fill_alt(document) == 1
    alts = [image.get("alt") for image in document.findall(nodes.image)]
    assert alts == ["Median overall survival by cohort (log scale)", None, "Forest plot of three cohorts."]


def test_an_empty_caption_gives_no_alt():
    figure = nodes.figure("", nodes.image(uri="x.svg"), nodes.caption("", "   "))
    assert caption_alt(figure) is None
