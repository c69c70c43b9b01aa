"""Forest plot in the layout of R meta's ``forest()`` for a :class:`MetaPropResult`."""

from __future__ import annotations

import math

import matplotlib as mpl
import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Polygon
from matplotlib.transforms import blended_transform_factory

from living_review.meta import plotstyle
from living_review.meta.results import MetaPropResult

ROW_IN = 0.2  # height of one text row in inches


def _fmt_ci(lo, hi):
    return f"[{lo:.2f}; {hi:.2f}]"


def _rows(result: MetaPropResult, show_prediction: bool):
    """Rows from top to bottom: (kind, payload)."""
    rows = []
    if result.subgroups:
        for name, sub in result.subgroups.items():
            rows.append(("header", f"subgroup = {name}"))
            rows.extend(("study", rec) for rec in _records(result, name))
            if sub.k > 1:
                rows.append(("pooled", (sub, "Random effects model")))
                rows.append(("het", sub.heterogeneity_line()))
            rows.append(("gap", None))
    else:
        rows.extend(("study", rec) for rec in _records(result, None))
        rows.append(("gap", None))
    if result.k > 1:  # one study pools nothing: no diamond
        rows.append(("pooled", (result, "Random effects model")))
    if show_prediction and result.k > 2 and np.isfinite(result.pi_low):
        rows.append(("prediction", result))
    rows.append(("het", result.heterogeneity_line()))
    if result.subgroup_test is not None:
        t = result.subgroup_test
        if np.isfinite(t.q):
            p = "< 0.01" if t.pvalue < 0.01 else f"= {t.pvalue:.2f}"
            rows.append(("het", f"Test for subgroup differences: \u03c7\u00b2 = {t.q:.2f}, df = {t.df} (p {p})"))
        else:
            rows.append(("het", "Test for subgroup differences: not defined (see the result's notes)"))
    return rows


def _records(result, subgroup):
    table = result.studies
    if subgroup is not None:
        # weights shown are those of the overall analysis, as meta does
        table = table[table["subgroup"] == subgroup]
    return list(table.itertuples(index=False))


