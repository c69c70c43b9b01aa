"""The survival chapter's analyses, one call per section, each with its ledger records and the
values the chapter prints: landmark rates pooled as proportions, the illustrative curves, and
the pooled log medians (overall and per drug) that the other chapters read back."""

from __future__ import annotations

import pandas as pd

from living_review.analyses import survival_curves as sc
from living_review.analyses import survival_landmarks as sl
from living_review.analyses import survival_source as ss
from living_review.core.vocabularies import ENDPOINTS


def landmark_rates(cohorts: pd.DataFrame, landmarks: pd.DataFrame, meta, *, chapter: str
                   ) -> tuple[list, dict[str, str]]:
    """Every reported landmark rate pooled (:func:`survival_landmarks.pool_all`), on record; and the values."""
    from living_review.provenance.ledger import record_result

    pooled = sl.pool_all(cohorts, landmarks, meta)
    for p in pooled:
        record_result(p.key, p.result, outcome=p.outcome, inputs=sl.ledger_inputs(p), params=sl.ledger_params(),
                      chapter=chapter)
    by_landmark = {(p.endpoint, p.months): p for p in pooled}
    values = {"os_12m_reported": by_landmark[("OS", 12.0)].text(meta.level) if ("OS", 12.0) in by_landmark
              else "not reported by any cohort",
              "landmark_list": "; ".join(f"{p.outcome}: {p.text(meta.level)}" for p in pooled) or "none",
              "meta_level_text": f"{100 * meta.level:g}%"}
    return pooled, values


def illustrative_curves(evidence, cohorts: pd.DataFrame, level: float, *, chapter: str
                        ) -> tuple[dict, dict, dict[str, str]]:
    """Each endpoint's cohort curves and their pooled illustration; the curve pooled from reconstructed
    patient data alone, where there is one, on record as an estimate; and the values."""
    curves = {ep: ss.endpoint_curves(evidence, ep, cohorts) for ep in ENDPOINTS}
    pooled = {ep: sc.pool(c, level) for ep, c in curves.items()}
    values = {"curve_counts": "; ".join(sc.counts_text(c) for c in curves.values())}
    recon = []
    for ep, c in curves.items():
        values[f"{ep.lower()}_not_used"] = ", ".join(c.not_used["label"]) or "none"
        only, r = sc.reconstructed_only(c, level)
        if r is not None:  # pooled reconstructed patient data: an estimate, recorded as such
            sc.record_curve(r, only, key=f"survival.{ep.lower()}.reconstructed_only", chapter=chapter)
        recon.append(sc.reconstructed_text(only, r))
    values["recon_text"] = "; ".join(recon)
    return curves, pooled, values


def log_medians(cohorts: pd.DataFrame, settings, *, chapter: str) -> tuple[dict, dict[str, str]]:
    """The pooled log median of each endpoint, overall and per drug, on record (the summary of findings
    and the drug chapters print them from these records); and the values of the overall ones."""
    level = settings.survival.level
    overall = {ep: ss.pool_group_medians(cohorts, ep, settings) for ep in ENDPOINTS}
    for ep, m in overall.items():
        ss.record_medians(m, ss.median_key(ep), settings=settings, chapter=chapter)
    for ep in ENDPOINTS:
        for drug in sorted(cohorts["drug"].unique()):
            m = ss.pool_group_medians(cohorts[cohorts["drug"] == drug], ep, settings)
            ss.record_medians(m, ss.median_key(ep, drug), settings=settings, chapter=chapter)
    values = {}
    for ep, m in overall.items():
        r = m.result
        values[f"{ep.lower()}_logmed"] = (f"not pooled ({m.reason})" if r is None else
                                          f"{r.estimate:.1f} months ({100 * level:g}% CI {r.ci_low:.1f}–"
                                          f"{r.ci_high:.1f}; {r.k} cohorts)")
    return overall, values
