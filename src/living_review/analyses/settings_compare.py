"""Prospective trials versus real-world cohorts: covariates, meta-regressions and pooled medians by setting.

The chapter compares the two settings three ways: a subgroup test in the forest plot (the
engine's ``metaprop(subgroups=...)``), mixed-effects meta-regressions on one covariate at a
time (:func:`metaregressions`), and pooled median PFS/OS per setting
(:func:`medians_by_setting`). With ten or so studies each model is exploratory; every
table here says how many studies carry the covariate.

Example
-------
>>> regs = metaregressions(studies, "ORR", options)          # doctest: +SKIP
>>> regs.table()                                              # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from living_review.core.choices import check_choice
from living_review.core.vocabularies import ENDPOINTS, OUTCOMES
from living_review.meta import metaprop, metareg

SETTING_LABELS = {"trial": "Prospective trial", "real_world": "Real-world cohort"}
#: line_of_therapy coded for the regression; "not_reported" is missing, not a level.
LINE_LEVELS = ("first_line", "mixed", "pretreated")
_REG_OPTIONS = ("transform", "tau2_method", "hakn", "level")


def setting_labels(studies: pd.DataFrame) -> list[str]:
    """Readable setting of each study ("Prospective trial" / "Real-world cohort")."""
    unknown = sorted(set(studies["setting"]) - set(SETTING_LABELS))
    if unknown:
        raise ValueError(f"setting value(s) {unknown} have no label; known: {', '.join(SETTING_LABELS)}")
    return [SETTING_LABELS[s] for s in studies["setting"]]


def covariates(studies: pd.DataFrame) -> pd.DataFrame:
    """One row per study: label, drug, setting, dose (mg/day, with its basis) and line of therapy.

    ``line`` is ``line_of_therapy`` with "not_reported" as missing; ``dose_mg_per_day`` is
    missing where no dose was reported.
    """
    line = studies["line_of_therapy"].where(studies["line_of_therapy"].isin(LINE_LEVELS))
    return pd.DataFrame({"study_id": studies["study_id"].to_numpy(), "label": studies["label"].to_numpy(),
                         "drug": studies["drug"].to_numpy(), "setting": setting_labels(studies),
                         "dose_mg_per_day": studies["dose_mg_per_day"].to_numpy(float),
                         "dose_basis": studies["dose_basis"].to_numpy(), "line": line.to_numpy()})


def pool_by_setting(studies: pd.DataFrame, outcome: str, options: dict):
    """:func:`living_review.meta.metaprop` of ``outcome`` with the setting as subgroup.

    Each setting gets its own tau² (R meta's default) and the result carries the test for
    subgroup differences (Q_b on G - 1 df). Studies without the outcome's counts are left out.
    """
    check_choice("outcome", outcome, OUTCOMES)
    low = outcome.lower()
    s = studies[studies[f"{low}_events"].notna()]
    return metaprop(s[f"{low}_events"].astype(int), s[f"{low}_n"].astype(int), studies=list(s["label"]),
                    subgroups=setting_labels(s), **options)


@dataclass(frozen=True)
class MetaRegressions:
    """One single-covariate meta-regression per covariate, or the reason it could not be fitted.

    ``fits`` maps covariate -> :class:`living_review.meta.MetaRegResult` (or None);
    ``studies`` maps covariate -> labels of the studies that entered; ``reasons`` holds why a
    covariate was not fitted; ``outcome`` is "ORR" or "DCR".
    """

    outcome: str
    fits: dict = field(repr=False)
    studies: dict = field(repr=False)
    reasons: dict = field(repr=False)
    k_total: int = 0

    def table(self) -> pd.DataFrame:
        """covariate, studies (k with a value / k), term, coefficient [CI] (transformed scale), p, R²."""
        rows = []
        for name, fit in self.fits.items():
            k = len(self.studies[name])
            if fit is None:
                rows.append({"covariate": name, "studies": f"{k} of {self.k_total}", "term": "–",
                             "coefficient": self.reasons[name], "p": "–", "R2": "–"})
                continue
            for c in fit.coefficients.itertuples(index=False):
                if c.term == "intercept":
                    continue
                rows.append({"covariate": name, "studies": f"{k} of {self.k_total}", "term": c.term,
                             "coefficient": f"{c.estimate:+.3f} [{c.ci_low:+.3f}; {c.ci_high:+.3f}]",
                             "p": "< 0.01" if c.pvalue < 0.01 else f"{c.pvalue:.2f}", "R2": f"{100 * fit.r2:.0f}%"})
        return pd.DataFrame(rows)

    def summary(self) -> str:
        """The table as plain text."""
        return self.table().to_string(index=False)


def metaregressions(studies: pd.DataFrame, outcome: str, options: dict) -> MetaRegressions:
    """Fit the setting, lenvatinib-dose and line-of-therapy meta-regressions for one outcome.

    Parameters
    ----------
    studies : the studies to model (one row per cohort, as ``Evidence.studies``).
    outcome : "ORR" or "DCR"; studies without the outcome's counts are left out.
    options : :func:`living_review.meta.metaprop` options (transform, tau2_method, hakn,
        level are used; model is not, the meta-regression being inverse variance).

    Returns
    -------
    MetaRegressions with the covariates "setting" (real-world vs trial), "dose (lenvatinib)"
    (planned starting dose in mg/day, lenvatinib studies only: doses of different drugs, and
    planned and received doses, are not on one scale) and
    "line" (first line / mixed / pretreated; not reported is left out).

    Notes
    -----
    Each model is ``y_i = b0 + b1 x_i + u_i + e_i`` on the transformed scale (metafor
    ``rma(yi, vi, mods = ~ x)``); a covariate with one distinct value, or with no more
    studies than coefficients, is reported as not estimable instead of fitted.
    """
    check_choice("outcome", outcome, OUTCOMES)
    low = outcome.lower()
    s = studies[studies[f"{low}_events"].notna()]
    cov = covariates(s)
    opts = {k: options[k] for k in _REG_OPTIONS if k in options}
    lenva = (cov["drug"] == "lenvatinib").to_numpy()
    specs = {
        "setting": (np.ones(len(s), bool), "setting"),
        # one dose basis only: a planned starting dose and a median received dose are not one scale
        "dose (lenvatinib)": (lenva & cov["dose_mg_per_day"].notna().to_numpy()
                              & (cov["dose_basis"] == "planned").to_numpy(), "dose_mg_per_day"),
        "line": (cov["line"].notna().to_numpy(), "line"),
    }
    fits, used, reasons = {}, {}, {}
    for name, (mask, column) in specs.items():
        sub, c = s[mask], cov[mask]
        used[name] = list(c["label"])
        distinct = c[column].nunique()
        if distinct < 2:
            fits[name], reasons[name] = None, f"not estimable: one value only ({distinct} distinct)"
            continue
        n_coef = 2 if column == "dose_mg_per_day" else distinct
        if len(sub) <= n_coef:
            fits[name], reasons[name] = None, f"not estimable: {len(sub)} studies for {n_coef} coefficients"
            continue
        x = c[[column]].reset_index(drop=True)
        fits[name] = metareg(sub[f"{low}_events"].astype(int), sub[f"{low}_n"].astype(int), x,
                             studies=list(c["label"]), **opts)
    return MetaRegressions(outcome=outcome, fits=fits, studies=used, reasons=reasons, k_total=len(s))


def median_inputs(studies: pd.DataFrame, endpoint: str) -> pd.DataFrame:
    """The reported medians of one endpoint in the layout of :func:`living_review.survival.pool_log_medians`.

    Returns label, median, ci_low, ci_high (months, from the loader's ``*_months`` columns),
    ci_level (a proportion; missing when not reported), n (patients enrolled), measure (PFS
    or TTP, as reported) and setting; studies without a median are left out.
    """
    check_choice("endpoint", endpoint, ENDPOINTS)
    ep = endpoint.lower()
    s = studies[studies[f"{ep}_median_months"].notna()]
    measure = s["pfs_measure"].fillna("PFS") if ep == "pfs" else pd.Series("OS", index=s.index)
    return pd.DataFrame({"label": s["label"].to_numpy(), "median": s[f"{ep}_median_months"].to_numpy(float),
                         "ci_low": s[f"{ep}_ci_lower_months"].to_numpy(float),
                         "ci_high": s[f"{ep}_ci_upper_months"].to_numpy(float),
                         "ci_level": s[f"{ep}_ci_level"].to_numpy(float) / 100,
                         "n": s["n_enrolled"].to_numpy(float), "measure": measure.to_numpy(),
                         "setting": setting_labels(s)})


@dataclass(frozen=True)
class MediansBySetting:
    """Pooled median of one endpoint per setting; ``results`` maps setting -> LogMedianMeta or
    None (fewer than two studies with a CI); ``table`` lists every study with its status."""

    endpoint: str
    results: dict = field(repr=False)
    table: pd.DataFrame = field(repr=False)

    def summary(self) -> str:
        """One line per setting: pooled median [CI] and k, or why it was not pooled."""
        lines = []
        for k, r in self.results.items():
            what = ("not poolable (fewer than 2 studies with a CI)" if r is None
                    else f"{r.estimate:.1f} [{r.ci_low:.1f}; {r.ci_high:.1f}] months, k = {r.k}")
            lines.append(f"{self.endpoint} {k}: {what}")
        return "\n".join(lines)


def medians_by_setting(studies: pd.DataFrame, endpoint: str, *, method: str = "REML", level: float = 0.95,
                       assume_ci_level: float | None = None) -> MediansBySetting:
    """Random-effects pooled log medians per setting; studies without a CI are listed, not dropped.

    Parameters
    ----------
    studies : the studies (as ``Evidence.studies``).
    endpoint : "PFS" or "OS".
    method, level : tau² estimator and CI level, as in
        :func:`living_review.survival.pool_log_medians`.
    assume_ci_level : level assumed for a CI whose level was not reported (flagged in the table).

    Returns
    -------
    MediansBySetting; its table has setting, label, measure, median, CI, weight within the
    setting (%) and status ("pooled (CI)", "no CI: not pooled", ...).
    """
    from living_review.survival import pool_log_medians

    data = median_inputs(studies, endpoint)
    results, parts = {}, []
    for setting in SETTING_LABELS.values():
        d = data[data["setting"] == setting].reset_index(drop=True)
        if d.empty:
            continue
        if int(d["ci_low"].notna().sum()) < 2:
            results[setting] = None
            part = d.assign(weight=0.0, status=np.where(d["ci_low"].notna(), "CI, but fewer than 2 to pool",
                                                        "no CI: not pooled"))
        else:
            r = pool_log_medians(d, method=method, level=level, assume_ci_level=assume_ci_level)
            results[setting] = r
            part = d.assign(weight=r.table["weight"].to_numpy(), status=r.table["status"].to_numpy())
        parts.append(part)
    table = pd.concat(parts, ignore_index=True)
    table["weight"] = 100 * table["weight"]
    columns = ["setting", "label", "measure", "median", "ci_low", "ci_high", "weight", "status"]
    return MediansBySetting(endpoint=endpoint, results=results, table=table[columns])
