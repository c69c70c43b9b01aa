"""Figures in the book: one look, and files that are the same byte for byte on every build.

Chapters display a figure and also write it, through :func:`publish`, as SVG into
``_build/figures/<name>.svg`` with a fixed hash salt and no date in its metadata, so two
builds of the same commit give identical figure files that a release can checksum.
:func:`use_book_style` makes the inline backend emit SVG (chosen by the HTML pages) and
PDF (chosen by the PDF build), so figures are vector graphics in both.
"""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib as mpl
from matplotlib.text import Text

from living_review.book.figure_files import save_reproducibly
from living_review.paths import build_dir

FIGURE_DIR = "figures"
NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")

#: rcParams shared by every figure of the book: text stays legible at page width.
BOOK_RC = {
    "font.size": 9,
    "font.family": "DejaVu Sans",
    "axes.titlesize": 10,
    "axes.labelsize": 9,
    "xtick.labelsize": 8.5,
    "ytick.labelsize": 8.5,
    "legend.fontsize": 8.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "svg.fonttype": "path",
    # inline SVGs in the pages: fixed ids (matplotlib takes their dates from SOURCE_DATE_EPOCH)
    "svg.hashsalt": "living-review",
    "pdf.fonttype": 42,
    "figure.dpi": 110,
    "savefig.dpi": 200,
    # labels come from data: a '$' in a study label is a character, never the start of mathtext
    "text.parse_math": False,
}



def use_book_style() -> None:
    """Apply the book's rcParams and make inline figures vector graphics (SVG and PDF)."""
    mpl.rcParams.update(BOOK_RC)
    try:
        from matplotlib_inline.backend_inline import set_matplotlib_formats
    except ImportError:  # pragma: no cover - outside a notebook kernel
        return
    set_matplotlib_formats("svg", "pdf")


def literal_text(fig) -> None:
    """Show every text of ``fig`` as written: no mathtext (figure text comes from data)."""
    for text in fig.findobj(Text):
        text.set_parse_math(False)


def publish(fig, name: str, *, folder: Path | None = None):
    """Write ``fig`` as ``<_build>/figures/<name>.svg`` and return it for display.

    Parameters
    ----------
    fig : matplotlib Figure.
    name : file stem, lower case letters, digits, ``-`` and ``_`` (the figure's name in the book).
    folder : where to write instead of ``_build/figures`` (tests).
    """
    if not NAME.match(name):
        raise ValueError(f"figure name {name!r}: use lower-case letters, digits, '-' and '_' only")
    literal_text(fig)
    save_reproducibly(fig, (folder or build_dir() / FIGURE_DIR) / f"{name}.svg")
    return fig