def forest(result: MetaPropResult, *, title: str | None = None, xlabel: str = "Proportion",
           xlim: tuple[float, float] | None = None, show_prediction: bool = True,
           width: float = plotstyle.PAGE_WIDTH_IN) -> Figure:
    """Draw a forest plot like R meta's ``forest(metaprop(...))``.

    Parameters
    ----------
    result : output of :func:`living_review.meta.metaprop` (with or without subgroups).
    title : optional title above the columns.
    xlabel : label under the axis.
    xlim : axis limits on the proportion scale (default: 0 to a rounded maximum).
    show_prediction : draw the prediction-interval bar under the overall diamond (k ≥ 3).
    width : figure width in inches (default: book page width).

    Returns
    -------
    matplotlib.figure.Figure (never shown; save it with :func:`plotstyle.save`).

    Notes
    -----
    Columns: study, events, total, the plot (squares with area ∝ random-effects weight,
    Clopper-Pearson whiskers), proportion, CI and weight in percent. Subgroup diamonds,
    the overall diamond, a prediction bar and heterogeneity lines follow meta's layout.

    Example
    -------
    >>> fig = forest(metaprop([2, 0, 2], [8, 15, 20]))  # doctest: +SKIP
    """
    rows = _rows(result, show_prediction)
    n_rows = len(rows) + 2
    with mpl.rc_context(plotstyle.rc()):
        fig = Figure(figsize=(width, ROW_IN * n_rows + 0.7))
        ax = fig.add_axes((0.41, 0.7 / (ROW_IN * n_rows + 0.7), 0.28, 1 - 0.75 / (ROW_IN * n_rows + 0.7)))
        top = len(rows) + 1
        ax.set_ylim(0.3, top + (1.7 if title else 0.7))
        hi = max(result.studies["ci_high"].max(), result.ci_high)
        xmax = min(1.0, math.ceil(hi * 10) / 10 + 1e-9) if xlim is None else xlim[1]
        lo_x = 0.0 if xlim is None else xlim[0]
        ax.set_xlim(lo_x, xmax)
        ax.set_yticks([])
        for side in ("left", "right", "top"):
            ax.spines[side].set_visible(False)
        ax.set_xlabel(xlabel)
        tf = blended_transform_factory(fig.transFigure, ax.transData)
        cols = {"study": 0.01, "events": 0.305, "total": 0.385, "prop": 0.765, "ci": 0.865, "w": 0.995}
        head = dict(transform=tf, fontweight="bold", va="center")
        ax.text(cols["study"], top, "Study", ha="left", **head)
        ax.text(cols["events"], top, "Events", ha="right", **head)
        ax.text(cols["total"], top, "Total", ha="right", **head)
        ax.text(cols["prop"], top, "Proportion", ha="right", **head)
        ax.text(cols["ci"], top, f"{100 * result.level:.0f}%-CI", ha="center", **head)
        if result.model != "glmm":
            ax.text(cols["w"], top, "Weight", ha="right", **head)
        if title:
            ax.text(cols["study"], top + 1, title, ha="left", fontsize=plotstyle.FONT_SIZE + 1.5, **head)
        weights = result.studies["weight_random"]
        # the GLMM gives studies no weights: equal squares and no weight column
        wmax = weights.max() if weights.notna().any() else float("nan")
        for i, (kind, item) in enumerate(rows):
            y = top - 1 - i
            txt = dict(transform=tf, va="center")
            if kind == "header":
                ax.text(cols["study"], y, item, ha="left", fontstyle="italic", **txt)
            elif kind == "study":
                ax.text(cols["study"], y, str(item.study), ha="left", **txt)
                ax.text(cols["events"], y, f"{item.events}", ha="right", **txt)
                ax.text(cols["total"], y, f"{item.n}", ha="right", **txt)
                ax.text(cols["prop"], y, f"{item.proportion:.2f}", ha="right", **txt)
                ax.text(cols["ci"], y, _fmt_ci(item.ci_low, item.ci_high), ha="center", **txt)
                if np.isfinite(item.weight_random):
                    ax.text(cols["w"], y, f"{item.weight_random:.1f}%", ha="right", **txt)
                ax.plot([item.ci_low, item.ci_high], [y, y], color=plotstyle.STUDY_COLOUR, lw=0.9, clip_on=False)
                size = 3 + 9 * math.sqrt(item.weight_random / wmax) if np.isfinite(wmax) else 6.0
                ax.plot([item.proportion], [y], marker="s", ms=size, color="#7f7f7f", mec=plotstyle.STUDY_COLOUR, mew=0.6, ls="")
            elif kind == "pooled":
                res, label = item
                ax.text(cols["study"], y, label, ha="left", fontweight="bold", **txt)
                ax.text(cols["total"], y, f"{int(res.studies['n'].sum())}", ha="right", fontweight="bold", **txt)
                ax.text(cols["prop"], y, f"{res.estimate:.2f}", ha="right", fontweight="bold", **txt)
                ax.text(cols["ci"], y, _fmt_ci(res.ci_low, res.ci_high), ha="center", fontweight="bold", **txt)
                if np.isfinite(wmax):
                    ax.text(cols["w"], y, "100%" if res is result else "--", ha="right", fontweight="bold", **txt)
                if res is result:
                    y_overall = y
                ax.add_patch(Polygon([(res.ci_low, y), (res.estimate, y + 0.32), (res.ci_high, y), (res.estimate, y - 0.32)],
                                     closed=True, fc=plotstyle.POOLED_COLOUR, ec=plotstyle.POOLED_COLOUR, clip_on=False))
            elif kind == "prediction":
                ax.text(cols["study"], y, "Prediction interval", ha="left", **txt)
                ax.text(cols["ci"], y, _fmt_ci(item.pi_low, item.pi_high), ha="center", **txt)
                ax.add_patch(mpl.patches.Rectangle((item.pi_low, y - 0.13), item.pi_high - item.pi_low, 0.26,
                                                   fc=plotstyle.PREDICTION_COLOUR, ec="none", clip_on=False))
            elif kind == "het":
                ax.text(cols["study"], y, item, ha="left", fontsize=plotstyle.FONT_SIZE - 1, **txt)
        if result.k > 1:  # the dashed line marks a pooled estimate; one study has none
            ax.vlines(result.estimate, y_overall - 0.35, top - 0.5, color=plotstyle.POOLED_COLOUR, lw=0.6, ls=(0, (3, 3)))
    return fig


