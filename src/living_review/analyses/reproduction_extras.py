"""The rest of the reproduction of Cao 2024: the one corrected and the one removed count, the lenvatinib
subgroups and the log-median OS of its trials on record, and its survival rates as printed."""

from __future__ import annotations


import pandas as pd

from living_review.analyses.reproduction import Correction, corrections
from living_review.analyses.settings_compare import median_inputs
from living_review.survival import pool_log_medians


def one_changed_one_removed(evidence, outcome: str) -> tuple[Correction, Correction]:
    """The one corrected count and the one count left out (the chapter's text describes these two)."""
    found = corrections(evidence, outcome)
    changed = [c for c in found if c.current is not None]
    removed = [c for c in found if c.current is None]
    if len(changed) != 1 or len(removed) != 1:
        raise ValueError(f"the reproduction chapter describes one corrected and one removed {outcome} count of "
                         f"Cao 2024; the data give {'; '.join(map(str, found)) or 'none'}: update its text")
    return changed[0], removed[0]


def record_subgroups(results: dict, subgroup: str, *, chapter: str) -> list[str]:
    """Each outcome's ``subgroup`` of the pooled Cao 2024 inputs on record; ``results``: ``{outcome: result}``."""
    from living_review.provenance.ledger import record_result

    return [record_result(f"cao2024.{o.lower()}.cao_inputs_{subgroup.lower()}", r.subgroups[subgroup], outcome=o,
                          params={"step": f"Cao 2024 inputs, {subgroup.lower()} subgroup"}, chapter=chapter).stem
            for o, r in results.items()]


def previous_trials_os(evidence, settings, *, chapter: str) -> tuple:
    """The log-median OS of the previous version's trials (those with a reported interval pooled), on record.

    Returns ``(pooled, ledger key)``.
    """
    from living_review.provenance.ledger import record_result

    trials = evidence.studies[evidence.studies["in_previous_version"].astype(bool)]
    inputs = median_inputs(trials, "OS")
    pooled = pool_log_medians(inputs, method=settings.meta_analysis.tau2_method, level=settings.survival.level)
    path = record_result("cao2024.os.log_medians_previous_trials", pooled, outcome="OS median (months)",
                         inputs=[{"label": r.label, "median": r.median, "ci_low": r.ci_low, "ci_high": r.ci_high,
                                  "n": r.n} for r in inputs[inputs["ci_low"].notna()].itertuples()],
                         params={"method": pooled.method, "level": pooled.level, "no_ci": pooled.no_ci_rule},
                         chapter=chapter)
    return pooled, path.stem


def printed_survival_rates(published: pd.DataFrame) -> pd.DataFrame:
    """Cao 2024's survival rates (Table 2) as printed: one row per month, OS and PFS at their precision."""
    rates = published[published["statistic"].str.startswith("rate_")].copy()
    rates["Month"] = [int(s.removeprefix("rate_").removesuffix("_months")) for s in rates["statistic"]]
    rates["text"] = [f"{v:.{d}f}" for v, d in zip(rates["value"], rates["decimals"])]
    table = rates.pivot(index="Month", columns="outcome", values="text").reset_index()
    table.columns = ["Month", "OS (%)", "PFS (%)"]
    table["Recomputed"] = "not computed"
    return table
