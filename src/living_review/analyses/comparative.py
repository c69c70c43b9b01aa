"""Between-arm effects of the comparative studies: what a TKI changes against its comparator.

Inputs are the comparator arms and contrasts of ``comparisons.csv`` and the TKI arm's own
rows (landmarks in ``landmarks.csv``, treatment-related adverse events in
``adverse_events.csv``, arm size ``n_enrolled`` in ``studies.csv``). Nothing here is pooled:
each comparison stands on its own.

* :func:`hazard_ratio`: the contrast as printed, with the two-sided p-value its interval
  implies (:func:`living_review.meta.risk_difference.ratio_p_value`) beside the printed one.
* :func:`landmark_differences`: each landmark's rates per arm and their difference,
  TKI − comparator, three ways: Newcombe's interval from the rates and the arm sizes (the
  primary analysis), the same with the denominators the printed rates imply
  (:func:`living_review.meta.risk_difference.implied_denominator`), and a Wald interval
  with each arm's standard error read back from its printed interval.
* :func:`event_differences`: treatment-related adverse events per arm and their difference
  (Newcombe).

Landmark rates are survival estimates, which may allow for censoring; a binomial interval
from the rate and the arm size treats them as proportions of the arm. The sensitivity
columns show how much that assumption moves the interval.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from living_review.meta.risk_difference import RiskDifference, from_intervals, from_rates, implied_denominator
from living_review.meta.risk_difference import ratio_p_value, risk_difference

_UNIT_ONE = {"days": "day", "weeks": "week", "months": "month", "years": "year"}


@dataclass(frozen=True)
class HazardRatio:
    """A reported hazard ratio (experimental / comparator) and the p-value its interval implies."""

    comparison_id: str
    endpoint: str
    ratio: float
    ci_low: float
    ci_high: float
    p_printed: float
    p_two_sided_from_ci: float
    n: int
    ci_level: float = float("nan")  # as printed (percent); NaN when the source does not state it
    p_sided: str = ""  # "one_sided" or "two_sided" where the source states it
    p_threshold: float = float("nan")  # the significance level the trial pre-specified, where stated

    @property
    def includes_null(self) -> bool:
        return self.ci_low <= 1 <= self.ci_high

    def p_text(self) -> str:
        """The printed p with what the source says of it: its sides and the trial's own threshold.

        >>> HazardRatio("c", "OS", 0.86, 0.52, 1.43, 0.28, 0.56, 71, 95, "one_sided", 0.1379).p_text()
        "p = 0.28 one-sided as pre-specified, above the trial's threshold of 0.1379: not significant"
        """
        if self.p_printed != self.p_printed:
            return ""
        sided = {"one_sided": " one-sided", "two_sided": " two-sided"}.get(self.p_sided, "")
        text = f"p = {self.p_printed:g}{sided}{' as pre-specified' if sided else ' as printed'}"
        t = self.p_threshold
        if t == t:
            verdict = "not significant" if self.p_printed > t else "significant"
            side = "above" if self.p_printed > t else "at or below"
            return f"{text}, {side} the trial's threshold of {t:g}: {verdict}"
        return text


@dataclass(frozen=True)
class LandmarkDifference:
    """One landmark: the rates per arm (percent, interval as printed) and their differences."""

    time: float
    unit: str
    tki_pct: float
    tki_ci: tuple[float, float]
    comparator_pct: float
    comparator_ci: tuple[float, float]
    n_tki: int
    n_comparator: int
    primary: RiskDifference
    implied: RiskDifference | None
    implied_n: tuple[int | None, int | None]
    from_printed_intervals: RiskDifference | None

    def label(self) -> str:
        return landmark_label(self.time, self.unit)


@dataclass(frozen=True)
class EventDifference:
    """Treatment-related adverse events of one grade band per arm and their difference."""

    grade_band: str
    tki_events: int
    tki_n: int
    comparator_events: int
    comparator_n: int
    difference: RiskDifference


def landmark_label(time: float, unit: str) -> str:
    """``1 year``, ``2 years``: a landmark time as the book prints it."""
    return f"{time:g} {_UNIT_ONE[unit] if time == 1 else unit}"


def tki_landmark(evidence, study_id: str, endpoint: str, time: float, unit: str) -> pd.Series | None:
    """The TKI arm's landmark row (``landmarks.csv``) at ``time`` ``unit``, or None."""
    lm = evidence.landmarks
    hit = lm[(lm["study_id"] == study_id) & (lm["endpoint"] == endpoint) & (lm["time"] == time)
             & (lm["time_unit"] == unit)]
    return None if hit.empty else hit.iloc[0]


