"""Figures in the book: one look, and files that are the same byte for byte on every build.

Chapters display a figure and also write it, through :func:`publish`, as SVG into
``_build/figures/<name>.svg`` with a fixed hash salt and no date in its metadata, so two
builds of the same commit give identical figure files that a release can checksum.
:func:`use_book_style` makes the inline backend emit SVG (chosen by the HTML pages) and
PDF (chosen by the PDF build), so figures are vector graphics in both.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import matplotlib as mpl
from matplotlib.text import Text

from living_review.core.figure_files import save_reproducibly
from living_review.core.paths import build_dir

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


def figure_markdown(fig, name: str, *, label: str, caption: str, alt: str, folder: Path | None = None):
    """A numbered figure as MyST, or nothing when there is nothing to plot (``fig`` is None).

    A figure that would only say "nothing to plot" is not a figure: the chapter's text says
    why there is none, and no caption describes a plot that is not there. Otherwise ``fig`` is
    written as ``<name>.svg`` (for the site) and ``<name>.pdf`` (for the PDF) beside the other
    figure files, and the returned Markdown output shows it under ``caption``, with ``label``
    for ``{numref}`` and ``alt`` saying what the figure shows.

    The MyST names the files relative to the working directory, which is the chapter's own
    folder when the book executes it.
    """
    from IPython.display import Markdown

    if fig is None:
        return None
    if not NAME.match(label):
        raise ValueError(f"figure label {label!r}: use lower-case letters, digits, '-' and '_' only")
    svg = publish(fig, name, folder=folder)
    target = (folder or build_dir() / FIGURE_DIR) / f"{name}.svg"
    save_reproducibly(svg, target.with_suffix(".pdf"))
    where = Path(os.path.relpath(target.parent, Path.cwd())).as_posix()
    one_line = " ".join(alt.split()).replace('"', "'")
    return Markdown(f":::{{figure}} {where}/{name}.*\n:name: {label}\n:alt: {one_line}\n\n{caption.strip()}\n:::")
