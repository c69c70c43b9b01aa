"""Shared look of the meta-analysis figures and a deterministic way to save them."""

from __future__ import annotations

from pathlib import Path

from living_review.core.figure_files import save_reproducibly

#: Book body text is ~ 6.5-7 in wide; figures are drawn at that size so 8-9 pt text stays legible.
PAGE_WIDTH_IN = 7.0
FONT_SIZE = 8.5
STUDY_COLOUR = "#4d4d4d"
POOLED_COLOUR = "#1f4e79"
PREDICTION_COLOUR = "#b2182b"


def rc() -> dict:
    """rcParams for the figures (used as a context so global settings are left alone)."""
    return {
        "font.size": FONT_SIZE, "font.family": "DejaVu Sans", "axes.linewidth": 0.8,
        "xtick.labelsize": FONT_SIZE - 0.5, "ytick.labelsize": FONT_SIZE - 0.5,
        "pdf.fonttype": 42, "ps.fonttype": 42,
    }


def save(fig, path) -> Path:
    """Save ``fig`` byte-for-byte reproducibly (no dates or random ids) as PNG, SVG or PDF.

    Example
    -------
    >>> save(fig, "forest_orr.pdf")  # doctest: +SKIP
    """
    return save_reproducibly(fig, path, dpi=200, rc=rc())
