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

from living_review.analyses.selection import kept_members, ledger_inputs, outcome_counts, select_cohorts
from living_review.core.choices import check_choice
from living_review.core.formatting import estimate_ci
from living_review.meta import metaprop
from living_review.settings import Tau2Method, Transform

OverlapRule = Literal["keep_one", "all"]
OVERLAP_RULES: tuple[str, ...] = get_args(OverlapRule)
TRANSFORMS: tuple[str, ...] = get_args(Transform)
TAU2_METHODS: tuple[str, ...] = get_args(Tau2Method)


def primary_studies(studies: pd.DataFrame, *, overlap: OverlapRule = "keep_one") -> pd.DataFrame:
    """ATC monotherapy cohorts (``pooling_role == "atc_monotherapy"``), in publication order.

    Parameters
    ----------
    studies : ``Evidence.studies``.
    overlap : "keep_one" keeps, of cohorts sharing an ``overlap_group``, only the one with
        ``overlap_keep`` true (the primary analysis); "all" keeps every cohort.
    """
    check_choice("overlap", overlap, OVERLAP_RULES)
    return select_cohorts(studies, dedupe=overlap == "keep_one").reset_index(drop=True)


REPRESENTS = " representing its overlap group"


def overlap_variants(studies: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Study sets for the overlap sensitivity analysis: the primary set, all cohorts, and each
    member of every overlap group in turn representing its group ("<label> representing its overlap
    group"; the label is printed, so it names the cohort, not the data's group code)."""
    primary = primary_studies(studies)
    every = primary_studies(studies, overlap="all")
    out = {"one cohort per overlap group (primary)": primary, "all cohorts (overlap ignored)": every}
    grouped = every[every["overlap_group"].notna()]
    for group, members in grouped.groupby("overlap_group", sort=True):
        for sid, label in zip(members["study_id"], members["label"]):
            keep = every[every["overlap_group"].ne(group) | (every["study_id"] == sid)]
            keep = keep[kept_members(keep) | (keep["study_id"] == sid)]
            out[f"{label}{REPRESENTS}"] = keep.reset_index(drop=True)
    return out


def study_sets(studies: pd.DataFrame) -> dict[str, tuple[str, pd.DataFrame]]:
    """Every study set of the exclusion and overlap analyses, keyed for the ledger.

    Returns ``{key: (label, studies)}`` with keys ``set_primary``, ``set_no_abstracts``
    (meeting abstracts excluded), ``set_no_secondary`` (cohorts whose response counts come
    only from a secondary source excluded), ``set_all_cohorts`` (overlap ignored) and
    ``set_overlap_<study_id>`` (that cohort represents its overlap group).
    """
    primary = primary_studies(studies)
    out = {"set_primary": ("primary (one cohort per overlap group)", primary),
           "set_no_abstracts": ("excluding meeting abstracts",
                                primary[primary["publication_type"] != "meeting_abstract"]),
           "set_no_secondary": ("excluding secondary-only values", primary[primary["source_level"] != "secondary"])}
    every = primary_studies(studies, overlap="all")
    for label, frame in overlap_variants(studies).items():
        if label.startswith("all cohorts"):
            out["set_all_cohorts"] = (label, frame)
        elif label.endswith(REPRESENTS):
            sid = every.loc[every["label"] == label.removesuffix(REPRESENTS), "study_id"].iloc[0]
            out[f"set_overlap_{sid}"] = (label, frame)
    return out


def counts(studies: pd.DataFrame, outcome: str) -> pd.DataFrame:
    """study_id, label, pub_date, events, total of the studies that report ``outcome`` ("ORR"/"DCR")."""
    c = outcome_counts(studies, outcome)  # the one rule: a cohort without a count is left out
    dates = studies.set_index("study_id").loc[c["study_id"], "pub_date"].to_numpy()
    return pd.DataFrame({"study_id": c["study_id"].to_numpy(), "label": c["label"].to_numpy(), "pub_date": dates,
                         "events": c["events"].to_numpy(int), "total": c["n"].to_numpy(int)})


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
    height = 0.26 * len(methods) + 0.9  # 11 estimators x 2 outcomes still fit a PDF page
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
                        va="center", fontsize=8)
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
                     "tau2": "–" if np.isnan(r.tau2) else f"{r.tau2:.4f}", "I2": "–" if np.isnan(r.i2) else f"{100 * r.i2:.0f}%"})
    return pd.DataFrame(rows)


def grid_range(grid: pd.DataFrame) -> tuple[float, float]:
    """Smallest and largest pooled estimate over the grid."""
    return float(grid["estimate"].min()), float(grid["estimate"].max())


