"""Leave-one-out and cumulative meta-analysis (the living view), vectorised over fits."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from living_review.meta.effects import (Transform, back_transform, check_counts, check_transform,
                                        study_effects)
from living_review.meta.engine import pool
from living_review.meta.heterogeneity import h_and_i2
from living_review.meta.single import single_study_fields
from living_review.meta.tau2 import Tau2Method, check_method


@dataclass(frozen=True)
class SequentialResult:
    """One row per fit: ``label`` (study left out, or study added), ``k``, ``estimate``,
    ``ci_low``, ``ci_high`` (proportion scale), ``te``, ``se``, ``te_ci_low``, ``te_ci_high``
    (transformed scale, as metafor's ``leave1out``/``cumul`` print them), ``tau2``, ``i2``
    (Q-based), ``q``, ``q_pvalue``. A row with k = 1 pools nothing: its proportion-scale
    interval is the study's exact one and tau2, I² and Q are NaN."""

    kind: str
    frame: pd.DataFrame = field(repr=False)
    level: float = 0.95

    def summary(self) -> str:
        """Plain-text table with 2-4 decimals."""
        head = "Leave-one-out (omitting)" if self.kind == "leave-one-out" else "Cumulative (adding)"
        lines = [f"{head}: k, estimate [CI], tau2, I2"]
        for r in self.frame.itertuples(index=False):
            het = "one study, exact CI" if r.k == 1 else f"tau2 = {r.tau2:.4f}  I2 = {100 * r.i2:.0f}%"
            lines.append(f"  {r.label:<28} {r.k:>3}  {r.estimate:.3f} [{r.ci_low:.3f}; {r.ci_high:.3f}]  {het}")
        return "\n".join(lines)


def _run(x, n, labels, mask, kind, transform, tau2_method, hakn, level) -> SequentialResult:
    yi, vi = study_effects(x, n, transform)
    m = mask.shape[0]
    r = pool(np.broadcast_to(yi, mask.shape), np.broadcast_to(vi, mask.shape), mask, tau2_method, hakn, level,
             weights=np.broadcast_to(n, mask.shape))
    rows = []
    for i in range(m):
        nh = 1.0 / np.mean(1.0 / n[mask[i]])
        bt = lambda v: float(back_transform(np.asarray(v), transform, nh))  # noqa: E731
        k = int(r.k[i])
        het = h_and_i2(float(r.q[i]), k, level)
        row = dict(label=labels[i], k=k, estimate=bt(r.te[i]), ci_low=bt(r.ci_low[i]), ci_high=bt(r.ci_high[i]),
                   te=float(r.te[i]), se=float(r.se[i]), te_ci_low=float(r.ci_low[i]), te_ci_high=float(r.ci_high[i]),
                   tau2=float(r.tau2[i]), i2=het["i2"], q=float(r.q[i]),
                   q_pvalue=float(stats.chi2.sf(r.q[i], k - 1)) if k > 1 else float("nan"))
        if k == 1:
            # one study pools nothing: its proportion and exact interval (te/se stay its own, as metafor)
            j = int(np.flatnonzero(mask[i])[0])
            single = single_study_fields(x[j], n[j], level)
            row.update({f: single[f] for f in ("estimate", "ci_low", "ci_high", "tau2", "i2", "q")})
        rows.append(row)
    return SequentialResult(kind=kind, frame=pd.DataFrame(rows), level=level)


def leave_one_out(events, totals, *, transform: Transform = "PFT", tau2_method: Tau2Method = "REML",
                  hakn: bool = False, level: float = 0.95, studies=None) -> SequentialResult:
    """Re-pool the studies k times, omitting each study in turn (metafor ``leave1out``).

    Parameters
    ----------
    events, totals : counts per study; at least 2 studies.
    transform, tau2_method, hakn, level, studies : as in :func:`metaprop`.

    Returns
    -------
    SequentialResult with one row per omitted study (``label`` = the omitted study).

    Notes
    -----
    All k fits run as one vectorised computation. PFT back-transforms use the harmonic mean
    of the studies left in each fit, as re-running meta's ``metaprop`` would.

    Example
    -------
    >>> leave_one_out([2, 0, 2, 4], [8, 15, 20, 17]).frame.shape[0]
    4
    """
    check_transform(transform)
    check_method(tau2_method)
    x, n, labels = check_counts(events, totals, studies)
    if x.size < 2:
        raise ValueError("leave-one-out needs at least 2 studies.")
    mask = ~np.eye(x.size, dtype=bool)
    return _run(x, n, labels, mask, "leave-one-out", transform, tau2_method, hakn, level)


def cumulative(events, totals, dates, *, transform: Transform = "PFT", tau2_method: Tau2Method = "REML",
               hakn: bool = False, level: float = 0.95, studies=None) -> SequentialResult:
    """Cumulative meta-analysis: add studies one at a time in order of publication date.

    Parameters
    ----------
    events, totals : counts per study.
    dates : publication dates or years (anything sortable: numbers, ISO strings, datetimes).
        Ties keep the input order.
    transform, tau2_method, hakn, level, studies : as in :func:`metaprop`.

    Returns
    -------
    SequentialResult; row j pools the j earliest studies, ``label`` is the study added.

    Notes
    -----
    Same as metafor ``cumul(rma(...), order=dates)``; the first row is a single study
    (tau² = 0, see :func:`metaprop` for k = 1).

    Example
    -------
    >>> cumulative([2, 0, 2], [8, 15, 20], [2010, 2012, 2013]).frame["k"].tolist()
    [1, 2, 3]
    """
    check_transform(transform)
    check_method(tau2_method)
    x, n, labels = check_counts(events, totals, studies)
    dates = list(dates)
    if len(dates) != x.size:
        raise ValueError(f"dates has {len(dates)} values for {x.size} studies; give one date per study.")
    for lab, d in zip(labels, dates):
        if d is None or (isinstance(d, float) and np.isnan(d)):
            raise ValueError(f"{lab}: publication date is missing; cumulative analysis needs every date.")
    order = sorted(range(x.size), key=lambda i: (dates[i], i))
    x, n = x[order], n[order]
    labels = [labels[i] for i in order]
    mask = np.tri(x.size, dtype=bool)
    res = _run(x, n, labels, mask, "cumulative", transform, tau2_method, hakn, level)
    res.frame.insert(1, "date", [dates[i] for i in order])
    return res
