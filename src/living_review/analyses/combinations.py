"""Antiangiogenic TKIs combined with immunotherapy or chemotherapy, kept apart from monotherapy.

* :func:`regimens`: the combination cohorts grouped by regimen (TKI + partner);
* :func:`cohort_table`: per-cohort ORR, DCR (with Clopper-Pearson CIs), median PFS and OS;
* :func:`pool_regimen`: pools a regimen only when at least two cohorts that share no patients
  (distinct overlap groups) report the outcome; otherwise says why not;
* :func:`cohort_forest`: one forest panel per outcome for a regimen (cohort estimates only,
  a pooled diamond only when pooling is allowed);
* :func:`beside_monotherapy`: the regimens beside the pooled monotherapy estimates.

Comparisons between regimens and with monotherapy are across studies and not randomised.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from scipy import stats

from living_review.analyses import primary_estimates as pe
from living_review.analyses import selection
from living_review.core.vocabularies import OUTCOMES
from living_review.meta import plotstyle

ROLE = "atc_combination"
MIN_INDEPENDENT = 2


def regimen_label(row) -> str:
    return f"{row['drug']} + {row['combination_partner']}"


def regimens(studies: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """``{regimen label: its cohorts in publication order}`` (every member, overlapping or not)."""
    c = studies[studies["pooling_role"] == ROLE].copy()
    c["regimen_label"] = [regimen_label(r) for _, r in c.iterrows()]
    return {label: g.sort_values("pub_order") for label, g in c.groupby("regimen_label", sort=True)}


def regimen_key(label: str) -> str:
    """Ledger-key segment of a regimen label ('lenvatinib + pembrolizumab' -> 'lenvatinib_pembrolizumab')."""
    return "_".join("".join(ch if ch.isalnum() else " " for ch in label.lower()).split())[:60]


def clopper_pearson(events: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Exact binomial interval of ``events``/``n``."""
    a = 1 - level
    lo = 0.0 if events == 0 else stats.beta.ppf(a / 2, events, n - events + 1)
    hi = 1.0 if events == n else stats.beta.ppf(1 - a / 2, events + 1, n - events)
    return float(lo), float(hi)


def _rate(events, n, level) -> str:
    if pd.isna(events) or pd.isna(n):
        return "not reported"
    lo, hi = clopper_pearson(int(events), int(n), level)
    return f"{int(events)}/{int(n)}: {100 * events / n:.1f}% ({100 * lo:.1f}–{100 * hi:.1f})"


def _median(v, lo, hi, measure="") -> str:
    if pd.isna(v):
        return "not reported"
    ci = "" if pd.isna(lo) else f" ({lo:.1f}–{hi:.1f})"
    return f"{v:.1f}{ci}" + (" (TTP)" if measure == "TTP" else "") + ("" if ci else ", no CI")


