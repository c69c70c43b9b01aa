"""Risk-of-bias figures in the layouts of R ``robvis``: the traffic-light plot and the weighted summary plot.

Both functions draw any of the review's tools (:mod:`living_review.appraisal.rob_tools`): the
JBI checklist per cohort, RoB 2 and ROBINS-I per comparison; the tool is the assessment's
(:attr:`~living_review.analyses.risk_of_bias.Assessment.tool`). Each judgement has a colour
*and* a letter or symbol, so that the plots read in greyscale and for colour-blind readers:
JBI Y, N, ?, NA (overall L, ?, H); RoB 2 and ROBINS-I the symbols of robvis, + low,
− some concerns or moderate, × high or serious, ! critical, ? no information. Colours are
the Okabe-Ito palette in robvis's roles (green low, yellow-orange some concerns or moderate,
vermilion high or serious, a darker red critical, blue no information, grey not applicable).

:func:`traffic_light_alt` and :func:`summary_alt` give the figures' alternative text, from
the counts the figure shows (no text from the data).

References
----------
McGuinness LA, Higgins JPT. Risk-of-bias VISualization (robvis). Res Syn Meth 2021;12:55-61.
Okabe M, Ito K. Color universal design (CUD), 2008.
"""

from __future__ import annotations

import textwrap

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from living_review.analyses.risk_of_bias import LABELS, OVERALL_LABELS, Assessment
from living_review.appraisal.rob_tools import LEVEL_LABELS, get_tool

COLOURS = {"yes": "#009E73", "no": "#D55E00", "unclear": "#E69F00", "not_applicable": "#BBBBBB",
           "low": "#009E73", "high": "#D55E00", "some_concerns": "#E69F00", "moderate": "#E69F00",
           "serious": "#D55E00", "critical": "#8B1E00", "no_information": "#56B4E9"}
#: letter colour where black would not read on the circle
TEXT_COLOURS = {"critical": "white"}
#: the JBI marks (kept under this name); :data:`TOOL_MARKS` has every tool's
MARKS = {"yes": "Y", "no": "N", "unclear": "?", "not_applicable": "NA", "low": "L", "high": "H"}
_SYMBOLS = {"low": "+", "some_concerns": "−", "moderate": "−", "high": "×", "serious": "×", "critical": "!",
            "no_information": "?"}
TOOL_MARKS = {"jbi_case_series": MARKS, "rob2": _SYMBOLS, "robins_i": _SYMBOLS}
#: the JBI order of the bars (kept under this name); :func:`order` gives every tool's
ORDER = ("yes", "not_applicable", "unclear", "no")
#: where the JBI overall judgement is counted in the summary plot (its own levels elsewhere)
_JBI_OVERALL_AS = {"low": "yes", "unclear": "unclear", "high": "no"}


def order(tool: str) -> tuple[str, ...]:
    """The judgements of ``tool`` in the order the bars stack and the legend lists them."""
    return ORDER if tool == "jbi_case_series" else get_tool(tool).judgements


def _marks(a: Assessment) -> dict[str, str]:
    return TOOL_MARKS[get_tool(a.tool).code]


def _legend(a: Assessment, *, summary: bool) -> list[tuple[str, str]]:
    """(judgement, label) per legend entry of ``a``'s tool."""
    marks = _marks(a)
    if a.tool != "jbi_case_series":
        return [(j, f"{marks[j]} {LEVEL_LABELS[j]}") for j in order(a.tool)]
    if summary:
        extra = {"yes": " / L low (overall)", "no": " / H high (overall)"}
        return [(j, f"{marks[j]} {LABELS[j]}{extra.get(j, '')}") for j in ORDER]
    return ([(j, f"{marks[j]} {LABELS[j]}") for j in ORDER]
            + [(o, f"{marks[o]} {OVERALL_LABELS[o]} (overall)") for o in ("low", "high")])


def traffic_light(a: Assessment, studies: pd.DataFrame):
    """Cohorts or comparisons as rows (in the order of ``studies``), the items and the overall judgement as columns.

    Parameters
    ----------
    a : an assessment (:func:`living_review.analyses.risk_of_bias.assessment`, or
        :func:`living_review.report.comparative_risk_of_bias.tool_assessment`).
    studies : rows to show, with the assessment's key column (``study_id`` for JBI,
        ``comparison_id`` for RoB 2 and ROBINS-I) and ``label``.
    """
    marks = _marks(a)
    ids = list(studies[a.key])
    # a comparison's label names both arms: wrapped, so that the circles keep their room
    labels = [str(x) if a.key == "study_id" else textwrap.fill(str(x), 34) for x in studies["label"]]
    items = list(get_tool(a.tool).item_codes)
    cols = items + ["Overall"]
    # a bare Figure, not pyplot: the chapter displays the returned figure once, and nothing else
    fig = Figure(figsize=(7.0, 0.32 * len(ids) + 1.9))
    ax = fig.subplots()
    for y, sid in enumerate(ids):
        for x, item in enumerate(cols):
            j = a.overall[sid] if item == "Overall" else a.judgement(sid, item)
            ax.scatter(x, y, s=190, color=COLOURS[j], edgecolor="black", linewidth=0.5, zorder=2)
            ax.text(x, y, marks[j], ha="center", va="center", fontsize=6.5, fontweight="bold", zorder=3,
                    color=TEXT_COLOURS.get(j, "black"))
    ax.axvline(len(items) - 0.5, color="black", linewidth=0.6)
    ax.set_xticks(range(len(cols)), cols)
    ax.xaxis.tick_top()
    ax.set_yticks(range(len(ids)), labels)
    ax.set_xlim(-0.6, len(cols) - 0.4)
    ax.set_ylim(len(ids) - 0.5, -0.5)
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(False)
    ax.tick_params(length=0)
    handles = [Patch(facecolor=COLOURS[j], edgecolor="black", label=text) for j, text in _legend(a, summary=False)]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.01), ncol=3 if len(ids) > 3 else 2,
              frameon=False, fontsize=7.5)
    fig.tight_layout()
    return fig


