"""Survival from what the cohorts reported: landmark rates pooled as proportions.

The review's primary survival estimates rest only on reported values: the medians (pooled on the
log scale, :mod:`living_review.analyses.survival_report`) and the landmark rates of
``data/landmarks.csv`` (1-year OS, 6-month PFS, ...), pooled here as single proportions with the
engine's :func:`living_review.meta.metaprop` and the configured transform, tau² estimator and level,
exactly as the response rates are.

A reported rate becomes a count on its ``denominator``: the analysis set the source names (HOPE's
42 confirmed ATC patients) or, when it names none, the cohort's reported number of patients
(``denominator_basis`` says which, and every table prints it). The count is the rate times the
denominator, rounded to a whole patient; the proportion it implies is printed beside the reported
rate, so a reader sees where the two differ (a Kaplan-Meier rate with censoring is not a count).
One cohort is not a meta-analysis: it is given with its exact (Clopper-Pearson) interval.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from living_review.core.choices import check_choice
from living_review.meta import MetaPropResult, metaprop
from living_review.settings.adapter import metaprop_options

BASIS = {"analysis_set": "analysis set", "reported_n": "reported n; no analysis set named"}
_TOL_MONTHS = 1e-6


@dataclass(frozen=True)
class LandmarkPooling:
    """One endpoint at one landmark time (months): the cohorts' reported rates and their pooled proportion.

    ``table`` has one row per cohort: study_id, label, drug, time and unit as reported, rate_pct,
    denominator, basis, events (rate × denominator, rounded) and implied_pct (events / denominator).
    ``result`` is ``None`` when no cohort reports the landmark.
    """

    endpoint: str
    months: float
    table: pd.DataFrame = field(repr=False)
    result: MetaPropResult | None = field(repr=False, compare=False)

    @property
    def k(self) -> int:
        return len(self.table)

    @property
    def patients(self) -> int:
        return int(self.table["denominator"].sum()) if self.k else 0

    @property
    def key(self) -> str:
        return landmark_key(self.endpoint, self.months)

    @property
    def outcome(self) -> str:
        return f"{self.endpoint} at {self.months:g} months"

    def text(self, level: float) -> str:
        """'14.6% (95% CI 9.7–20.3%; 3 cohorts, 186 patients)', '(exact 95% CI ...; one cohort, ...)', or why none."""
        r = self.result
        if r is None:
            return "not reported by any cohort"
        kind = ("exact " if self.k == 1 else "") + f"{100 * level:g}% CI"
        return (f"{100 * r.estimate:.1f}% ({kind} {100 * r.ci_low:.1f}–{100 * r.ci_high:.1f}%; "
                f"{'one cohort' if self.k == 1 else f'{self.k} cohorts'}, {self.patients} patients)")


def landmark_key(endpoint: str, months: float) -> str:
    """Ledger key of a pooled landmark: ``survival.os.landmark_12m``."""
    check_choice("endpoint", endpoint, ("PFS", "OS"))
    return f"survival.{endpoint.lower()}.landmark_{months:g}m"


def reported(cohorts: pd.DataFrame, landmarks: pd.DataFrame) -> list[tuple[str, float]]:
    """(endpoint, months) of every landmark that at least one of ``cohorts`` reports, PFS first, by time."""
    lm = landmarks[landmarks["study_id"].isin(cohorts["study_id"])]
    pairs = {(e, round(float(t), 6)) for e, t in zip(lm["endpoint"], lm["time_months"])}
    return sorted(pairs, key=lambda p: (p[0] != "PFS", p[1]))


def landmark_input(cohorts: pd.DataFrame, landmarks: pd.DataFrame, endpoint: str, months: float) -> pd.DataFrame:
    """The reported rates of ``endpoint`` at ``months`` of ``cohorts`` (in their order), with the count used."""
    lm = landmarks[(landmarks["endpoint"] == endpoint)
                   & ((landmarks["time_months"] - float(months)).abs() < _TOL_MONTHS)].set_index("study_id")
    keep = cohorts[cohorts["study_id"].isin(lm.index)]
    cols = ["study_id", "label", "drug", "time", "time_unit", "rate_pct", "denominator", "basis", "events",
            "implied_pct", "source"]
    if keep.empty:
        return pd.DataFrame(columns=cols)
    rows = lm.loc[keep["study_id"]]
    den = rows["denominator"].astype(int).to_numpy()
    events = np.rint(rows["rate_pct"].to_numpy(float) / 100 * den).astype(int)
    return pd.DataFrame({
        "study_id": keep["study_id"].to_numpy(), "label": keep["label"].to_numpy(), "drug": keep["drug"].to_numpy(),
        "time": rows["time"].to_numpy(float), "time_unit": rows["time_unit"].to_numpy(),
        "rate_pct": rows["rate_pct"].to_numpy(float), "denominator": den,
        "basis": rows["denominator_basis"].to_numpy(), "events": events, "implied_pct": 100 * events / den,
        "source": rows["denominator_source"].to_numpy()}, columns=cols)


def pool_landmark(cohorts: pd.DataFrame, landmarks: pd.DataFrame, endpoint: str, months: float,
                  meta_settings) -> LandmarkPooling:
    """Pool the reported rates of ``endpoint`` at ``months`` with the configured method (as the response rates:
    ``meta_settings`` is ``load_settings().meta_analysis``; the GLMM pools on the logit)."""
    table = landmark_input(cohorts, landmarks, endpoint, months)
    if table.empty:
        return LandmarkPooling(endpoint, float(months), table, None)
    result = metaprop(table["events"], table["denominator"], studies=table["label"].tolist(),
                      **metaprop_options(meta_settings))
    return LandmarkPooling(endpoint, float(months), table, result)


def pool_all(cohorts: pd.DataFrame, landmarks: pd.DataFrame, meta_settings) -> tuple[LandmarkPooling, ...]:
    """:func:`pool_landmark` for every landmark :func:`reported` by ``cohorts``."""
    return tuple(pool_landmark(cohorts, landmarks, e, t, meta_settings) for e, t in reported(cohorts, landmarks))


def ledger_inputs(pooling: LandmarkPooling) -> list[dict]:
    """Per-cohort inputs for the ledger: the reported rate, the denominator, its basis and the count used."""
    return [{"study_id": r.study_id, "rate_pct": float(r.rate_pct), "n": int(r.denominator), "basis": r.basis,
             "events": int(r.events)} for r in pooling.table.itertuples()]


def ledger_params() -> dict:
    """How a landmark proportion was formed, for the ledger."""
    return {"scale": "reported landmark rate as a proportion", "count": "rate x denominator, rounded"}


def _time(value: float, unit: str) -> str:
    return f"{value:g} {unit.removesuffix('s') if value == 1 else unit}"


def input_table(poolings, level: float = 0.95) -> pd.DataFrame:
    """One row per cohort and landmark: the reported rate, the patients it is pooled over and why, the count."""
    rows = []
    for p in poolings:
        for r in p.table.itertuples():
            rows.append({"Endpoint": p.outcome, "Study": r.label, "Reported": f"{r.rate_pct:g}% at {_time(r.time, r.time_unit)}",
                         "Patients": f"{r.denominator} ({BASIS[r.basis]})",
                         "Count used": f"{r.events}/{r.denominator} ({r.implied_pct:.1f}%)"})
    return pd.DataFrame(rows, columns=["Endpoint", "Study", "Reported", "Patients", "Count used"])


def pooled_table(poolings, level: float = 0.95) -> pd.DataFrame:
    """One row per landmark: cohorts, patients, the pooled proportion (or the one cohort's exact CI), I²."""
    head = f"Estimate ({100 * level:g}% CI)"
    rows = []
    for p in poolings:
        r = p.result
        rows.append({"Landmark": p.outcome, "Cohorts": p.k, "Patients": p.patients,
                     head: (f"{100 * r.estimate:.1f}% ({100 * r.ci_low:.1f}–{100 * r.ci_high:.1f}%)"
                            + ("; one cohort, exact CI" if p.k == 1 else "")),
                     "I²": f"{100 * r.i2:.0f}%" if p.k > 1 else "not applicable"})
    return pd.DataFrame(rows, columns=["Landmark", "Cohorts", "Patients", head, "I²"])
