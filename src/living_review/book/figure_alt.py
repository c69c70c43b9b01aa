"""Sphinx extension: every figure's image has alt text that says what the figure shows.

Figures pasted from a chapter's outputs (myst-nb ``glue:figure`` and figure cells) carry no
alt text, and the HTML writer then falls back to the image's file path
(``../../_images/fba45d….svg``), which is what a screen reader would read out. This
transform gives each such image the text of its figure's caption instead; an image whose
author wrote an ``:alt:`` keeps it.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform

from living_review._version import __version__


def caption_alt(figure: nodes.figure) -> str | None:
    """The caption of ``figure`` as one line of plain text, or None when it has none."""
    caption = next(iter(figure.findall(nodes.caption)), None)
    if caption is None:
        return None
    text = " ".join(caption.astext().split())
    return text or None


def fill_alt(document: nodes.document) -> int:
    """Give every image of a captioned figure without alt text its caption; return how many."""
    filled = 0
    for figure in document.findall(nodes.figure):
        alt = caption_alt(figure)
        if alt is None:
            continue
        for image in figure.findall(nodes.image):
            if not image.get("alt"):
                image["alt"] = alt
                filled += 1
    return filled


class FigureAltText(SphinxTransform):
    """Alt text from the caption, for images of figures that have none (see the module docstring)."""

    default_priority = 900  # after myst-nb has pasted the glued outputs

    def apply(self, **kwargs: Any) -> None:
        fill_alt(self.document)


def setup(app: Sphinx) -> dict:
    app.add_transform(FigureAltText)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