def summary_shares(a: Assessment, studies: pd.DataFrame, weights) -> pd.DataFrame:
    """Share of the total weight at each judgement, per item and overall (rows: items; columns: judgements).

    The columns are :func:`order` of the tool; a JBI overall judgement is counted under
    yes (low), unclear and no (high).
    """
    ids = list(studies[a.key])
    w = pd.Series([float(x) for x in weights], index=ids)
    if len(w) != len(ids) or (w < 0).any() or w.sum() <= 0:
        raise ValueError("give one weight >= 0 per cohort, not all 0")
    levels = order(a.tool)
    out = {}
    for item in get_tool(a.tool).item_codes:
        js = pd.Series([a.judgement(s, item) for s in ids], index=ids)
        out[item] = {j: float(w[js == j].sum() / w.sum()) for j in levels}
    as_level = _JBI_OVERALL_AS if a.tool == "jbi_case_series" else {j: j for j in levels}
    js = pd.Series([as_level[a.overall[s]] for s in ids], index=ids)
    out["Overall"] = {j: float(w[js == j].sum() / w.sum()) for j in levels}
    return pd.DataFrame(out).T[list(levels)]


def summary_plot(a: Assessment, studies: pd.DataFrame, weights, *, weight_label: str):
    """Horizontal stacked bars: per item (and overall), the share of ``weights`` at each judgement.

    ``studies`` as for :func:`traffic_light`; ``weights`` one per row of it; ``weight_label``
    names the weights on the axis (e.g. "patients enrolled").
    """
    shares = summary_shares(a, studies, weights)
    marks, labels = _marks(a), get_tool(a.tool).item_labels
    legend = dict(_legend(a, summary=True))
    rows = list(shares.index)
    fig = Figure(figsize=(7.0, 0.3 * len(rows) + 1.5))
    ax = fig.subplots()
    left = pd.Series(0.0, index=rows)
    for j in order(a.tool):
        ax.barh(range(len(rows)), shares[j], left=left, color=COLOURS[j], edgecolor="black", linewidth=0.4,
                label=legend[j])
        for y, (x0, v) in enumerate(zip(left, shares[j])):
            if v >= 0.06:
                ax.text(x0 + v / 2, y, marks[j], ha="center", va="center", fontsize=7, fontweight="bold",
                        color=TEXT_COLOURS.get(j, "black"))
        left = left + shares[j]
    names = [f"{q} {labels[q].lower()}" if q in labels else "Overall" for q in rows]
    ax.set_yticks(range(len(rows)), names)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_xlim(0, 1)
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1], ["0%", "25%", "50%", "75%", "100%"])
    ax.set_xlabel(f"Share of {weight_label}")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2, frameon=False, fontsize=7.5)
    fig.tight_layout()
    return fig


def _counted(values, levels) -> str:
    """'6 low, 1 serious': counts in the order of ``levels``, each level present once."""
    values = list(values)
    return ", ".join(f"{values.count(j)} {LEVEL_LABELS[j].lower()}" for j in dict.fromkeys(levels) if j in values)


def _key_text(a: Assessment) -> str:
    marks = _marks(a)
    return "; ".join(f"{marks[j]} for {LEVEL_LABELS[j].lower()}" for j in order(a.tool))


def traffic_light_alt(a: Assessment, studies: pd.DataFrame) -> str:
    """Alternative text of :func:`traffic_light` for the same arguments: layout, key and counts."""
    t = get_tool(a.tool)
    ids = list(studies[a.key])
    what = "cohort" if t.allocation is None else "comparison"
    cells = [a.judgement(s, q) for s in ids for q in t.item_codes]
    item = "item" if t.allocation is None else "domain"
    return (f"Traffic-light plot of the {t.short} assessment. One row per {what} ({len(ids)}), one column per "
            f"{item} {t.item_codes[0]} to {t.item_codes[-1]} and a last column for the overall judgement. Each "
            f"cell is a coloured circle carrying a symbol: {_key_text(a)}. Of the {len(cells)} {item} judgements, "
            f"{_counted(cells, order(a.tool))}; overall, {_counted((a.overall[s] for s in ids), t.overall_levels)}.")


def summary_alt(a: Assessment, studies: pd.DataFrame, weights, *, weight_label: str) -> str:
    """Alternative text of :func:`summary_plot` for the same arguments: layout, key and the overall shares."""
    t = get_tool(a.tool)
    shares = summary_shares(a, studies, weights).loc["Overall"]
    marks = _marks(a)
    level = {v: k for k, v in _JBI_OVERALL_AS.items()} if a.tool == "jbi_case_series" else {}
    overall = ", ".join(f"{100 * v:.0f}% {LEVEL_LABELS[level.get(j, j)].lower()}" for j, v in shares.items() if v > 0)
    item = "item" if t.allocation is None else "domain"
    return (f"Horizontal stacked bar chart of the {t.short} assessment. One bar per {item} {t.item_codes[0]} to "
            f"{t.item_codes[-1]} and one for the overall judgement, each running from 0 to 100 percent of the "
            f"{weight_label}, split into segments per judgement: "
            + "; ".join(f"{marks[j]} for {LEVEL_LABELS[j].lower()}" for j in order(a.tool))
            + f". Overall: {overall}.")
