"""The summary of findings on record: its estimates, those over the cohorts at low risk of bias,
and each drug's table (every estimate the summary page prints has a ledger key)."""

from __future__ import annotations

import pandas as pd

from living_review.analyses import drug_sof
from living_review.analyses import primary_estimates as pe
from living_review.analyses import survival_source as ss
from living_review.analyses import summary_of_findings as sof


def record_summary(rows, low_risk, *, chapter: str) -> list:
    """Each summary row as ``sof.<key>.atc_monotherapy``; each low-risk-of-bias row that exists as
    ``sof.<key>.low_risk_of_bias``."""
    from living_review.provenance.ledger import record_result

    out = [record_result(f"sof.{r.key}.atc_monotherapy", r.result, outcome=r.outcome, inputs=list(r.inputs),
                         params=sof.ledger_params(r), chapter=chapter) for r in rows]
    return out + [record_result(f"sof.{x.key}.low_risk_of_bias", x.row.result, outcome=x.outcome,
                                inputs=list(x.row.inputs), params=sof.ledger_params(x.row), chapter=chapter)
                  for x in low_risk if x.row is not None]


def drug_tables(evidence, settings, cohorts: pd.DataFrame) -> dict[str, tuple]:
    """The summary rows of each drug with enough cohorts for a table of its own (:mod:`.drug_sof`)."""
    return {d: drug_sof.drug_rows(evidence, settings, d)
            for d in drug_sof.drugs_with_table(cohorts, settings.drug_chapters.drugs)}


def record_drug_tables(tables: dict[str, tuple], *, chapter: str) -> list:
    """Each drug table's rows as ``sof.<key>.drug_<drug>``."""
    from living_review.provenance.ledger import record_result

    return [record_result(f"sof.{r.key}.drug_{d}", r.result, outcome=r.outcome, inputs=list(r.inputs),
                          params=sof.ledger_params(r), chapter=chapter)
            for d, rows in tables.items() for r in rows]


def median_sensitivity_texts(cohorts: pd.DataFrame, medians: dict, level: float) -> dict[str, str]:
    """For each endpoint: the cohorts its pooled median leaves out, and the (weighted) median of medians."""
    out = {}
    for ep, sourced in medians.items():
        mm = pe.median_of_medians(cohorts, ep, level)
        out[f"sof_{ep.lower()}_left_out"] = ss.left_out_text(sourced.pooling, cohorts) or "no cohort"
        out[f"sof_{ep.lower()}_mm"] = f"{mm.text()}, weighted by patients {mm.weighted:.1f} mo"
    return out
