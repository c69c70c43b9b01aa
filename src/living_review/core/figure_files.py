"""Figure files that are the same byte for byte every time they are written.

Matplotlib writes the creation date into SVG and PDF files and random ids into SVG; a
release checksums its figures, so every figure file of the project is written here, with
a fixed SVG hash salt and no dates.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib as mpl
from matplotlib.text import Text

FORMATS = ("svg", "pdf", "png")
HASH_SALT = "living-review"
_NO_DATES = {"svg": {"Date": None}, "pdf": {"CreationDate": None, "ModDate": None}, "png": {"Software": None}}


def save_reproducibly(fig, path, *, dpi: int = 200, rc: dict | None = None) -> Path:
    """Save ``fig`` to ``path`` (.svg, .pdf or .png) with no date or random id in the file.

    Parameters
    ----------
    fig : matplotlib Figure.
    path : target file; the suffix chooses the format; missing folders are made.
    dpi : resolution of raster output (PNG) and of rasterised parts.
    rc : extra rcParams in force while saving (e.g. a figure family's style).
    """
    path = Path(path)
    fmt = path.suffix.lstrip(".").lower()
    if fmt not in FORMATS:
        raise ValueError(f"cannot save a figure as {path.name!r}: use .svg, .pdf or .png")
    path.parent.mkdir(parents=True, exist_ok=True)
    for text in fig.findobj(Text):  # figure text comes from data: a '$' is a character, never mathtext
        text.set_parse_math(False)
    with mpl.rc_context({**(rc or {}), "svg.hashsalt": HASH_SALT}):
        fig.savefig(path, format=fmt, dpi=dpi, bbox_inches="tight", metadata=_NO_DATES[fmt])
    return path
