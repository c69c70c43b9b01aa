"""Figures: Kaplan-Meier curves with a numbers-at-risk table (survminer layout), and an approximation beside published rates.

Functions return a :class:`matplotlib.figure.Figure` and never show it. Sizes suit a book page
(6.5 inches wide) in HTML and PDF.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from lifelines import KaplanMeierFitter


COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")  # Okabe-Ito, colour-blind safe
BREAKS = tuple(range(0, 25, 3))


def _n_at_risk(times: np.ndarray, at: Sequence[float]) -> list[int]:
    return [int(np.sum(times >= t)) for t in at]


def plot_km(groups: Mapping[str, pd.DataFrame], *, breaks: Sequence[float] = BREAKS, ci: bool = True,
            title: str | None = None, ylabel: str = "Survival probability", xlabel: str = "Time (months)",
            approximation: Mapping[str, object] | None = None, level: float = 0.95) -> plt.Figure:
    """Kaplan-Meier curves with numbers at risk under the time axis, as survminer's ``ggsurvplot``.

    Parameters
    ----------
    groups : mapping of str to pandas.DataFrame
        One curve per entry: patient data with ``time`` (months) and ``event`` (1/0).
    breaks : sequence of float
        Time-axis ticks (months), which are also the columns of the numbers-at-risk table.
    ci : bool
        Shade the pointwise confidence band (exponential Greenwood).
    title, ylabel, xlabel : str
        Labels.
    approximation : mapping of str to ApproximateCurve, optional
        Model-based approximate curves, drawn dashed and labelled as approximations.
    level : float
        Level of the band.

    Returns
    -------
    matplotlib.figure.Figure
        Two panels: the curves (censored patients marked "+") and the risk table.

    Example
    -------
    >>> ipd = pd.DataFrame({"time": [1, 2, 3, 5, 8], "event": [1, 0, 1, 1, 0]})
    >>> fig = plot_km({"simulated": ipd})
    >>> len(fig.axes)
    2
    """
    if not groups and not approximation:
        raise ValueError("nothing to plot: pass at least one group of patient data or an approximation")
    n_rows = max(len(groups), 1)
    fig = plt.figure(figsize=(6.5, 4.2 + 0.28 * n_rows), layout="constrained")
    grid = fig.add_gridspec(2, 1, height_ratios=[4.2, 0.5 + 0.28 * n_rows])
    ax = fig.add_subplot(grid[0])
    table = fig.add_subplot(grid[1], sharex=ax)
    for i, (name, ipd) in enumerate(groups.items()):
        colour = COLOURS[i % len(COLOURS)]
        kmf = KaplanMeierFitter(alpha=1 - level).fit(ipd["time"], ipd["event"], label=name)
        sf = kmf.survival_function_.iloc[:, 0]
        ax.step(sf.index, sf.to_numpy(), where="post", color=colour, lw=1.8, label=f"{name} (n = {len(ipd)})")
        if ci:
            band = kmf.confidence_interval_
            ax.fill_between(band.index, band.iloc[:, 0], band.iloc[:, 1], step="post", color=colour, alpha=0.15, lw=0)
        cens = ipd.loc[ipd["event"] == 0, "time"].to_numpy(float)
        ax.plot(cens, kmf.survival_function_at_times(cens).to_numpy(), "+", color=colour, ms=7, mew=1.2)
        for t, n in zip(breaks, _n_at_risk(ipd["time"].to_numpy(float), breaks)):
            table.text(t, n_rows - 1 - i, str(n), ha="center", va="center", color=colour, fontsize=9)
    for j, (name, curve) in enumerate((approximation or {}).items()):
        t = np.linspace(0, max(breaks), 400)
        ax.plot(t, curve.survival_at(t), ls="--", lw=1.6, color=COLOURS[(len(groups) + j) % len(COLOURS)],
                label=f"{name}: model-based approximation")
    # a little room left of 0 keeps the first column of the risk table clear of the row labels
    ax.set(ylim=(0, 1.02), xlim=(-0.05 * max(breaks), 1.02 * max(breaks)), ylabel=ylabel, title=title)
    ax.set_xticks(list(breaks))
    ax.tick_params(labelbottom=False)
    ax.grid(alpha=0.3, lw=0.5)
    ax.legend(loc="upper right", frameon=False, fontsize=9)
    table.set_yticks(range(n_rows))
    table.set_yticklabels(list(groups)[::-1] if groups else [""], fontsize=9)
    for lab, colour in zip(table.get_yticklabels()[::-1], COLOURS):
        lab.set_color(colour)
    table.set_ylim(-0.6, n_rows - 0.4)
    table.set_xlabel(xlabel)
    table.set_title("Number at risk", loc="left", fontsize=10)
    for side in ("top", "right", "left"):
        table.spines[side].set_visible(False)
    table.tick_params(axis="y", length=0)
    return fig


def plot_approximation_vs_published(curves: Mapping[str, object], published, *, months: float = 24) -> plt.Figure:
    """Approximate pooled curves (dashed) beside a previous version's reconstructed rates (markers).

    ``curves`` maps "OS"/"PFS" to an ``ApproximateCurve``; ``published`` is a
    :class:`~living_review.survival.approximate.PublishedSurvival` (``None``: no markers). The title
    and legend say that the lines are a model-based approximation and the markers the published
    reconstruction.

    Example
    -------
    >>> from living_review.survival.approximate import approximate_curve
    >>> c = approximate_curve(pd.DataFrame({"label": ["A"], "n": [10], "median": [4.0]}))
    >>> len(plot_approximation_vs_published({"OS": c}, None).axes[0].lines)
    1
    """

    fig, ax = plt.subplots(figsize=(6.5, 4.0), layout="constrained")
    t = np.linspace(0, months, 400)
    for i, (ep, curve) in enumerate(curves.items()):
        colour = COLOURS[i % len(COLOURS)]
        ax.plot(t, curve.survival_at(t), ls="--", color=colour, lw=1.8,
                label=f"{ep}: model-based approximation (median {curve.median:.2f} mo)")
        if published is not None and ep in published.rates.columns:
            ax.plot(published.rates.index, published.rates[ep] / 100, "o", color=colour, ms=5,
                    label=f"{ep}: {published.source} reconstructed rates")
    ax.set(xlim=(0, months), ylim=(0, 1.02), xlabel="Time (months)", ylabel="Survival probability")
    ax.set_xticks(list(range(0, int(months) + 1, 3)))
    ax.set_title("Approximation from reported medians and landmark rates, not patient data", fontsize=10, loc="left")
    ax.grid(alpha=0.3, lw=0.5)
    ax.legend(frameon=False, fontsize=8.5)
    return fig