def tki_events(evidence, study_id: str, grade_band: str) -> pd.Series | None:
    """The TKI arm's patient-level treatment-related adverse-event row of ``grade_band``
    (``adverse_events.csv``), or None. Matched by study, attribution and grade, not by the
    term's wording (free text); where several terms share the grade, the "any ..." row."""
    ae = evidence.adverse_events
    hit = ae[(ae["study_id"] == study_id) & (ae["attribution"] == "treatment_related")
             & (ae["grade_band"] == grade_band)]
    if len(hit) > 1:
        hit = hit[hit["term"].str.lower().str.startswith("any ")]
    return hit.iloc[0] if len(hit) == 1 else None


def tki_time(evidence, comparison_rows: pd.DataFrame, endpoint: str, statistic: str,
             unit: str) -> tuple[float, float, float, float] | None:
    """The TKI arm's ``statistic`` (median or average) of ``endpoint`` in ``unit``: its
    experimental row in ``comparisons.csv``, else, for a median, the study's reported median
    in the same unit. Returns (value, CI lower, CI upper, n) with NaN where not reported, or None."""
    mine = comparison_rows[(comparison_rows["arm"] == "experimental") & (comparison_rows["endpoint"] == endpoint)
                           & (comparison_rows["statistic"] == statistic)]
    if not mine.empty:
        r = mine.iloc[0]
        return float(r["value"]), float(r["ci_lower"]), float(r["ci_upper"]), float(r["n"])
    if statistic != "median":
        return None
    s = evidence.studies.set_index("study_id").loc[comparison_rows["study_id"].iat[0]]
    ep = endpoint.lower()
    if pd.isna(s[f"{ep}_median"]) or s[f"{ep}_unit"] != unit:
        return None
    n = float("nan") if pd.isna(s["n_enrolled"]) else float(s["n_enrolled"])
    return float(s[f"{ep}_median"]), float(s[f"{ep}_ci_lower"]), float(s[f"{ep}_ci_upper"]), n


def _rows(evidence, cid: str) -> pd.DataFrame:
    c = evidence.comparisons
    rows = c[c["comparison_id"] == cid]
    if rows.empty:
        raise ValueError(f"comparison {cid!r} is not in comparisons.csv")
    return rows


def _study(evidence, cid: str) -> pd.Series:
    sid = _rows(evidence, cid)["study_id"].iat[0]
    return evidence.studies.set_index("study_id").loc[sid]


def hazard_ratio(evidence, cid: str, endpoint: str = "OS") -> HazardRatio | None:
    """The comparison's hazard ratio for ``endpoint``, or None when it reports none."""
    rows = _rows(evidence, cid)
    hr = rows[(rows["statistic"] == "hazard_ratio") & (rows["endpoint"] == endpoint)]
    if hr.empty:
        return None
    r = hr.iloc[0]
    arms = rows[(rows["arm"] == "comparator") & (rows["endpoint"] == endpoint)]
    n = int(_study(evidence, cid)["n_enrolled"]) + int(arms["n"].max())
    p = float("nan") if pd.isna(r["p_value"]) else float(r["p_value"])
    level = float("nan") if pd.isna(r["ci_level"]) else float(r["ci_level"])
    # the p-value implied by the interval at its printed level (95% when the level is not printed)
    implied = ratio_p_value(float(r["value"]), float(r["ci_lower"]), float(r["ci_upper"]),
                            0.95 if pd.isna(r["ci_level"]) else level / 100)
    sided = "" if pd.isna(r.get("p_sided")) else str(r["p_sided"])
    threshold = float("nan") if pd.isna(r.get("p_threshold")) else float(r["p_threshold"])
    return HazardRatio(cid, endpoint, float(r["value"]), float(r["ci_lower"]), float(r["ci_upper"]), p, implied, n,
                       level, sided, threshold)


