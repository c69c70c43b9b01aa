"""Tables of the trials-versus-real-world chapter: cohorts by setting, meta-regressions, medians."""

from __future__ import annotations

import pandas as pd

from living_review.core.vocabularies import OUTCOMES

_TERMS = {"settingReal-world cohort": "real-world vs trial", "dose_mg_per_day": "per mg/day",
          "linepretreated": "pretreated vs mixed"}
_SHORT = {"Prospective trial": "Trial", "Real-world cohort": "Real-world"}
_STATUS = {"pooled (CI)": "pooled", "no CI: not pooled": "listed (no CI)"}
_ASSUMED = "pooled (CI level not reported; "


def study_table(cov: pd.DataFrame, studies: pd.DataFrame) -> pd.DataFrame:
    """One row per cohort: setting, drug, dose (and whether it is the median received), line, ORR and DCR counts."""
    return pd.DataFrame({
        "Study": cov["label"], "Setting": cov["setting"], "Drug": cov["drug"].str.capitalize(),
        "Dose (mg/day)": [("–" if pd.isna(d) else f"{d:.0f}") + (" (median received)" if b == "median_received" else "")
                          for d, b in zip(cov["dose_mg_per_day"], cov["dose_basis"])],
        "Line": cov["line"].fillna("not reported").str.replace("_", " "),
        "ORR": (studies["orr_events"].astype("string") + "/" + studies["orr_n"].astype("string")).fillna("–"),
        "DCR": (studies["dcr_events"].astype("string") + "/" + studies["dcr_n"].astype("string")).fillna("–"),
    })


def regression_table(regs: dict) -> pd.DataFrame:
    """Every single-covariate meta-regression of both outcomes, its terms in words."""
    table = pd.concat([regs[o].table().assign(Outcome=o) for o in OUTCOMES], ignore_index=True)
    table = table[["Outcome", "covariate", "studies", "term", "coefficient", "p", "R2"]].rename(
        columns={"covariate": "Covariate", "studies": "Studies", "term": "Term", "coefficient": "Coefficient [95% CI]",
                 "R2": "R²"})
    for raw, words in _TERMS.items():
        table["Term"] = table["Term"].str.replace(raw, words, regex=False)
    return table


def _status(status: str) -> str:
    if status.startswith(_ASSUMED) and status.endswith(" assumed)"):  # "... not reported; 95% assumed)"
        return f"pooled ({status[len(_ASSUMED):-len(' assumed)')]} level assumed)"
    return _STATUS.get(status, status)


def median_table(medians: dict) -> pd.DataFrame:
    """Each reported median by setting, and how it entered its setting's pooled median (weight, status)."""
    table = pd.concat([m.table.assign(Endpoint=ep) for ep, m in medians.items()], ignore_index=True)
    return pd.DataFrame({
        "Endpoint": table["Endpoint"] + [" (TTP)" if x == "TTP" else "" for x in table["measure"]],
        "Setting": table["setting"].map(_SHORT), "Study": table["label"],
        "Median (95% CI), months": [f"{m:.1f}" + ("" if pd.isna(a) else f" ({a:.1f}–{b:.1f})") for m, a, b in
                                    zip(table["median"], table["ci_low"], table["ci_high"])],
        "Weight": [f"{w:.0f}%" for w in table["weight"]],
        "Status": [_status(s) for s in table["status"]],
    })
