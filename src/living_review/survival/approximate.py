"""MODEL-BASED APPROXIMATION of survival curves from reported medians and landmark rates.

Used only where no digitised curve exists. It is not reconstructed patient data and must be
labelled as such wherever it is shown: each study's curve is a parametric model fitted exactly
to what the study reported, and the pooled curve is their patient-weighted average.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np
import pandas as pd
from scipy import optimize

from living_review.core.choices import check_choice

LABEL = "Model-based approximation from reported medians and landmark rates (not reconstructed patient data)"
LN2 = float(np.log(2))
Weights = Literal["n", "equal"]

def _weibull_through(median: float, t_l: float, s_l: float) -> tuple[float, float] | None:
    """Shape and scale of the Weibull with S(median) = 1/2 and S(t_l) = s_l, or None if none exists."""
    if t_l <= 0 or t_l == median or not 0 < s_l < 1:
        return None
    shape = np.log(np.log(1 / s_l) / LN2) / np.log(t_l / median)
    if not np.isfinite(shape) or shape <= 0:
        return None  # e.g. a landmark after the median with survival above 1/2
    return float(shape), float(median / LN2 ** (1 / shape))


def fit_studies(studies: pd.DataFrame) -> pd.DataFrame:
    """Fit one parametric survival curve per study to what it reported.

    Parameters
    ----------
    studies : pandas.DataFrame
        Columns ``label``, ``n``, ``median`` (months, may be missing), ``landmark_time`` (months)
        and ``landmark_survival`` (proportion), both may be missing.

    Returns
    -------
    pandas.DataFrame
        The input with ``family``, ``shape``, ``scale`` (months) and ``status``. ``S(t) =
        exp(-(t/scale)^shape)``; shape 1 is the exponential.

    Notes
    -----
    Rule per study: median and landmark -> Weibull through both points; median only ->
    exponential with rate ln2/median; landmark only -> exponential with rate -ln(S_L)/t_L
    (stated in ``status``); neither -> not used (listed). A median and landmark that no Weibull
    can join fall back to the exponential on the median, also stated.
    """
    df = studies.copy().reset_index(drop=True)
    for col in ("median", "landmark_time", "landmark_survival", "n"):
        if col not in df.columns:
            df[col] = np.nan
    rows = []
    for _, r in df.iterrows():
        m, t_l, s_l = r["median"], r["landmark_time"], r["landmark_survival"]
        has_m, has_l = pd.notna(m) and m > 0, pd.notna(t_l) and pd.notna(s_l)
        if has_l and not 0 < s_l < 1:
            raise ValueError(f"study {r['label']!r}: landmark_survival {s_l} must be a proportion in (0, 1)")
        wb = _weibull_through(m, t_l, s_l) if has_m and has_l else None
        if wb:
            rows.append(("weibull", *wb, f"Weibull through the median and S({t_l:g}) = {s_l:.3f}"))
        elif has_m:
            rows.append(("exponential", 1.0, m / LN2, "exponential fitted to the median"
                         + ("; landmark inconsistent with a Weibull, not used" if has_l else "")))
        elif has_l:
            rows.append(("exponential", 1.0, t_l / np.log(1 / s_l),
                         f"exponential fitted to S({t_l:g}) = {s_l:.3f} (no median reported)"))
        else:
            rows.append(("none", np.nan, np.nan, "not used: no median or landmark rate reported"))
    fam, shape, scale, status = (list(col) for col in zip(*rows)) if rows else ([], [], [], [])
    return df.assign(family=fam, shape=shape, scale=scale, status=status)


@dataclass(frozen=True)
class ApproximateCurve:
    """Patient-weighted average of per-study parametric curves. A MODEL-BASED APPROXIMATION."""

    endpoint: str
    fits: pd.DataFrame
    median: float
    weights: str
    label: str = LABEL

    def survival_at(self, times) -> np.ndarray:
        """Approximate pooled survival (proportion) at ``times`` (months)."""
        used = self.fits[self.fits["family"] != "none"]
        w = used["n"].to_numpy(float) if self.weights == "n" else np.ones(len(used))
        t = np.atleast_1d(np.asarray(times, float))[:, None]
        s = np.exp(-(t / used["scale"].to_numpy()) ** used["shape"].to_numpy())
        return (s * w).sum(axis=1) / w.sum()

    def summary(self) -> str:
        used = (self.fits["family"] != "none").sum()
        lines = [f"{self.endpoint}: {self.label}", f"  {used} studies, weighted by {self.weights}; "
                 f"approximate pooled median {self.median:.2f} months"]
        lines += [f"  {r['label']}: {r['status']}" for _, r in self.fits.iterrows()]
        return "\n".join(lines)


def approximate_curve(studies: pd.DataFrame, *, endpoint: str = "OS", weights: Weights = "n") -> ApproximateCurve:
    """Approximate pooled survival curve from reported medians and landmark rates.

    Parameters
    ----------
    studies : pandas.DataFrame
        As for :func:`fit_studies`; ``n`` is needed for ``weights="n"``.
    endpoint : str
        Label ("OS" or "PFS").
    weights : {"n", "equal"}
        Weight of each study's curve: its number of patients, or equal.

    Returns
    -------
    ApproximateCurve

    Notes
    -----
    ``S(t) = sum_i w_i exp(-(t / b_i)^k_i) / sum_i w_i``; with ``w_i = n_i`` this is the survival of
    all patients pooled if every study followed its fitted model. The median solves ``S(t) = 1/2``.

    Example
    -------
    >>> df = pd.DataFrame({"label": ["A", "B"], "n": [10, 10], "median": [4.0, 4.0]})
    >>> round(approximate_curve(df).median, 6)
    4.0
    """
    check_choice("weights", weights, get_args(Weights))
    fits = fit_studies(studies)
    used = fits[fits["family"] != "none"]
    if used.empty:
        raise ValueError(f"{endpoint}: no study reports a median or a landmark rate; nothing to approximate")
    if weights == "n" and (used["n"].isna() | (used["n"] <= 0)).any():
        bad = used.loc[used["n"].isna() | (used["n"] <= 0), "label"].tolist()
        raise ValueError(f"{endpoint}: n missing for {bad}; add it or use weights='equal'")
    curve = ApproximateCurve(endpoint, fits, float("nan"), weights)
    hi = float(used["scale"].max()) * 50
    median = optimize.brentq(lambda t: curve.survival_at(t)[0] - 0.5, 1e-9, hi, xtol=1e-10)
    return ApproximateCurve(endpoint, fits, float(median), weights)


@dataclass(frozen=True)
class PublishedSurvival:
    """Survival a previous version published: rates (percent) by month and endpoint, and pooled medians.

    Read from a table with the columns of the data package's ``previous_version_results``
    (``outcome``, ``subset``, ``statistic``, ``value``): ``rate_<m>_months`` rows give the rates,
    ``median``, ``median_ci_lower`` and ``median_ci_upper`` the medians (NaN where not printed).
    """

    source: str
    rates: pd.DataFrame  # index: months; one column per endpoint
    medians: pd.DataFrame  # index: endpoint; median, ci_low, ci_high


def published_survival(results: pd.DataFrame, *, source: str, subset: str = "all") -> PublishedSurvival:
    """The survival values of ``results`` (``previous_version_results`` rows) for one subset."""
    rows = results[(results["subset"] == subset) & results["outcome"].isin(["OS", "PFS"])]
    rate = rows[rows["statistic"].str.startswith("rate_")]
    months = [int(s.removeprefix("rate_").removesuffix("_months")) for s in rate["statistic"]]
    rates = (rate.assign(months=months).pivot(index="months", columns="outcome", values="value")
             .sort_index().rename_axis(columns=None))
    pick = {"median": "median", "median_ci_lower": "ci_low", "median_ci_upper": "ci_high"}
    med = rows[rows["statistic"].isin(list(pick))]
    medians = (med.assign(column=med["statistic"].map(pick)).pivot(index="outcome", columns="column", values="value")
               .reindex(columns=list(pick.values())).rename_axis(index="endpoint", columns=None))
    return PublishedSurvival(source, rates, medians)


@dataclass(frozen=True)
class PublishedComparison:
    """Approximate curves side by side with a previous version's reconstructed rates and pooled medians."""

    source: str
    rates: pd.DataFrame
    medians: pd.DataFrame

    def summary(self) -> str:
        return (f"{LABEL}\ncompared with {self.source} (reconstructed patient data):\n"
                f"{self.rates.to_string()}\n{self.medians.to_string()}")