def landmark_differences(evidence, cid: str, endpoint: str = "OS", level: float = 0.95) -> list[LandmarkDifference]:
    """Every landmark reported for both arms, in time order (module docstring)."""
    rows = _rows(evidence, cid)
    study = _study(evidence, cid)
    comp = rows[(rows["statistic"] == "landmark_pct") & (rows["endpoint"] == endpoint)].sort_values("time")
    pairs = []
    for _, c in comp.iterrows():
        hit = tki_landmark(evidence, study.name, endpoint, c["time"], c["unit"])
        if hit is not None:
            pairs.append((hit, c))
    n_tki, n_comp = int(study["n_enrolled"]), int(comp["n"].max()) if len(comp) else 0
    implied_n = (implied_denominator([t["rate_pct"] for t, _ in pairs], n_tki),
                 implied_denominator([c["value"] for _, c in pairs], n_comp))
    out = []
    for t, c in pairs:
        p1, p2 = t["rate_pct"] / 100, c["value"] / 100
        tki_ci = (t["ci_lower_pct"], t["ci_upper_pct"])
        comp_ci = (c["ci_lower"], c["ci_upper"])
        implied = (from_rates(p1, implied_n[0], p2, implied_n[1], level)
                   if None not in implied_n and implied_n != (n_tki, n_comp) else None)
        wald = None
        if not any(pd.isna(v) for v in (*tki_ci, *comp_ci)) and 0 < p1 and 0 < p2:
            wald = from_intervals(p1, tki_ci[0] / 100, tki_ci[1] / 100, p2, comp_ci[0] / 100, comp_ci[1] / 100, level)
        out.append(LandmarkDifference(float(c["time"]), c["unit"], float(t["rate_pct"]), tki_ci, float(c["value"]),
                                      comp_ci, n_tki, n_comp, from_rates(p1, n_tki, p2, n_comp, level), implied,
                                      implied_n, wald))
    return out


def event_differences(evidence, cid: str, level: float = 0.95) -> list[EventDifference]:
    """Treatment-related adverse events reported for both arms, one per grade band."""
    rows = _rows(evidence, cid)
    sid = rows["study_id"].iat[0]
    out = []
    for _, c in rows[rows["statistic"] == "events"].iterrows():
        hit = tki_events(evidence, sid, c["grade_band"])
        if hit is None:
            continue
        x1, n1 = int(hit["events"]), int(hit["denominator"])
        x2, n2 = int(c["value"]), int(c["n"])
        out.append(EventDifference(c["grade_band"], x1, n1, x2, n2, risk_difference(x1, n1, x2, n2, level)))
    return out


def _pp(d: float) -> str:
    return f"{100 * d:+.1f}".replace("-", "−")


def difference_text(r: RiskDifference | None) -> str:
    """``+8.1 (−13.4 to +28.5)`` in percentage points, or a dash."""
    return "—" if r is None else f"{_pp(r.difference)} ({_pp(r.ci_low)} to {_pp(r.ci_high)})"


def landmark_table(diffs: list[LandmarkDifference], tki: str, comparator: str, level: float = 0.95) -> pd.DataFrame:
    """The landmark rates per arm and the three differences, one row per landmark."""
    head = f"({100 * level:g}% CI), percentage points"
    out = []
    for d in diffs:
        implied = ("—" if d.implied is None else
                   f"{difference_text(d.implied)} [n = {d.implied_n[0]} and {d.implied_n[1]}]")
        out.append({"Landmark": d.label(),
                    f"{tki}, % (interval as printed)": f"{d.tki_pct:.1f} ({d.tki_ci[0]:g}–{d.tki_ci[1]:g}), n = {d.n_tki}",
                    f"{comparator}, % (interval as printed)": (f"{d.comparator_pct:.1f} ({d.comparator_ci[0]:g}–"
                                                               f"{d.comparator_ci[1]:g}), n = {d.n_comparator}"),
                    f"Difference {head}": difference_text(d.primary),
                    "With the implied denominators": implied,
                    "From the printed intervals": difference_text(d.from_printed_intervals)})
    return pd.DataFrame(out)


def event_table(diffs: list[EventDifference], tki: str, comparator: str, level: float = 0.95) -> pd.DataFrame:
    """Treatment-related adverse events per arm and their difference, one row per grade band."""
    out = [{"Highest treatment-related adverse event": f"grade {e.grade_band}",
            tki: f"{e.tki_events}/{e.tki_n} ({100 * e.tki_events / e.tki_n:.1f}%)",
            comparator: f"{e.comparator_events}/{e.comparator_n} ({100 * e.comparator_events / e.comparator_n:.1f}%)",
            f"Difference ({100 * level:g}% CI), percentage points": difference_text(e.difference)} for e in diffs]
    return pd.DataFrame(out)


def coverage(evidence) -> list[str]:
    """Every discrepancy whose ``sensitivity`` names a comparative analysis ('comparative: ...')
    but whose study has no comparison in ``comparisons.csv`` for the chapter to analyse."""
    d = evidence.discrepancies
    named = d[d["sensitivity"].fillna("").str.strip().str.lower().str.startswith("comparative:")]
    with_comparison = set(evidence.comparisons["study_id"])
    return [f"{r.discrepancy_id}: names a comparative analysis, but study {r.study_id!r} has no comparison "
            "(add it to comparisons.csv, or correct the sensitivity)" for r in named.itertuples()
            if r.study_id not in with_comparison]
