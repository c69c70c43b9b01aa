"""Risk-of-bias figures in the layouts of R ``robvis``: the traffic-light plot and the weighted summary plot.

Each judgement has a colour *and* a letter or symbol (Y, N, ?, NA; overall L, ?, H), so
that the plots read in greyscale and for colour-blind readers. Colours are the
Okabe-Ito palette (green-blue, orange-yellow, vermilion, grey).

References
----------
McGuinness LA, Higgins JPT. Risk-of-bias VISualization (robvis). Res Syn Meth 2021;12:55-61.
Okabe M, Ito K. Color universal design (CUD), 2008.
"""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from living_review.data import risk_of_bias as tool
from living_review.report.risk_of_bias import LABELS, OVERALL_LABELS, Assessment

COLOURS = {"yes": "#009E73", "no": "#D55E00", "unclear": "#E69F00", "not_applicable": "#BBBBBB",
           "low": "#009E73", "high": "#D55E00"}
MARKS = {"yes": "Y", "no": "N", "unclear": "?", "not_applicable": "NA", "low": "L", "high": "H"}
ORDER = ("yes", "not_applicable", "unclear", "no")


def _colour(j: str) -> str:
    return COLOURS[j]


def traffic_light(a: Assessment, studies: pd.DataFrame):
    """Cohorts as rows (in the order of ``studies``), the ten items and the overall judgement as columns.

    Parameters
    ----------
    a : :func:`living_review.report.risk_of_bias.assessment`.
    studies : rows of ``Evidence.studies`` to show (``study_id``, ``label``).
    """
    ids, labels = list(studies["study_id"]), list(studies["label"])
    items = list(tool.ITEMS)
    cols = items + ["Overall"]
    # a bare Figure, not pyplot: the chapter displays the returned figure once, and nothing else
    fig = Figure(figsize=(7.0, 0.32 * len(ids) + 1.9))
    ax = fig.subplots()
    for y, sid in enumerate(ids):
        for x, item in enumerate(cols):
            j = a.overall[sid] if item == "Overall" else a.judgement(sid, item)
            ax.scatter(x, y, s=190, color=_colour(j), edgecolor="black", linewidth=0.5, zorder=2)
            ax.text(x, y, MARKS[j], ha="center", va="center", fontsize=6.5, fontweight="bold", zorder=3,
                    color="black")
    ax.axvline(len(items) - 0.5, color="black", linewidth=0.6)
    ax.set_xticks(range(len(cols)), cols)
    ax.xaxis.tick_top()
    ax.set_yticks(range(len(ids)), labels)
    ax.set_xlim(-0.6, len(cols) - 0.4)
    ax.set_ylim(len(ids) - 0.5, -0.5)
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(False)
    ax.tick_params(length=0)
    handles = [Patch(facecolor=COLOURS[j], edgecolor="black", label=f"{MARKS[j]} {LABELS[j]}") for j in ORDER]
    handles += [Patch(facecolor=COLOURS[o], edgecolor="black", label=f"{MARKS[o]} {OVERALL_LABELS[o]} (overall)")
                for o in ("low", "high")]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.01), ncol=3, frameon=False,
              fontsize=7.5)
    fig.tight_layout()
    return fig


def summary_shares(a: Assessment, studies: pd.DataFrame, weights) -> pd.DataFrame:
    """Share of the total weight at each judgement, per item and overall (rows: items; columns: judgements)."""
    ids = list(studies["study_id"])
    w = pd.Series([float(x) for x in weights], index=ids)
    if len(w) != len(ids) or (w < 0).any() or w.sum() <= 0:
        raise ValueError("give one weight >= 0 per cohort, not all 0")
    out = {}
    for item in tool.ITEMS:
        js = pd.Series([a.judgement(s, item) for s in ids], index=ids)
        out[item] = {j: float(w[js == j].sum() / w.sum()) for j in ORDER}
    js = pd.Series([a.overall[s] for s in ids], index=ids)
    out["Overall"] = {"yes": float(w[js == "low"].sum() / w.sum()), "not_applicable": 0.0,
                      "unclear": float(w[js == "unclear"].sum() / w.sum()), "no": float(w[js == "high"].sum() / w.sum())}
    return pd.DataFrame(out).T[list(ORDER)]


def summary_plot(a: Assessment, studies: pd.DataFrame, weights, *, weight_label: str):
    """Horizontal stacked bars: per item (and overall), the share of ``weights`` at each judgement.

    ``weight_label`` names the weights on the axis (e.g. "patients enrolled").
    """
    shares = summary_shares(a, studies, weights)
    rows = list(shares.index)
    fig = Figure(figsize=(7.0, 0.3 * len(rows) + 1.5))
    ax = fig.subplots()
    left = pd.Series(0.0, index=rows)
    for j in ORDER:
        ax.barh(range(len(rows)), shares[j], left=left, color=COLOURS[j], edgecolor="black", linewidth=0.4,
                label=f"{MARKS[j]} {LABELS[j]}" + (" / L low (overall)" if j == "yes" else
                                                   " / H high (overall)" if j == "no" else ""))
        for y, (x0, v) in enumerate(zip(left, shares[j])):
            if v >= 0.06:
                ax.text(x0 + v / 2, y, MARKS[j], ha="center", va="center", fontsize=7, fontweight="bold")
        left = left + shares[j]
    names = [f"{q} {tool.ITEMS[q].lower()}" if q in tool.ITEMS else "Overall" for q in rows]
    ax.set_yticks(range(len(rows)), names)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_xlim(0, 1)
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1], ["0%", "25%", "50%", "75%", "100%"])
    ax.set_xlabel(f"Share of {weight_label}")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2, frameon=False, fontsize=7.5)
    fig.tight_layout()
    return fig