def cohort_table(studies: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """One row per combination cohort: regimen, cohort, design, line, ATC patients, ORR, DCR, PFS, OS."""
    rows = []
    for label, g in regimens(studies).items():
        for _, r in g.iterrows():
            n = r["n_enrolled"] if pd.notna(r["n_enrolled"]) else r["n_evaluable_response"]
            rows.append({"Regimen": label, "Cohort": r["label"], "Design": r["design"].replace("_", " "),
                         "Line": str(r["line_of_therapy"]).replace("_", " "),
                         "ATC patients": "–" if pd.isna(n) else str(int(n)),
                         "ORR (95% CI)": _rate(r["orr_events"], r["orr_n"], level),
                         "DCR (95% CI)": _rate(r["dcr_events"], r["dcr_n"], level),
                         "Median PFS, mo": _median(r["pfs_median_months"], r["pfs_ci_lower_months"],
                                                   r["pfs_ci_upper_months"], r["pfs_measure"]),
                         "Median OS, mo": _median(r["os_median_months"], r["os_ci_lower_months"],
                                                  r["os_ci_upper_months"]),
                         "Overlap group": "–" if pd.isna(r["overlap_group"]) else r["overlap_group"]})
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class RegimenPooling:
    """A regimen's pooled outcome, or why it is not pooled."""

    regimen: str
    outcome: str
    estimate: pe.Estimate | None
    reason: str

    def summary(self) -> str:
        return f"{self.regimen} {self.outcome}: " + (self.estimate.text() if self.estimate else self.reason)


def independent(cohorts: pd.DataFrame, outcome: str) -> pd.DataFrame:
    """Cohorts reporting ``outcome``, one per overlap group (the kept member)."""
    have = cohorts[cohorts[f"{outcome.lower()}_events"].notna()]
    return have[selection.kept_members(have)]


def pool_regimen(label: str, cohorts: pd.DataFrame, outcome: str, meta) -> RegimenPooling:
    """Pool ``outcome`` over a regimen when at least two non-overlapping cohorts report it."""
    indep = independent(cohorts, outcome)
    if len(indep) < MIN_INDEPENDENT:
        reporting = int(cohorts[f"{outcome.lower()}_events"].notna().sum())
        why = (f"not pooled: {reporting} cohort{'s report' if reporting != 1 else ' reports'} it, "
               f"{len(indep)} without overlapping patients (at least {MIN_INDEPENDENT} needed)")
        return RegimenPooling(label, outcome, None, why)
    return RegimenPooling(label, outcome, pe.proportion(indep, outcome, meta), "")


def cohort_forest(label: str, cohorts: pd.DataFrame, poolings: dict[str, RegimenPooling], *,
                  level: float = 0.95, width: float = plotstyle.PAGE_WIDTH_IN) -> Figure:
    """Forest panels (ORR, DCR) of one regimen: each cohort with its exact CI; a diamond only if pooled."""
    outcomes = ("ORR", "DCR")
    n_rows = len(cohorts) + 1
    fig = Figure(figsize=(width, 0.45 * n_rows * len(outcomes) + 0.9))
    for i, outcome in enumerate(outcomes):
        ax = fig.add_subplot(len(outcomes), 1, i + 1)
        low = outcome.lower()
        y = list(range(len(cohorts), 0, -1))
        names = []
        for yy, (_, r) in zip(y, cohorts.iterrows()):
            names.append(r["label"] + ("" if pd.isna(r["overlap_group"]) else f" [{r['overlap_group']}]"))
            if pd.isna(r[f"{low}_events"]):
                ax.text(0.5, yy, "not reported", va="center", ha="center", fontsize=8)
                continue
            e, n = int(r[f"{low}_events"]), int(r[f"{low}_n"])
            lo, hi = clopper_pearson(e, n, level)
            ax.plot([lo, hi], [yy, yy], color="black", lw=1)
            ax.plot([e / n], [yy], "s", color="black", ms=4 + 6 * np.sqrt(n / 30))
        pooled = poolings[outcome]
        if pooled.estimate is not None:
            p = pooled.estimate
            ax.fill([p.ci_low, p.estimate, p.ci_high, p.estimate], [0, 0.25, 0, -0.25], color="grey")
            names.append("Pooled (random effects)")
        else:
            ax.text(0.02, 0, pooled.reason, va="center", fontsize=7, style="italic")
            names.append("")
        ax.set_yticks(y + [0], names)
        ax.set_xlim(0, 1)
        ax.set_ylim(-0.8, len(cohorts) + 0.8)
        ax.set_xlabel(f"{'Objective response' if outcome == 'ORR' else 'Disease control'} rate "
                      f"({100 * level:g}% exact CI)")
        ax.set_title(f"{label}: {outcome}", loc="left", fontsize=9)
    fig.tight_layout()
    return fig


def beside_monotherapy(studies: pd.DataFrame, settings) -> pd.DataFrame:
    """Pooled monotherapy (all drugs, lenvatinib) beside each combination cohort: ORR, DCR, median PFS, OS."""
    meta = settings.meta_analysis
    mono = selection.select_cohorts(studies)
    rows = []
    for name, c in (("Monotherapy, all TKIs (pooled)", mono), ("Lenvatinib monotherapy (pooled)",
                                                                mono[mono["drug"] == "lenvatinib"])):
        est = {o: pe.proportion(c, o, meta) for o in ("ORR", "DCR")}
        med = {e: pe.log_median(c, e, meta, settings.survival) for e in ("PFS", "OS")}
        rows.append({"Treatment": name, "ORR": _text(est["ORR"]), "DCR": _text(est["DCR"]),
                     "Median PFS": _text(med["PFS"]), "Median OS": _text(med["OS"])})
    table = cohort_table(studies, settings.meta_analysis.level)
    for _, r in table.iterrows():
        rows.append({"Treatment": f"{r['Regimen']}: {r['Cohort']}", "ORR": r["ORR (95% CI)"].split(": ")[-1],
                     "DCR": r["DCR (95% CI)"].split(": ")[-1], "Median PFS": r["Median PFS, mo"],
                     "Median OS": r["Median OS, mo"]})
    return pd.DataFrame(rows)


def _text(e: pe.Estimate | None) -> str:
    return "not estimable" if e is None else e.text()


def record_cohorts(studies: pd.DataFrame, *, chapter: str, level: float = 0.95, root=None) -> list[str]:
    """Ledger: ``combination.<regimen>.<orr|dcr>.<study_id>`` for every cohort (its own rate and exact CI)."""
    from living_review.provenance.ledger import record

    keys = []
    for label, g in regimens(studies).items():
        for _, r in g.iterrows():
            for outcome in ("ORR", "DCR"):
                low = outcome.lower()
                if pd.isna(r[f"{low}_events"]):
                    continue
                e, n = int(r[f"{low}_events"]), int(r[f"{low}_n"])
                lo, hi = clopper_pearson(e, n, level)
                key = f"combination.{regimen_key(label)}.{low}.{r['study_id']}"
                record(key, outcome=outcome, estimate=e / n, ci_low=lo, ci_high=hi, k=1, n=n,
                       params={"method": "single cohort, Clopper-Pearson", "regimen": label},
                       inputs=[{"study_id": r["study_id"], "events": e, "n": n}], chapter=chapter, root=root)
                keys.append(key)
    return keys


def pool_regimens(groups: dict[str, pd.DataFrame], meta) -> dict[str, dict[str, RegimenPooling]]:
    """:func:`pool_regimen` for every regimen and outcome: ``{regimen: {"ORR": ..., "DCR": ...}}``."""
    return {label: {o: pool_regimen(label, c, o, meta) for o in OUTCOMES} for label, c in groups.items()}


def kept_overlap_cohort(studies: pd.DataFrame) -> pd.Series:
    """The one combination cohort kept for its overlap group (the chapter's text describes one).

    Raises ``ValueError`` when the data hold none or more than one, so that the text is updated.
    """
    combos = studies[studies["pooling_role"] == "atc_combination"]
    kept = combos[combos["overlap_group"].notna() & selection.kept_members(combos)]
    if len(kept) != 1:
        raise ValueError(f"the combination chapter describes one kept cohort of an overlap group; the data give "
                         f"{len(kept)} ({', '.join(kept['study_id']) or 'none'}): update its text")
    return kept.set_index("study_id").iloc[0]


def overlap_specs(specs: list, discrepancies: pd.DataFrame, study_id: str) -> list:
    """The discrepancy analyses of the recorded overlap-group discrepancy of ``study_id``."""
    rows = discrepancies[(discrepancies["field"] == "overlap_group")
                         & ((discrepancies["study_id"] == study_id) | (discrepancies["related_study_id"] == study_id))]
    ids = set(rows["discrepancy_id"])
    return [s for s in specs if s.discrepancy_id in ids]
