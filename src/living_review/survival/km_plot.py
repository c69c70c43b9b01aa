"""Figures: Kaplan-Meier curves with a numbers-at-risk table (survminer layout) and a forest plot of medians.

Functions return a :class:`matplotlib.figure.Figure` and never show it. Sizes suit a book page
(6.5 inches wide) in HTML and PDF.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import matplotlib.ticker
import numpy as np
import pandas as pd
from lifelines import KaplanMeierFitter

from living_review.survival.medians import LogMedianMeta

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


def forest_medians(result: LogMedianMeta, *, title: str | None = None, xlabel: str = "Median (months, log scale)"
                   ) -> plt.Figure:
    """Forest plot of study medians with CIs and the pooled random-effects median.

    Studies without a CI are drawn as open circles and marked "no CI" with the rule applied to
    them, so that none disappears from the figure.

    Parameters
    ----------
    result : LogMedianMeta
        Output of :func:`living_review.survival.medians.pool_log_medians`.
    title, xlabel : str
        Labels.

    Returns
    -------
    matplotlib.figure.Figure

    Example
    -------
    >>> from living_review.survival.medians import pool_log_medians
    >>> df = pd.DataFrame({"label": ["A", "B"], "median": [3.9, 10.6], "ci_low": [2.2, 3.8],
    ...                    "ci_high": [7.1, 19.8], "ci_level": [0.95, 0.95]})
    >>> forest_medians(pool_log_medians(df)).axes[0].get_xscale()
    'log'
    """
    tab = result.table.reset_index(drop=True)
    k = len(tab)
    fig, ax = plt.subplots(figsize=(6.5, 1.2 + 0.32 * (k + 2)), layout="constrained")
    ys = np.arange(k, 0, -1) + 1
    for y, (_, r) in zip(ys, tab.iterrows()):
        if pd.notna(r["ci_low"]):
            ax.plot([r["ci_low"], r["ci_high"]], [y, y], color="black", lw=1.2)
            size = 4 + 10 * np.sqrt(r["weight"]) if r["weight"] > 0 else 4
            ax.plot(r["median"], y, "s", color="#0072B2", ms=size)
            text = f"{r['median']:.2f} ({r['ci_low']:.2f}-{r['ci_high']:.2f})  {100 * r['weight']:.1f}%"
        else:
            ax.plot(r["median"], y, "o", mfc="white", mec="black", ms=6)
            text = f"{r['median']:.2f} (no CI)  " + (f"{100 * r['weight']:.1f}%" if r["weight"] > 0 else "not pooled")
        ax.annotate(text, (1.02, y), xycoords=("axes fraction", "data"), va="center", fontsize=9)
    est, lo, hi = result.estimate, result.ci_low, result.ci_high
    ax.fill([lo, est, hi, est], [1, 1.3, 1, 0.7], color="#D55E00")
    ax.annotate(f"{est:.2f} ({lo:.2f}-{hi:.2f})", (1.02, 1), xycoords=("axes fraction", "data"), va="center",
                fontsize=9, fontweight="bold")
    ax.axvline(est, color="#D55E00", ls=":", lw=1)
    ax.set_yticks([*ys, 1])
    ax.set_yticklabels([*tab["label"], f"Random effects ({result.method}), k = {result.k}"], fontsize=9)
    ax.set_xscale("log")
    ax.set_ylim(0.3, k + 1.7)
    ax.set_xlabel(xlabel)
    ax.set_title(title or f"Pooled median: I\u00b2 = {100 * result.i2:.0f}%, \u03c4\u00b2 = {result.tau2:.3f}",
                 fontsize=10, loc="left")
    ax.annotate(f"Median ({result.level:.0%} CI)  Weight", (1.02, k + 1.5), xycoords=("axes fraction", "data"),
                va="center", fontsize=9, fontweight="bold")
    lo_x, hi_x = ax.get_xlim()
    ticks = [t for t in (0.5, 1, 2, 3, 5, 10, 20, 30, 50) if lo_x <= t <= hi_x]
    ax.set_xticks(ticks, [f"{t:g}" for t in ticks])
    ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    ax.grid(axis="x", alpha=0.3, lw=0.5)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return fig


def plot_approximation_vs_cao2024(curves: Mapping[str, object], *, months: float = 24) -> plt.Figure:
    """Approximate pooled curves (dashed) beside Cao 2024's reconstructed rates at 3-24 months (markers).

    ``curves`` maps "OS"/"PFS" to an ``ApproximateCurve``. The title and legend say that the lines
    are a model-based approximation and the markers Cao 2024's reconstruction (Table 2).

    Example
    -------
    >>> from living_review.survival.approximate import approximate_curve
    >>> c = approximate_curve(pd.DataFrame({"label": ["A"], "n": [10], "median": [4.0]}))
    >>> len(plot_approximation_vs_cao2024({"OS": c}).axes[0].lines)
    2
    """
    from living_review.survival.approximate import CAO2024_RATES

    fig, ax = plt.subplots(figsize=(6.5, 4.0), layout="constrained")
    t = np.linspace(0, months, 400)
    for i, (ep, curve) in enumerate(curves.items()):
        colour = COLOURS[i % len(COLOURS)]
        ax.plot(t, curve.survival_at(t), ls="--", color=colour, lw=1.8,
                label=f"{ep}: model-based approximation (median {curve.median:.2f} mo)")
        if ep in CAO2024_RATES.columns:
            ax.plot(CAO2024_RATES.index, CAO2024_RATES[ep] / 100, "o", color=colour, ms=5,
                    label=f"{ep}: Cao 2024 reconstructed rates (Table 2)")
    ax.set(xlim=(0, months), ylim=(0, 1.02), xlabel="Time (months)", ylabel="Survival probability")
    ax.set_xticks(list(range(0, int(months) + 1, 3)))
    ax.set_title("Approximation from reported medians and landmark rates, not patient data", fontsize=10, loc="left")
    ax.grid(alpha=0.3, lw=0.5)
    ax.legend(frameon=False, fontsize=8.5)
    return fig
