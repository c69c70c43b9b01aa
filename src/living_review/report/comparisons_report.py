"""Between-arm comparisons of included studies, side by side for the book.

:func:`comparison_table` puts each value of a comparator arm (``comparisons.csv``) beside the
matching value of the TKI arm, taken from where the review keeps it: landmarks from
``landmarks.csv``, treatment-related adverse events from ``adverse_events.csv``, the median OS
or PFS from ``studies.csv``, anything else from the experimental rows of ``comparisons.csv``.
A hazard ratio is the contrast of its comparison. Values are printed as reported; nothing is
converted or pooled here.

Example
-------
>>> comparison_table(load_evidence(), allocation="randomised")  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Literal, get_args

import pandas as pd

from living_review.analyses.comparative import landmark_label, tki_events, tki_landmark, tki_time
from living_review.meta.risk_difference import ratio_p_value

Allocation = Literal["randomised", "non_randomised"]
ALLOCATIONS: tuple[str, ...] = get_args(Allocation)
COLUMNS = ("Study", "Comparator", "Allocation", "Outcome", "TKI arm", "Comparator arm", "Between arms")
_ALLOCATION = {"randomised": "randomised", "non_randomised": "not randomised (groups as treated)"}


def _num(v, least: int = 1) -> str:
    """At least ``least`` decimals, more where the value has them (up to 4): 29.0, 0.86, 2.0."""
    for d in range(least, 5):
        if abs(round(v, d) - v) < 1e-9:
            return f"{v:.{d}f}"
    return f"{v:.4f}"


def _ci(lo, hi) -> str:
    return "" if pd.isna(lo) else f" ({_num(lo)}–{_num(hi)})"


def _p(p) -> str:
    return "" if pd.isna(p) else f", p = {p:g}"


#: a printed p within this of half the two-sided p its interval implies is read as one-sided (p printed to 2 decimals)
ONE_SIDED_TOLERANCE = 0.01


def _ratio_p(r) -> str:
    """The printed p of a ratio, said to be one-sided when it is half the two-sided p its interval implies
    (Altman and Bland 2011), as the comparative-evidence chapter reads NRG/RTOG 0912's p = 0.28."""
    if pd.isna(r.p_value) or pd.isna(r.ci_lower):
        return _p(r.p_value)
    level = 0.95 if pd.isna(r.ci_level) else float(r.ci_level) / 100
    two = ratio_p_value(float(r.value), float(r.ci_lower), float(r.ci_upper), level)
    if getattr(r, "p_sided", None) == "one_sided":  # the source says so: no inference needed
        return f", p = {r.p_value:g} one-sided as pre-specified (two-sided {two:.2f} from the interval)"
    if abs(float(r.p_value) - two / 2) <= ONE_SIDED_TOLERANCE:
        return f", p = {r.p_value:g} one-sided as printed (two-sided {two:.2f} from the interval)"
    return _p(r.p_value)


def _outcome(r) -> str:
    if r.statistic == "landmark_pct":
        return f"{r.endpoint} at {landmark_label(r.time, r.unit)}"
    if r.statistic == "events":
        return f"treatment-related adverse event, highest grade {r.grade_band}"
    if r.statistic == "average":
        return f"{r.endpoint}, 'average survival' as printed ({r.unit}; mean or median not stated)"
    return f"median {r.endpoint} ({r.unit})"


def _value(r) -> str:
    if r.statistic == "landmark_pct":
        return f"{_num(r.value)}%{_ci(r.ci_lower, r.ci_upper)}, n = {r.n}"
    if r.statistic == "events":
        return f"{int(r.value)}/{r.n} ({100 * r.value / r.n:.1f}%)"
    return f"{_num(r.value)}{_ci(r.ci_lower, r.ci_upper)}, n = {r.n}"


def _tki_value(evidence, r, group: pd.DataFrame) -> str:
    sid = r.study_id
    if r.statistic == "landmark_pct":
        hit = tki_landmark(evidence, sid, r.endpoint, r.time, r.unit)
        n = evidence.studies.set_index("study_id").loc[sid, "n_enrolled"]
        return "not reported" if hit is None else (f"{_num(hit.rate_pct)}%{_ci(hit.ci_lower_pct, hit.ci_upper_pct)}"
                                                   + ("" if pd.isna(n) else f", n = {n}"))
    if r.statistic == "events":
        hit = tki_events(evidence, sid, r.grade_band)
        return "not reported" if hit is None else (f"{hit.events}/{hit.denominator} "
                                                   f"({100 * hit.events / hit.denominator:.1f}%)")
    found = tki_time(evidence, group, r.endpoint, r.statistic, r.unit)
    if found is None:
        return "not reported"
    value, lo, hi, n = found
    return f"{_num(value)}{_ci(lo, hi)}" + ("" if pd.isna(n) else f", n = {int(n)}")


def comparison_table(evidence, allocation: Allocation | None = None) -> pd.DataFrame:
    """One row per outcome of each comparison: the TKI arm, the comparator arm and the contrast.

    Parameters
    ----------
    evidence : ``load_evidence()``.
    allocation : keep only ``"randomised"`` or ``"non_randomised"`` comparisons (``None``: all).

    Returns
    -------
    DataFrame with :data:`COLUMNS`; a hazard ratio gets its own row (outcome, both arms
    ``–``), each comparator value a row with the TKI arm's value beside it.
    """
    if allocation is not None and allocation not in ALLOCATIONS:
        raise ValueError(f"allocation={allocation!r} is not allowed; choose one of {', '.join(ALLOCATIONS)} or None")
    comp = evidence.comparisons
    if allocation is not None:
        comp = comp[comp.allocation == allocation]
    labels = evidence.studies.set_index("study_id")["label"]
    rows = []
    for cid, group in comp.groupby("comparison_id", sort=False):
        first = group.iloc[0]
        head = {"Study": labels[first.study_id], "Comparator": first.comparator,
                "Allocation": _ALLOCATION[first.allocation]}
        for r in group.itertuples(index=False):
            if r.arm == "contrast":
                rows.append({**head, "Outcome": f"{r.endpoint} hazard ratio, TKI arm / comparator",
                             "TKI arm": "–", "Comparator arm": "–",
                             "Between arms": f"{_num(r.value, 2)} ({_num(r.ci_lower, 2)}–{_num(r.ci_upper, 2)}){_ratio_p(r)}"
                             if pd.notna(r.ci_lower) else f"{_num(r.value, 2)}{_p(r.p_value)}"})
            elif r.arm == "comparator":
                rows.append({**head, "Outcome": _outcome(r), "TKI arm": _tki_value(evidence, r, group),
                             "Comparator arm": _value(r), "Between arms": _p(r.p_value).lstrip(", ") or "–"})
    return pd.DataFrame(rows, columns=list(COLUMNS))