def compare_with_published(curves: dict[str, ApproximateCurve], published: PublishedSurvival) -> PublishedComparison:
    """Side-by-side table of approximate and published survival rates (%) at the published months, and medians.

    ``curves`` maps "OS" and/or "PFS" to an :class:`ApproximateCurve`. Columns of ``rates``:
    ``<endpoint> approx``, ``<endpoint> <source>``, ``<endpoint> difference`` (approx - published,
    percentage points). ``medians`` holds the approximate median and the published one with its CI.
    """
    src = published.source
    unknown = set(curves) - set(published.rates.columns)
    if unknown:
        raise ValueError(f"no {src} values for {sorted(unknown)}; choose among {', '.join(published.rates.columns)}")
    months = published.rates.index.to_numpy(float)
    cols = {}
    for ep, curve in curves.items():
        approx = np.round(100 * curve.survival_at(months), 2)
        cols[f"{ep} approx"] = approx
        cols[f"{ep} {src}"] = published.rates[ep].to_numpy()
        cols[f"{ep} difference"] = np.round(approx - published.rates[ep].to_numpy(), 2)
    rates = pd.DataFrame(cols, index=pd.Index([f"{m:g} mo" for m in months], name="Survival rates (%)"))
    medians = published.medians.loc[list(curves)].rename(columns=lambda c: f"{src} {c}")
    medians.insert(0, "approx median", [curves[ep].median for ep in curves])
    return PublishedComparison(src, rates, medians)