def forest_sequential(result, *, title: str | None = None, xlabel: str = "Proportion",
                      width: float = plotstyle.PAGE_WIDTH_IN) -> Figure:
    """Forest plot of a leave-one-out or cumulative analysis (R meta's ``forest(metainf(...))``
    and ``forest(metacum(...))``).

    Parameters
    ----------
    result : :class:`living_review.meta.influence.SequentialResult`.
    title, xlabel, width : as in :func:`forest`.

    Returns
    -------
    matplotlib.figure.Figure with one row per fit: "Omitting <study>" or "Adding <study>
    (<date>)", the pooled estimate as a point with its CI, and tau² and I² columns.

    Example
    -------
    >>> fig = forest_sequential(cumulative([2, 0, 2], [8, 15, 20], [2010, 2012, 2013]))  # doctest: +SKIP
    """
    f = result.frame
    cumulative = result.kind == "cumulative"
    n_rows = len(f) + 2
    height = ROW_IN * n_rows + 0.7
    with mpl.rc_context(plotstyle.rc()):
        fig = Figure(figsize=(width, height))
        ax = fig.add_axes((0.36, 0.7 / height, 0.22, 1 - 0.75 / height))
        top = len(f) + 1
        ax.set_ylim(0.3, top + (1.7 if title else 0.7))
        ax.set_xlim(0.0, min(1.0, math.ceil(f["ci_high"].max() * 10) / 10 + 1e-9))
        ax.set_yticks([])
        for side in ("left", "right", "top"):
            ax.spines[side].set_visible(False)
        ax.set_xlabel(xlabel)
        tf = blended_transform_factory(fig.transFigure, ax.transData)
        head = dict(transform=tf, fontweight="bold", va="center")
        ax.text(0.01, top, "Adding (in order of date)" if cumulative else "Omitting", ha="left", **head)
        ax.text(0.68, top, "Proportion", ha="right", **head)
        ax.text(0.77, top, f"{100 * result.level:.0f}%-CI", ha="center", **head)
        ax.text(0.91, top, "\u03c4\u00b2", ha="right", **head)
        ax.text(0.995, top, "I\u00b2", ha="right", **head)
        if title:
            ax.text(0.01, top + 1, title, ha="left", fontsize=plotstyle.FONT_SIZE + 1.5, **head)
        for i, r in enumerate(f.itertuples(index=False)):
            y = top - 1 - i
            label = f"{r.label} ({r.date})" if cumulative else str(r.label)
            txt = dict(transform=tf, va="center")
            ax.text(0.01, y, label, ha="left", **txt)
            ax.text(0.68, y, f"{r.estimate:.2f}", ha="right", **txt)
            ax.text(0.77, y, _fmt_ci(r.ci_low, r.ci_high), ha="center", **txt)
            ax.text(0.91, y, f"{r.tau2:.4f}", ha="right", **txt)
            ax.text(0.995, y, "--" if np.isnan(r.i2) else f"{100 * r.i2:.0f}%", ha="right", **txt)
            ax.plot([r.ci_low, r.ci_high], [y, y], color=plotstyle.POOLED_COLOUR, lw=0.9)
            ax.plot([r.estimate], [y], marker="D", ms=4.5, color=plotstyle.POOLED_COLOUR, ls="")
    return fig
