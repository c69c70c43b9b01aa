"""PRISMA 2020 flow diagram for an updated review, drawn with matplotlib from :class:`PrismaCounts`.

The layout follows the PRISMA 2020 template "for updated systematic reviews which included
searches of databases, registers and other sources" (Page et al. 2021, BMJ 372:n71, Fig. 1):
a column for the studies of the previous version, one for databases and registers, one for
other methods, each with its exclusion boxes to the right. Every number is taken from the
counts; nothing is typed here.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch

from living_review.core.figure_files import save_reproducibly
from living_review.search.prisma import PrismaCounts

SUFFIXES = (".png", ".pdf", ".svg")
_HEADER = {"previous": "#d9d9d9", "dbr": "#ffd966", "other": "#ffd966"}
_PHASE = "#9dc3e6"
_OTHER_FILL = "#ededed"


def _n(label: str, n: int) -> str:
    # Non-breaking spaces keep "(n = 12)" on one line when the text is wrapped.
    return f"{label} (n\u00a0=\u00a0{n})"


def _reason_lines(reasons: dict[str, int]) -> list[str]:
    return [f"  {_n(k, v)}" for k, v in reasons.items()] or ["  none (n = 0)"]


def _texts(c: PrismaCounts) -> dict[str, list[str]]:
    """Text of every box, keyed by box name; lines of one box."""
    dbr_sources = [f"    {_n(k, v)}" for k, v in {**c.database_specific_results,
                                                   **c.register_specific_results}.items()]
    return {
        "prev": [_n("Studies included in previous version of review", c.previous_studies), "",
                 _n("Reports of studies included in previous version of review", c.previous_reports)],
        "dbr_id": ["Records identified from:", f"  {_n('Databases', c.database_results)}",
                   f"  {_n('Registers', c.register_results)}", *dbr_sources],
        "dbr_removed": ["Records removed before screening:", f"  {_n('Duplicate records removed', c.duplicates)}",
                        f"  {_n('Records marked as ineligible by automation tools', c.excluded_automatic)}",
                        f"  {_n('Records removed for other reasons (already in previous version)', c.excluded_other)}"],
        "dbr_screened": [_n("Records screened", c.records_screened),
                         *([_n("Records awaiting screening", c.records_awaiting_screening)]
                           if c.records_awaiting_screening else [])],
        "dbr_excl_records": [_n("Records excluded", c.records_excluded)],
        "dbr_sought": [_n("Reports sought for retrieval", c.dbr_sought_reports)],
        "dbr_notretrieved": [_n("Reports not retrieved", c.dbr_notretrieved_reports)],
        "dbr_assessed": [_n("Reports assessed for eligibility", c.dbr_assessed),
                         *([_n("Reports awaiting assessment", c.reports_awaiting_assessment)]
                           if c.reports_awaiting_assessment else [])],
        "dbr_excluded": ["Reports excluded:", *_reason_lines(c.dbr_excluded)],
        "other_id": ["Records identified from:", f"  {_n('Websites (hand searching)', c.website_results)}",
                     f"  {_n('Organisations', c.organisation_results)}",
                     f"  {_n('Citation searching', c.citations_results)}"],
        "other_removed": ["Records not sought for retrieval:", f"  {_n('Duplicate records', c.other_duplicates)}",
                          f"  {_n('Reports of studies included in previous version', c.other_previously_included)}"],
        "other_sought": [_n("Reports sought for retrieval", c.other_sought_reports)],
        "other_notretrieved": [_n("Reports not retrieved", c.other_notretrieved_reports)],
        "other_assessed": [_n("Reports assessed for eligibility", c.other_assessed)],
        "other_excluded": ["Reports excluded:", *_reason_lines(c.other_excluded)],
        "new": [_n("New studies included in review", c.new_studies),
                _n("Reports of new included studies", c.new_reports)],
        "total": [_n("Total studies included in review", c.total_studies),
                  _n("Reports of total included studies", c.total_reports)],
    }


def prisma_figure(counts: PrismaCounts, *, fontsize: float = 8.5) -> Figure:
    """Draw the PRISMA 2020 flow diagram of an updated review.

    Parameters
    ----------
    counts : PrismaCounts
        From :func:`living_review.search.prisma.compute_prisma`.
    fontsize : float
        Box text size in points. At the default the figure is 9.1 inches wide, so box text
        stays at 6 pt or more when scaled to a 6.5-inch PDF text width.

    Returns
    -------
    matplotlib.figure.Figure
        Never shown; save it with :func:`save_prisma_figure` or ``fig.savefig``.

    Notes
    -----
    Box heights follow their wrapped line count; the footnote gives the previous version's
    own flow (from :class:`~living_review.search.previous_version.PreviousVersion`) and its source.

    References
    ----------
    Page MJ, McKenzie JE, Bossuyt PM, et al. The PRISMA 2020 statement. BMJ 2021;372:n71.
    Haddaway NR, Page MJ, Pritchard CC, McGuinness LA. PRISMA2020: An R package and Shiny
    app. Campbell Syst Rev 2022;18:e1230.

    Example
    -------
    >>> fig = prisma_figure(load_prisma("data/search", ids))  # doctest: +SKIP
    """
    line_h = fontsize * 1.13 / 72  # inches per text line at linespacing 1.15 (measured, DejaVu Sans)
    pad = 0.09
    bar_w, gap = 0.28, 0.12
    widths = {"prev": 1.3, "dbr": 1.55, "dbr_side": 1.8, "other": 1.55, "other_side": 1.8}
    x, left = {}, bar_w + gap
    for name, w in widths.items():
        x[name] = left
        left += w + (gap if name in ("prev", "dbr_side", "other_side") else 0.22)
    fig_w = left
    col = {"prev": "prev", "dbr_id": "dbr", "dbr_removed": "dbr_side", "dbr_screened": "dbr",
           "dbr_excl_records": "dbr_side", "dbr_sought": "dbr", "dbr_notretrieved": "dbr_side",
           "dbr_assessed": "dbr", "dbr_excluded": "dbr_side", "other_id": "other",
           "other_removed": "other_side", "other_sought": "other", "other_notretrieved": "other_side",
           "other_assessed": "other", "other_excluded": "other_side", "new": "dbr", "total": "prev"}
    chars_per_in = 72 / (fontsize * 0.53)  # mean glyph width of DejaVu Sans in running text
    lines = {}
    for name, raw in _texts(counts).items():
        width_chars = int((widths[col[name]] - 2 * pad) * chars_per_in)
        wrapped = []
        for text in raw:
            indent = " " * (len(text) - len(text.lstrip()))
            wrapped += textwrap.wrap(text.lstrip(), width_chars, initial_indent=indent,
                                     subsequent_indent=indent + "  ", break_long_words=False,
                                     break_on_hyphens=False) or [""]
        lines[name] = wrapped
    rows = [["prev", "dbr_id", "dbr_removed", "other_id", "other_removed"],
            ["dbr_screened", "dbr_excl_records"],
            ["dbr_sought", "dbr_notretrieved", "other_sought", "other_notretrieved"],
            ["dbr_assessed", "dbr_excluded", "other_assessed", "other_excluded"],
            ["new", "total"]]
    prev = counts.previous_version
    notes = [f"Previous version: {prev.records_identified} records identified, {prev.duplicates} duplicates removed, "
             f"{prev.records_screened} screened, {prev.records_excluded} excluded, {prev.reports_assessed} full texts "
             f"assessed, {sum(prev.reports_excluded.values())} excluded, {prev.studies_included} studies included "
             f"({prev.source})."]
    if counts.database_results + counts.register_results == 0:
        notes.append("No database or register was searched in this update.")
    if counts.new_cohorts != counts.new_studies:
        notes.append(f"New studies give {counts.new_cohorts} cohorts (one report can describe several arms).")
    footnote = "\n".join(textwrap.fill(n, int((fig_w - 0.2) * chars_per_in)) for n in notes)
    height = {n: len(v) * line_h + 2 * pad for n, v in lines.items()}
    row_h = [max(height[n] for n in row) for row in rows]
    header_h, row_gap = 0.42, 0.3
    foot_h = (footnote.count("\n") + 1) * line_h + 0.25
    fig_h = header_h + row_gap + sum(row_h) + row_gap * (len(rows) - 1) + foot_h + 0.15
    fig = Figure(figsize=(fig_w, fig_h))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, fig_w)
    ax.set_ylim(fig_h, 0)  # y grows downward, in inches
    ax.axis("off")

    top = {}
    y = header_h + row_gap
    for row, h in zip(rows, row_h):
        for name in row:
            top[name] = y
        y += h + row_gap
    box = {}
    for name in lines:
        c = col[name]
        h = row_h[0] if name == "prev" else height[name]
        fill = _OTHER_FILL if c.startswith("other") else "white"
        box[name] = (x[c], top[name], widths[c], h)
        ax.add_patch(FancyBboxPatch((x[c], top[name]), widths[c], h, boxstyle="square,pad=0",
                                    fc=fill, ec="black", lw=0.8))
        ax.text(x[c] + pad, top[name] + pad, "\n".join(lines[name]), va="top", ha="left",
                fontsize=fontsize, linespacing=1.15)

    headers = [("prev", "prev", "Previous studies", "previous"),
               ("dbr", "dbr_side", "Identification of new studies via databases and registers", "dbr"),
               ("other", "other_side", "Identification of new studies via other methods", "other")]
    for first, last, text, key in headers:
        x0, x1 = x[first], x[last] + widths[last]
        ax.add_patch(FancyBboxPatch((x0, 0.1), x1 - x0, header_h - 0.1, boxstyle="round,pad=0,rounding_size=0.06",
                                    fc=_HEADER[key], ec="black", lw=0.8))
        ax.text((x0 + x1) / 2, 0.1 + (header_h - 0.1) / 2, "\n".join(textwrap.wrap(text, int((x1 - x0) * chars_per_in * 0.85))),
                ha="center", va="center", fontsize=fontsize + 0.5, fontweight="bold")
    phases = [("Identification", top["dbr_id"], top["dbr_id"] + row_h[0]),
              ("Screening", top["dbr_screened"], top["dbr_assessed"] + row_h[3]),
              ("Included", top["new"], top["new"] + row_h[4])]
    for text, y0, y1 in phases:
        ax.add_patch(FancyBboxPatch((0.06, y0), bar_w - 0.04, y1 - y0, boxstyle="round,pad=0,rounding_size=0.06",
                                    fc=_PHASE, ec="black", lw=0.8))
        ax.text(0.06 + (bar_w - 0.04) / 2, (y0 + y1) / 2, text, rotation=90, ha="center", va="center",
                fontsize=fontsize + 0.5, fontweight="bold")

    def mid(name, side):
        bx, by, bw, bh = box[name]
        return {"bottom": (bx + bw / 2, by + bh), "top": (bx + bw / 2, by), "right": (bx + bw, by + bh / 2),
                "left": (bx, by + bh / 2)}[side]

    def arrow(start, end, via=None):
        points = [start, *(via or []), end]
        for a, b in zip(points[:-2], points[1:-1]):
            ax.plot([a[0], b[0]], [a[1], b[1]], color="black", lw=0.8)
        ax.annotate("", xy=points[-1], xytext=points[-2],
                    arrowprops={"arrowstyle": "-|>", "lw": 0.8, "color": "black", "shrinkA": 0, "shrinkB": 0})

    for a, b in (("dbr_id", "dbr_screened"), ("dbr_screened", "dbr_sought"), ("dbr_sought", "dbr_assessed"),
                 ("dbr_assessed", "new"), ("other_id", "other_sought"), ("other_sought", "other_assessed")):
        arrow(mid(a, "bottom"), mid(b, "top"))
    for a, b in (("dbr_id", "dbr_removed"), ("dbr_screened", "dbr_excl_records"), ("dbr_sought", "dbr_notretrieved"),
                 ("dbr_assessed", "dbr_excluded"), ("other_id", "other_removed"),
                 ("other_sought", "other_notretrieved"), ("other_assessed", "other_excluded"), ("new", "total")):
        # Boxes of a row share their top edge: aim at the middle of the shorter one.
        yy = box[a][1] + min(box[a][3], box[b][3]) / 2
        if b == "total":
            arrow((box[a][0], yy), (box[b][0] + box[b][2], yy))
        else:
            arrow((box[a][0] + box[a][2], yy), (box[b][0], yy))
    arrow(mid("prev", "bottom"), mid("total", "top"))
    ox, oy = mid("other_assessed", "bottom")
    ny = mid("new", "right")[1]
    arrow((ox, oy), mid("new", "right"), via=[(ox, ny)])

    ax.text(0.06, fig_h - foot_h + 0.05, footnote, va="top", ha="left", fontsize=fontsize - 0.5, linespacing=1.15)
    return fig


def save_prisma_figure(counts: PrismaCounts, path: str | Path, *, dpi: int = 200) -> Path:
    """Draw and save the diagram; the format follows the suffix (.png, .pdf or .svg)."""
    path = Path(path)
    if path.suffix.lower() not in SUFFIXES:
        raise ValueError(f"{path.name}: unsupported figure format; use one of {list(SUFFIXES)}")
    return save_reproducibly(prisma_figure(counts), path, dpi=dpi)
