"""Sensitivity analyses of the pooled ATC monotherapy estimates: study sets, estimator grid, comparisons.

* :func:`primary_studies` and :func:`overlap_variants`: which cohorts are pooled, with the
  overlap rule of ``studies.csv`` (one cohort per ``overlap_group``) or without it;
* :func:`estimator_grid` and :func:`grid_figure`: every tau² estimator x transform;
* :func:`results_table`: several pooled results side by side (GLMM against PFT, exclusions).

Example
-------
>>> s = primary_studies(load_evidence().studies)                  # doctest: +SKIP
>>> grid = estimator_grid(s, "ORR", options)                       # doctest: +SKIP
"""

from __future__ import annotations

from typing import Literal, get_args

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from living_review.meta import metaprop
from living_review.report.formatting import estimate_ci
from living_review.settings import Tau2Method, Transform

OverlapRule = Literal["keep_one", "all"]
OVERLAP_RULES: tuple[str, ...] = get_args(OverlapRule)
TRANSFORMS: tuple[str, ...] = get_args(Transform)
TAU2_METHODS: tuple[str, ...] = get_args(Tau2Method)
PRIMARY_ROLE = "atc_monotherapy"


def primary_studies(studies: pd.DataFrame, *, overlap: OverlapRule = "keep_one") -> pd.DataFrame:
    """ATC monotherapy cohorts (``pooling_role == "atc_monotherapy"``), in publication order.

    Parameters
    ----------
    studies : ``Evidence.studies``.
    overlap : "keep_one" keeps, of cohorts sharing an ``overlap_group``, only the one with
        ``overlap_keep`` true (the primary analysis); "all" keeps every cohort.
    """
    if overlap not in OVERLAP_RULES:
        raise ValueError(f"overlap={overlap!r} is not allowed; choose one of {', '.join(OVERLAP_RULES)}")
    s = studies[studies["pooling_role"] == PRIMARY_ROLE]
    if overlap == "keep_one":
        s = s[s["overlap_group"].isna() | s["overlap_keep"].fillna(False).astype(bool)]
    return s.sort_values("pub_order").reset_index(drop=True)


