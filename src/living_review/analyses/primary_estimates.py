"""The update's primary estimates as plain records, and the cohort sets each study touches.

An :class:`Estimate` is one pooled number (ORR, DCR, a pooled median) with its interval, the
cohorts behind it and the method, so that a sensitivity analysis can set the primary value
beside its alternative and record both in the ledger.

* :func:`proportion`: ORR or DCR, the configured random-effects model;
* :func:`log_median`: median PFS or OS pooled on the log scale from the reported intervals
  (medians without a CI are left out, and the estimate says which);
* :func:`median_of_medians`: every reported median, CI or not (McGrath et al. 2019);
* :func:`scopes`: the primary cohort sets a study belongs to (all ATC monotherapy, its drug,
  its setting; or its combination regimen).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from living_review.analyses import selection, survival_report
from living_review.survival.median_sensitivity import median_of_medians as _mm

SETTING_LABEL = {"trial": "prospective trials", "real_world": "real-world cohorts"}


@dataclass(frozen=True)
class Estimate:
    """One pooled estimate: proportions 0-1, medians in months; ``left_out`` lists (label, why)."""

    outcome: str
    method: str
    estimate: float
    ci_low: float
    ci_high: float
    k: int
    n: int
    i2: float
    inputs: tuple[dict, ...] = field(default=(), repr=False)
    left_out: tuple[tuple[str, str, int], ...] = field(default=(), repr=False)
    weighted: float = float("nan")

    def text(self) -> str:
        if self.outcome in ("ORR", "DCR") or self.outcome.startswith("AE"):
            return f"{100 * self.estimate:.1f}% ({100 * self.ci_low:.1f}–{100 * self.ci_high:.1f})"
        return f"{self.estimate:.1f} mo ({self.ci_low:.1f}–{self.ci_high:.1f})"

    def summary(self) -> str:
        return f"{self.outcome} ({self.method}): {self.text()}; k = {self.k}, {self.n} patients"


def proportion(cohorts: pd.DataFrame, outcome: str, meta) -> Estimate | None:
    """ORR or DCR over ``cohorts`` with the configured model (``None`` when none reports it)."""
    r = selection.pool_outcome(cohorts, outcome, meta)
    if r is None:
        return None
    counts = selection.outcome_counts(cohorts, outcome)
    return Estimate(outcome, f"{r.transform}, {r.tau2_method}", r.estimate, r.ci_low, r.ci_high, r.k,
                    int(counts["n"].sum()), r.i2, tuple(selection.ledger_inputs(cohorts, outcome)))


def log_median(cohorts: pd.DataFrame, endpoint: str, meta, survival) -> Estimate | None:
    """Pooled log median of ``endpoint``; ``left_out`` names the medians without a CI."""
    pooled = survival_report.pool_medians(cohorts, endpoint, tau2_method=meta.tau2_method, level=survival.level)
    r = pooled.result
    labels = dict(zip(cohorts["study_id"], cohorts["label"]))
    no_ci = tuple((labels[i["study_id"]], "no confidence interval reported", i["n"]) for i in pooled.inputs
                  if i["ci_low"] is None)
    if r is None:
        return None
    used = tuple(i for i in pooled.inputs if i["ci_low"] is not None)
    return Estimate(endpoint, "log-median, inverse variance", r.estimate, r.ci_low, r.ci_high, r.k,
                    int(sum(i["n"] for i in used)), r.i2, used, no_ci)


def median_of_medians(cohorts: pd.DataFrame, endpoint: str, level: float = 0.95) -> Estimate | None:
    """Median of all reported medians of ``endpoint`` (CI or not) with its order-statistic interval.

    ``weighted`` is the median of medians weighted by enrolled patients (McGrath et al. 2019);
    ``None`` when fewer than two cohorts report a median.
    """
    frame = survival_report.median_input(cohorts, endpoint)
    if len(frame) < 2:
        return None
    r = _mm(frame[["label", "median", "n"]], level=level)
    inputs = tuple({"study_id": s, "median_months": float(m), "n": int(n)}
                   for s, m, n in zip(frame["study_id"], frame["median"], frame["n"]))
    return Estimate(endpoint, f"median of medians (order-statistic CI, exact coverage {r.ci_coverage:.0%})", r.estimate, r.ci_low, r.ci_high, r.k, int(frame["n"].sum()),
                    float("nan"), inputs, (), r.weighted_estimate)


def _regimen_cohorts(studies: pd.DataFrame, regimen: str) -> pd.DataFrame:
    keep = (studies["pooling_role"] == "atc_combination") & (studies["regimen"] == regimen)
    keep &= studies["overlap_group"].isna() | studies["overlap_keep"].astype("boolean").fillna(False).astype(bool)
    return studies[keep].sort_values("pub_order")


def scopes(studies: pd.DataFrame, study_id: str) -> dict[str, tuple[str, pd.DataFrame]]:
    """``{scope key: (label, primary cohorts)}`` for every primary estimate ``study_id`` may touch.

    A monotherapy cohort touches the all-cohort estimate, its drug's and its setting's; a
    combination cohort touches its regimen's. Keys: ``all``, ``<drug>``, ``trials``/``real_world``,
    ``<regimen>``.
    """
    row = studies.loc[studies["study_id"] == study_id].iloc[0]
    if row["pooling_role"] == "atc_combination":
        reg = row["regimen"]
        return {reg: (reg.replace("_", " "), _regimen_cohorts(studies, reg))}
    if row["pooling_role"] != "atc_monotherapy":
        return {}
    every = selection.select_cohorts(studies)
    setting = row["setting"]
    return {"all": ("all ATC monotherapy", every),
            row["drug"]: (str(row["drug"]), every[every["drug"] == row["drug"]]),
            "trials" if setting == "trial" else "real_world": (SETTING_LABEL[setting], every[every["setting"] == setting])}


def estimates(cohorts: pd.DataFrame, outcome: str, settings) -> dict[str, Estimate | None]:
    """Every primary estimate of ``outcome`` on ``cohorts``: one for a rate, two for a median."""
    meta = settings.meta_analysis
    if outcome in ("ORR", "DCR"):
        return {outcome.lower(): proportion(cohorts, outcome, meta)}
    if outcome in ("PFS", "OS"):
        return {f"{outcome.lower()}_median": log_median(cohorts, outcome, meta, settings.survival),
                f"{outcome.lower()}_mm": median_of_medians(cohorts, outcome, settings.survival.level)}
    raise ValueError(f"outcome={outcome!r} is not allowed; choose one of ORR, DCR, PFS, OS")


def left_out_text(e: Estimate | None) -> str:
    """'N cohorts (M patients) without a reported confidence interval: label (n patients), ...' or ''."""
    return "" if e is None else left_out_sentence(e.left_out)


def left_out_sentence(left_out) -> str:
    """:func:`left_out_text` of ``(label, why, patients)`` tuples."""
    if not left_out:
        return ""
    n = int(np.sum([p for _, _, p in left_out]))
    names = ", ".join(f"{label} ({n_} patients)" for label, _, n_ in left_out)
    return (f"{len(left_out)} cohort{'s' if len(left_out) > 1 else ''} ({n} patients) without a reported "
            f"confidence interval: {names}")
