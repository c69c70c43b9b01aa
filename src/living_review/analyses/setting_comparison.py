"""Prospective trials against real-world cohorts, one call per question: the pooled estimates by
setting, the single-covariate meta-regressions and the pooled medians by setting, each with
its ledger records and the values the chapter prints (:mod:`.settings_compare` computes them).
"""

from __future__ import annotations

import pandas as pd

from living_review.analyses import settings_compare as sc
from living_review.core import formatting as fmt
from living_review.core.vocabularies import OUTCOMES

SETTINGS = (("Prospective trial", "trial"), ("Real-world cohort", "rw"))
"""The two settings: subgroup name and the short key of the chapter's values."""
_LEDGER = {"trial": "trial", "rw": "real_world"}


def by_setting(studies: pd.DataFrame, options: dict, *, chapter: str) -> tuple[dict, dict[str, str]]:
    """Each outcome pooled with one subgroup per setting, on record; and the values the chapter prints."""
    from living_review.provenance.ledger import record_result

    pooled = {o: sc.pool_by_setting(studies, o, options) for o in OUTCOMES}
    values: dict[str, str] = {}
    for o, r in pooled.items():
        low = o.lower()
        record_result(f"settings.{low}.all", r, outcome=o, chapter=chapter)
        for name, key in SETTINGS:
            sub = r.subgroups[name]
            record_result(f"settings.{low}.{_LEDGER[key]}", sub, outcome=o, chapter=chapter, params={"subgroup": name})
            values[f"{low}_{key}"] = fmt.estimate_ci(sub.estimate, sub.ci_low, sub.ci_high)
            values[f"{low}_{key}_k"] = str(sub.k)
        values[f"{low}_q"] = f"{r.subgroup_test.q:.2f}"
        values[f"{low}_df"] = str(r.subgroup_test.df)
        values[f"{low}_p"] = fmt.pvalue(r.subgroup_test.pvalue)
    orr = pooled["ORR"].subgroups
    values["orr_direction_text"] = (
        "The real-world estimate is the higher one, the opposite of the usual expectation that results in everyday "
        "practice fall short of those in trials." if orr["Real-world cohort"].estimate > orr["Prospective trial"].estimate
        else "The real-world estimate is the lower one, as is often expected of results in everyday practice.")
    return pooled, values


def regressions(studies: pd.DataFrame, options: dict) -> tuple[dict, dict[str, str]]:
    """The meta-regressions of each outcome, and the values the chapter prints of the ORR's setting term."""
    regs = {o: sc.metaregressions(studies, o, options) for o in OUTCOMES}
    setting_fit = regs["ORR"].fits["setting"]
    term = setting_fit.coefficients.set_index("term").iloc[1]
    values = {"dose_k_orr": str(len(regs["ORR"].studies["dose (lenvatinib)"])),
              "line_k_orr": str(len(regs["ORR"].studies["line"])),
              "orr_setting_coef": f"{term['estimate']:+.3f} [{term['ci_low']:+.3f}; {term['ci_high']:+.3f}]",
              "orr_setting_p": fmt.pvalue(term["pvalue"]), "orr_setting_r2": fmt.pct(setting_fit.r2)}
    return regs, values


def medians_by_setting(studies: pd.DataFrame, settings, *, chapter: str) -> tuple[dict, dict[str, str]]:
    """The pooled median OS and PFS of each setting, on record; and the values the chapter prints.

    A cohort whose interval has no stated level is pooled with the survival level assumed, as
    the chapter says.
    """
    from living_review.provenance.ledger import record_result

    assumed = settings.survival.level
    medians = {ep: sc.medians_by_setting(studies, ep, method=settings.meta_analysis.tau2_method,
                                         level=settings.survival.level, assume_ci_level=assumed) for ep in ("OS", "PFS")}
    values = {"assumed_level": fmt.pct(assumed)}
    for ep, m in medians.items():
        for name, key in SETTINGS:
            r = m.results.get(name)
            if r is None:
                values[f"{ep.lower()}_{key}"] = "not poolable (fewer than two cohorts with an interval)"
                values[f"{ep.lower()}_{key}_k"] = "0"
                continue
            pooled = m.table[(m.table["setting"] == name) & (m.table["weight"] > 0)]
            record_result(f"settings.{ep.lower()}.median_{_LEDGER[key]}", r, outcome=f"median {ep} (months)",
                          chapter=chapter,
                          inputs=[{"label": a, "median": b, "ci_low": c, "ci_high": d} for a, b, c, d in
                                  zip(pooled["label"], pooled["median"], pooled["ci_low"], pooled["ci_high"])],
                          params={"method": r.method, "level": r.level, "no_ci": r.no_ci_rule,
                                  "assume_ci_level": assumed})
            values[f"{ep.lower()}_{key}"] = f"{fmt.months(r.estimate)} (95% CI {r.ci_low:.1f}–{r.ci_high:.1f})"
            values[f"{ep.lower()}_{key}_k"] = str(r.k)
    no_ci = medians["OS"].table[medians["OS"].table["status"] == "no CI: not pooled"]
    values["no_ci_n"] = str(len(no_ci))
    values["no_ci_list"] = ", ".join(no_ci["label"])
    return medians, values


def surveillance_cohort(studies: pd.DataFrame) -> pd.Series:
    """The one post-marketing surveillance cohort (the chapter's text describes one); ``ValueError`` otherwise."""
    rows = studies[studies["design"] == "post_marketing_surveillance"]
    if len(rows) != 1:
        raise ValueError(f"the trials-versus-real-world chapter describes one post-marketing surveillance cohort; "
                         f"the cohorts analysed give {len(rows)}: update its text")
    return rows.iloc[0]