def overlap_variants(studies: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Study sets for the overlap sensitivity analysis: the primary set, all cohorts, and each
    member of every overlap group in turn representing its group ("<label> for <group>")."""
    primary = primary_studies(studies)
    every = primary_studies(studies, overlap="all")
    out = {"one cohort per overlap group (primary)": primary, "all cohorts (overlap ignored)": every}
    grouped = every[every["overlap_group"].notna()]
    for group, members in grouped.groupby("overlap_group", sort=True):
        for sid, label in zip(members["study_id"], members["label"]):
            keep = every[every["overlap_group"].ne(group) | (every["study_id"] == sid)]
            keep = keep[keep["overlap_group"].isna() | keep["overlap_keep"].fillna(False).astype(bool)
                        | (keep["study_id"] == sid)]
            out[f"{label} for {group}"] = keep.reset_index(drop=True)
    return out


def counts(studies: pd.DataFrame, outcome: str) -> pd.DataFrame:
    """study_id, label, pub_date, events, total of the studies that report ``outcome`` ("ORR"/"DCR")."""
    if outcome not in ("ORR", "DCR"):
        raise ValueError(f"outcome={outcome!r} is not allowed; choose one of ORR, DCR")
    low = outcome.lower()
    s = studies[studies[f"{low}_events"].notna()]
    return pd.DataFrame({"study_id": s["study_id"].to_numpy(), "label": s["label"].to_numpy(),
                         "pub_date": s["pub_date"].to_numpy(), "events": s[f"{low}_events"].to_numpy(int),
                         "total": s[f"{low}_n"].to_numpy(int)})


def pool(studies: pd.DataFrame, outcome: str, options: dict, **overrides):
    """:func:`metaprop` on the studies reporting ``outcome``; ``overrides`` replace options."""
    c = counts(studies, outcome)
    return metaprop(c["events"], c["total"], studies=list(c["label"]), **{**options, **overrides})


def estimator_grid(studies: pd.DataFrame, outcome: str, options: dict, *,
                   transforms=TRANSFORMS, methods=TAU2_METHODS) -> pd.DataFrame:
    """Pool ``outcome`` with every tau² estimator x transform (inverse variance).

    Returns
    -------
    DataFrame with columns transform, tau2_method, estimate, ci_low, ci_high (proportions),
    tau2 (on that transform's scale, so not comparable across transforms), i2 (0-1).

    Notes
    -----
    Hartung-Knapp and the level follow ``options``; the model is inverse variance
    whatever ``options["model"]`` is (the GLMM has no tau² estimator choice).
    """
    rows = []
    for t in transforms:
        for m in methods:
            r = pool(studies, outcome, options, transform=t, tau2_method=m, model="inverse")
            rows.append({"transform": t, "tau2_method": m, "estimate": r.estimate, "ci_low": r.ci_low,
                         "ci_high": r.ci_high, "tau2": r.tau2, "i2": r.i2})
    return pd.DataFrame(rows)


def grid_figure(grids: dict[str, pd.DataFrame], *, configured: tuple[str, str] | None = None,
                width: float = 6.3) -> Figure:
    """Heat-map-like panels, one per outcome: rows tau² estimators, columns transforms, each cell
    the pooled proportion and its CI, shaded by the estimate.

    Parameters
    ----------
    grids : outcome -> :func:`estimator_grid` frame.
    configured : (transform, tau2_method) of the primary analysis, outlined in black.
    width : figure width in inches (book page width by default).
    """
    n = len(grids)
    first = next(iter(grids.values()))
    methods = list(dict.fromkeys(first["tau2_method"]))
    transforms = list(dict.fromkeys(first["transform"]))
    height = 0.42 * len(methods) + 0.9
    fig = Figure(figsize=(width, height * n))
    cmap = mpl.colormaps["Blues"]
    for i, (outcome, g) in enumerate(grids.items()):
        ax = fig.add_subplot(n, 1, i + 1)
        table = g.pivot(index="tau2_method", columns="transform", values="estimate").loc[methods, transforms]
        lo, hi = float(np.nanmin(table.to_numpy())), float(np.nanmax(table.to_numpy()))
        span = hi - lo if hi > lo else 1.0
        ax.imshow((table.to_numpy() - lo) / span * 0.55 + 0.1, cmap=cmap, vmin=0, vmax=1, aspect="auto")
        for r, m in enumerate(methods):
            for c, t in enumerate(transforms):
                row = g[(g["tau2_method"] == m) & (g["transform"] == t)].iloc[0]
                ax.text(c, r, estimate_ci(row["estimate"], row["ci_low"], row["ci_high"]), ha="center",
                        va="center", fontsize=7.5)
                if configured == (t, m):
                    ax.add_patch(mpl.patches.Rectangle((c - 0.5, r - 0.5), 1, 1, fill=False, lw=1.6, ec="black"))
        ax.set_xticks(range(len(transforms)), transforms)
        ax.set_yticks(range(len(methods)), methods)
        ax.xaxis.tick_top()
        ax.tick_params(length=0)
        for side in ax.spines.values():
            side.set_visible(False)
        ax.set_title(f"{outcome}: pooled proportion [95% CI]", loc="left", fontsize=9, pad=22)
    fig.tight_layout()
    return fig


def results_table(results: dict) -> pd.DataFrame:
    """Pooled results side by side: analysis, k, patients, estimate [CI], tau², I².

    ``results`` maps a label to a :func:`metaprop` result (tau² is on that result's scale).
    """
    rows = []
    for label, r in results.items():
        rows.append({"analysis": label, "k": r.k, "patients": int(r.studies["n"].sum()),
                     "estimate": estimate_ci(r.estimate, r.ci_low, r.ci_high),
                     "tau2": f"{r.tau2:.4f}", "I2": "–" if np.isnan(r.i2) else f"{100 * r.i2:.0f}%"})
    return pd.DataFrame(rows)


def grid_range(grid: pd.DataFrame) -> tuple[float, float]:
    """Smallest and largest pooled estimate over the grid."""
    return float(grid["estimate"].min()), float(grid["estimate"].max())
