"""Funnel plot for a :class:`MetaPropResult`, as R meta's ``funnel()``."""

from __future__ import annotations

import matplotlib as mpl
import numpy as np
from matplotlib.figure import Figure
from scipy import stats

from living_review.core.choices import check_choice
from living_review.meta import plotstyle
from living_review.meta.results import MetaPropResult

SCALE_LABEL = {"PFT": "Freeman-Tukey double arcsine", "PLOGIT": "Logit proportion",
               "PAS": "Arcsine proportion", "PRAW": "Proportion", "PLN": "Log proportion"}


def funnel(result: MetaPropResult, *, pooled: str = "fixed", level: float = 0.95, title: str | None = None,
           width: float = 0.6 * plotstyle.PAGE_WIDTH_IN, annotate: bool = False) -> Figure:
    """Draw study effects against their standard errors with pseudo-confidence limits.

    Parameters
    ----------
    result : inverse-variance result of :func:`living_review.meta.metaprop` (``yi``/``vi`` in
        its study table; the GLMM has none and is refused).
    pooled : "fixed" (meta's default centre line) or "random".
    level : level of the pseudo-confidence funnel.
    title : optional title.
    width : figure width in inches.
    annotate : label each point with its study name.

    Returns
    -------
    matplotlib.figure.Figure

    Notes
    -----
    x: effect on the transformed scale; y: standard error √vᵢ, 0 at the top. The funnel is
    θ̂ ± z_{(1+level)/2}·SE. Asymmetry is tested by :mod:`living_review.meta.bias`; with fewer
    than 10 studies neither the plot nor the tests are informative (Sterne et al. 2011, BMJ
    343:d4002).

    Example
    -------
    >>> fig = funnel(metaprop([2, 0, 2, 4], [8, 15, 20, 17]))  # doctest: +SKIP
    """
    if "yi" not in result.studies:
        raise ValueError("funnel() needs an inverse-variance result (model='inverse'); the GLMM has no study variances.")
    check_choice("pooled", pooled, ("fixed", "random"))
    y = result.studies["yi"].to_numpy()
    se = np.sqrt(result.studies["vi"].to_numpy())
    centre = result.fixed_te if pooled == "fixed" else result.te
    z = stats.norm.ppf(0.5 + level / 2)
    top = se.max() * 1.08
    with mpl.rc_context(plotstyle.rc()):
        fig = Figure(figsize=(width, width * 0.85))
        ax = fig.add_subplot()
        ax.plot([centre - z * top, centre, centre + z * top], [top, 0, top], color="#7f7f7f", lw=0.8, ls="--")
        ax.axvline(centre, color=plotstyle.POOLED_COLOUR, lw=0.9)
        ax.scatter(y, se, s=22, facecolor="white", edgecolor=plotstyle.STUDY_COLOUR, linewidth=0.9, zorder=3)
        if annotate:
            for xi, si, lab in zip(y, se, result.studies["study"]):
                ax.annotate(str(lab), (xi, si), xytext=(4, 2), textcoords="offset points", fontsize=plotstyle.FONT_SIZE - 1.5)
        ax.set_ylim(top, 0)
        ax.set_xlabel(SCALE_LABEL[result.transform])
        ax.set_ylabel("Standard error")
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        if title:
            ax.set_title(title, loc="left", fontweight="bold")
        fig.tight_layout()
    return fig
