"""Each cohort's survival on the grid of the pooled curve: reconstructed where a curve is digitised,
otherwise a MODEL-BASED APPROXIMATION from what the cohort reported.

Reconstructed: Guyot et al. (2012) patients from ``data/km/`` -> Kaplan-Meier at the grid, with the
number of patients entering each interval. Approximated: the parametric curve of
:func:`living_review.survival.approximate.fit_studies` (exponential through the median, or Weibull
through the median and a landmark rate of ``data/landmarks.csv``), with ``N S(t_{j-1})`` patients
entering interval j: censoring is not modelled, every patient is followed to the end of the grid or
to the event, and a cohort stops where fewer than one patient would enter the next interval.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from living_review.core.choices import check_choice
from living_review.survival.approximate import fit_studies
from living_review.survival.km import km_on_grid

#: months: monthly to a year, then every 3 months to 2 years (Cao 2024's Table 2 landmarks are on it)
GRID_MONTHS: tuple[float, ...] = tuple(float(m) for m in [*range(1, 13), 15, 18, 21, 24])
APPROXIMATED, RECONSTRUCTED = "approximated", "reconstructed"


@dataclass(frozen=True)
class StudyCurves:
    """Rows for :func:`pool_survival` (study_id, label, drug, setting, time, n_risk, survival, source),
    one row per cohort in ``cohorts`` (with n, source, status, reported median) and those not used."""

    endpoint: str
    rows: pd.DataFrame
    cohorts: pd.DataFrame
    not_used: pd.DataFrame

    @property
    def n_approximated(self) -> int:
        return int((self.cohorts["source"] == APPROXIMATED).sum())

    @property
    def n_reconstructed(self) -> int:
        return int((self.cohorts["source"] == RECONSTRUCTED).sum())

    def subset(self, column: str, value: str) -> StudyCurves:
        """The cohorts whose ``column`` (e.g. drug, setting or source) equals ``value``."""
        keep = self.cohorts[self.cohorts[column] == value]["study_id"]
        return StudyCurves(self.endpoint, self.rows[self.rows["study_id"].isin(keep)],
                           self.cohorts[self.cohorts["study_id"].isin(keep)], self.not_used)


def _approximated(fit: pd.Series, grid: np.ndarray) -> pd.DataFrame:
    s = np.exp(-(grid / fit["scale"]) ** fit["shape"])
    entering = fit["n"] * np.concatenate([[1.0], s[:-1]])
    keep = entering >= 1
    return pd.DataFrame({"time": grid[keep], "survival": s[keep], "n_risk": entering[keep]})


def _patients(cohorts: pd.DataFrame, lm: pd.DataFrame) -> np.ndarray:
    """Patients of each cohort's curve: the denominator of its landmark rate (``landmarks.csv``, e.g.
    HOPE's 42 confirmed ATC patients rather than its 52 enrolled) where there is one, else ``n_enrolled``."""
    enrolled = cohorts["n_enrolled"].astype(float)
    if "denominator" not in lm.columns:
        return enrolled.to_numpy()
    return cohorts["study_id"].map(lm["denominator"].astype(float)).fillna(enrolled).to_numpy(float)


def study_curves(cohorts: pd.DataFrame, landmarks: pd.DataFrame, endpoint: str, *, digitised: Sequence = (),
                 grid: Sequence[float] = GRID_MONTHS) -> StudyCurves:
    """Survival of every cohort on ``grid`` (months) for ``endpoint`` ("PFS" or "OS").

    Parameters
    ----------
    cohorts : rows of ``Evidence.studies`` (study_id, label, drug, setting, n_enrolled (the patients of a
        curve unless its landmark row gives a denominator) and the
        months-normalised ``pfs_median_months`` / ``os_median_months``).
    landmarks : ``Evidence.landmarks`` (study_id, endpoint, time_months, rate_pct).
    digitised : :class:`living_review.survival.digitised.DigitisedCurve` objects; a cohort with a
        curve of this endpoint is reconstructed instead of approximated.
    grid : times of the pooled curve, months.
    """
    check_choice("endpoint", endpoint, ("PFS", "OS"))
    grid = np.asarray(grid, float)
    ep = endpoint.lower()
    curves = {c.study_id: c for c in digitised if c.endpoint == endpoint}
    lm = landmarks[landmarks["endpoint"] == endpoint].drop_duplicates("study_id").set_index("study_id")
    table = pd.DataFrame({
        "study_id": cohorts["study_id"].to_numpy(), "label": cohorts["label"].to_numpy(),
        "n": _patients(cohorts, lm), "median": cohorts[f"{ep}_median_months"].to_numpy(float),
        "landmark_time": cohorts["study_id"].map(lm["time_months"]).to_numpy(float),
        "landmark_survival": cohorts["study_id"].map(lm["rate_pct"] / 100).to_numpy(float)})
    fits = fit_studies(table).set_index("study_id")
    meta = cohorts.set_index("study_id")
    rows, used, not_used = [], [], []
    for sid, fit in fits.iterrows():
        if sid in curves:
            ipd = curves[sid].reconstruct()
            part = km_on_grid(ipd["time"], ipd["event"], grid)
            s = part["survival"].to_numpy()
            part = part.iloc[: (int(np.argmax(s == 0)) if (s == 0).any() else len(s) - 1) + 1]
            source, status = RECONSTRUCTED, f"reconstructed from a digitised curve ({len(ipd)} patients)"
        elif fit["family"] != "none" and fit["n"] > 0:
            part, source, status = _approximated(fit, grid), APPROXIMATED, fit["status"]
        else:
            not_used.append({"study_id": sid, "label": fit["label"], "reason": fit["status"]})
            continue
        rows.append(part.assign(study_id=sid, label=fit["label"], drug=meta.loc[sid, "drug"],
                                setting=meta.loc[sid, "setting"], source=source))
        used.append({"study_id": sid, "label": fit["label"], "drug": meta.loc[sid, "drug"],
                     "setting": meta.loc[sid, "setting"], "n": int(fit["n"]), "median": fit["median"],
                     "source": source, "status": status, "times": len(part)})
    cols = ["study_id", "label", "drug", "setting", "time", "n_risk", "survival", "source"]
    return StudyCurves(endpoint, pd.concat(rows, ignore_index=True)[cols] if rows else pd.DataFrame(columns=cols),
                       pd.DataFrame(used), pd.DataFrame(not_used, columns=["study_id", "label", "reason"]))
