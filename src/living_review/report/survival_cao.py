"""Cao 2024's survival results beside this review's estimates from reported data.

Cao 2024 (Medicine 2024;103(31):e38679) published survival rates at 3 to 24 months (its Table 2)
and pooled medians (its Results), from patient data it reconstructed from digitised Kaplan-Meier
curves. Its values are read from ``data/previous_version_results.csv`` (only what it printed). This
review's values beside them are those of reported data only: the landmark rates the cohorts
reported, pooled as proportions (:mod:`living_review.analyses.survival_landmarks`), and the pooled log
medians (:mod:`living_review.analyses.survival_report`). Where no cohort reports a landmark, the row
says so: no number of this review is read off a model curve.
"""

from __future__ import annotations

import math

import pandas as pd

COLUMNS = ["Endpoint", "Quantity", "This review (reported data)", "Cao 2024", "Difference"]


def _cao(previous: pd.DataFrame, endpoint: str) -> dict[str, tuple[float, int]]:
    rows = previous[(previous["outcome"] == endpoint) & (previous["subset"] == "all")]
    return {r.statistic: (float(r.value), int(r.decimals)) for r in rows.itertuples()}


def cao_rate_months(previous: pd.DataFrame, endpoint: str) -> list[int]:
    """The months at which Cao 2024 printed a survival rate for ``endpoint`` (Table 2), in order."""
    out = [int(s.removeprefix("rate_").removesuffix("_months")) for s in _cao(previous, endpoint)
           if s.startswith("rate_") and s.endswith("_months")]
    return sorted(out)


def comparison_table(landmarks, medians: dict, previous: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """One row per Cao 2024 rate and median, with this review's reported-data estimate beside it.

    Parameters
    ----------
    landmarks : the :class:`~living_review.analyses.survival_landmarks.LandmarkPooling` of every reported landmark.
    medians : ``{"PFS": MedianPooling, "OS": ...}``, the pooled log medians.
    previous : ``Evidence.previous_version_results``.
    """
    by = {(p.endpoint, p.months): p for p in landmarks}
    rows = []
    for ep in ("PFS", "OS"):
        cao = _cao(previous, ep)
        for m in cao_rate_months(previous, ep):
            value, dec = cao[f"rate_{m}_months"]
            p = by.get((ep, float(m)))
            mine = "no cohort reports it" if p is None or p.result is None else p.text(level)
            diff = ("–" if p is None or p.result is None else f"{100 * p.result.estimate - value:+.1f} points")
            rows.append({"Endpoint": ep, "Quantity": f"Survival at {m} months", "This review (reported data)": mine,
                         "Cao 2024": f"{value:.{dec}f}%", "Difference": diff})
        med = medians.get(ep)
        r = None if med is None else med.result
        mine = (f"{r.estimate:.1f} months ({100 * level:g}% CI {r.ci_low:.1f}–{r.ci_high:.1f}; {r.k} cohorts)"
                if r is not None else "not pooled")
        if "median" in cao:
            value, dec = cao["median"]
            ci = (f" ({cao['median_ci_lower'][0]:.{cao['median_ci_lower'][1]}f}–"
                  f"{cao['median_ci_upper'][0]:.{cao['median_ci_upper'][1]}f})"
                  if "median_ci_lower" in cao and "median_ci_upper" in cao else ", no CI")
            published = f"{value:.{dec}f} months{ci}"
            diff = "–" if r is None or not math.isfinite(r.estimate) else f"{r.estimate - value:+.1f} months"
        else:
            published, diff = "not published", "–"
        rows.append({"Endpoint": ep, "Quantity": "Median", "This review (reported data)": mine, "Cao 2024": published,
                     "Difference": diff})
    return pd.DataFrame(rows, columns=COLUMNS)