def grid_spread(grid: pd.DataFrame) -> tuple[float, float]:
    """How far each choice moves the estimate: (largest range over τ² estimators within one
    transformation, largest range over transformations within one estimator)."""
    by_method = grid.groupby("transform")["estimate"].agg(lambda e: e.max() - e.min()).max()
    by_transform = grid.groupby("tau2_method")["estimate"].agg(lambda e: e.max() - e.min()).max()
    return float(by_method), float(by_transform)


def grid_sentence(grid: pd.DataFrame, outcome: str) -> str:
    """The spread of :func:`grid_spread` in words, and which choice matters more."""
    by_method, by_transform = grid_spread(grid)
    pp = lambda v: f"{100 * v:.1f}"  # noqa: E731 - percentage points, one decimal
    more = ("the transformation matters more than the estimator" if by_transform > by_method else
            "the estimator matters at least as much as the transformation")
    return (f"Within one transformation, the τ² estimator moves the pooled {outcome} by at most {pp(by_method)} "
            f"percentage points; within one estimator, the transformation moves it by at most {pp(by_transform)}, "
            f"so {more}.")


def glmm_note(message: str, outcome: str) -> str:
    """A warning of the GLMM fit as a sentence for readers (known warnings; others as they are)."""
    from living_review.meta.glmm_pooling import ZERO_EVENT_WARNING

    if message == ZERO_EVENT_WARNING:
        return (f"For the {outcome}, cohorts in which no patient or every patient had the event add nothing "
                "to the GLMM's test of heterogeneity, so the I² it gives understates how much the cohorts "
                "differ; the likelihood-ratio test and the τ²-based I² do not have this limitation.")
    return f"For the {outcome}, the GLMM fit reports: {message.rstrip('.')}."


def _ids(studies: pd.DataFrame, outcome: str) -> dict[str, str]:
    c = counts(studies, outcome)
    return dict(zip(c["label"], c["study_id"]))


def record_grid(grid: pd.DataFrame, studies: pd.DataFrame, outcome: str, prefix: str, *, chapter: str,
                options: dict, root=None) -> list[str]:
    """Record every cell of an :func:`estimator_grid` as ``<prefix>.<outcome>.grid.<transform>_<method>``."""
    from living_review.provenance.ledger import record

    c = counts(studies, outcome)
    inputs = ledger_inputs(studies, outcome)
    keys = []
    for row in grid.itertuples(index=False):
        key = f"{prefix}.{outcome.lower()}.grid.{row.transform.lower()}_{row.tau2_method.lower()}"
        record(key, outcome=outcome, estimate=row.estimate, ci_low=row.ci_low, ci_high=row.ci_high, k=len(c),
               n=int(c["total"].sum()), params={**options, "transform": row.transform, "tau2_method": row.tau2_method,
                                                "model": "inverse"},
               inputs=inputs, extra={"tau2": row.tau2, "i2": row.i2}, chapter=chapter, root=root)
        keys.append(key)
    return keys


def record_sequential(seq, studies: pd.DataFrame, outcome: str, prefix: str, *, chapter: str, options: dict,
                      root=None) -> list[str]:
    """Record each fit of a leave-one-out (``<prefix>.<outcome>.loo.without_<study_id>``) or cumulative
    (``<prefix>.<outcome>.cumulative.upto_<study_id>``) analysis."""
    from living_review.provenance.ledger import record

    c = counts(studies, outcome).set_index("study_id")
    by_id = {i["study_id"]: i for i in ledger_inputs(studies, outcome)}
    ids = _ids(studies, outcome)
    loo = seq.kind == "leave-one-out"
    order = list(ids.values())
    keys = []
    for j, row in enumerate(seq.frame.itertuples(index=False)):
        sid = ids[row.label]
        used = [s for s in order if s != sid] if loo else order_by_fit(seq, ids)[: j + 1]
        key = f"{prefix}.{outcome.lower()}.{'loo.without' if loo else 'cumulative.upto'}_{sid}"
        record(key, outcome=outcome, estimate=row.estimate, ci_low=row.ci_low, ci_high=row.ci_high, k=row.k,
               n=int(c.loc[used, "total"].sum()), params={**options, "analysis": seq.kind},
               inputs=[by_id[s] for s in used],
               extra={"tau2": row.tau2, "i2": row.i2}, chapter=chapter, root=root)
        keys.append(key)
    return keys


def order_by_fit(seq, ids: dict[str, str]) -> list[str]:
    """Study ids in the order a cumulative analysis added them."""
    return [ids[label] for label in seq.frame["label"]]
