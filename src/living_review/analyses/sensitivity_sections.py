"""The sensitivity chapter's analyses, one call per section, each with its ledger records and the
values the chapter prints. The computations are :mod:`.sensitivity`'s, :mod:`.setting_strata`'s,
:mod:`.primary_estimates`'s and :mod:`.glmm_comparison`'s; here they are run for every outcome.
"""

from __future__ import annotations

import pandas as pd

from living_review.analyses import glmm_comparison
from living_review.analyses import primary_estimates as pe
from living_review.analyses import sensitivity as sens
from living_review.analyses.selection import ledger_inputs
from living_review.analyses import setting_strata as strata
from living_review.core import formatting as fmt
from living_review.core.vocabularies import ENDPOINTS, OUTCOMES
from living_review.meta import begg_test, cumulative, egger_test, leave_one_out
from living_review.settings.adapter import inverse_variance_options, metaprop_options

PRIMARY = "sensitivity"  # the prefix of this chapter's ledger keys


def primary(studies: pd.DataFrame, options: dict) -> tuple[pd.DataFrame, dict, dict, dict[str, str]]:
    """The primary set (:func:`.sensitivity.primary_studies`), its counts and pooled estimates per outcome,
    and their values."""
    primary_set = sens.primary_studies(studies)
    counts = {o: sens.counts(primary_set, o) for o in OUTCOMES}
    main = {o: sens.pool(primary_set, o, options) for o in OUTCOMES}
    values = {}
    for o, r in main.items():
        values[f"{o.lower()}_i2"] = fmt.pct(r.i2)
        values[f"k_{o.lower()}"] = str(r.k)
        values[f"n_{o.lower()}"] = str(int(counts[o]["total"].sum()))
        values[f"{o.lower()}_main"] = fmt.estimate_ci(r.estimate, r.ci_low, r.ci_high)
    return primary_set, counts, main, values


def strata_and_influence(cohorts: pd.DataFrame, meta, *, chapter: str) -> tuple[dict, dict[str, str]]:
    """Estimates by setting, without the most influential cohort and over the ITT denominators, on record."""
    by_setting = strata.by_setting_all(cohorts, meta)
    values = {"orr_trials": by_setting["ORR"]["trials_only"].text(),
              "orr_rw": by_setting["ORR"]["real_world_only"].text(), "orr_all_pct": by_setting["ORR"]["all"].text()}
    for o in OUTCOMES:
        inf = strata.most_influential(cohorts, o, meta)
        low = o.lower()
        values.update({f"{low}_infl_label": inf.label, f"{low}_infl_counts": f"{inf.events}/{inf.n}",
                       f"{low}_infl_without": inf.without.text(), f"{low}_infl_i2_without": fmt.pct(inf.without.i2),
                       f"{low}_infl_i2_with": fmt.pct(inf.with_it.i2),
                       f"{low}_itt": pe.proportion(strata.itt_cohorts(cohorts), o, meta).text()})
    changes = strata.itt_changes(cohorts)
    values["itt_list"] = ", ".join(f"{c} ({e} of {n})" for c, e, n in changes.itertuples(index=False))
    strata.record_all(cohorts, meta, chapter=chapter)
    return by_setting, values


def median_methods(cohorts: pd.DataFrame, settings, *, chapter: str) -> tuple[pd.DataFrame, dict[str, str]]:
    """Each endpoint's median by log-median pooling and by the (weighted) median of medians, the latter on record."""
    from living_review.provenance.ledger import record

    rows, values = [], {}
    for ep in ENDPOINTS:
        lm = pe.log_median(cohorts, ep, settings.meta_analysis, settings.survival)
        mm = pe.median_of_medians(cohorts, ep, settings.survival.level)
        values[f"{ep.lower()}_left_out"] = pe.left_out_text(lm) or "no cohort"
        values[f"{ep.lower()}_mm"] = mm.text()
        values[f"{ep.lower()}_wm"] = f"{mm.weighted:.1f} mo"
        record(f"{PRIMARY}.{ep.lower()}_median.median_of_medians", outcome=f"median {ep}", estimate=mm.estimate,
               ci_low=mm.ci_low, ci_high=mm.ci_high, k=mm.k, n=mm.n, params={"method": mm.method},
               inputs=list(mm.inputs), extra={"weighted_median_of_medians": mm.weighted}, chapter=chapter)
        rows += [{"Endpoint": f"median {ep}", "Method": "log-median pooling (reported CI needed)",
                  "Estimate (months)": lm.text(), "k": str(lm.k), "Patients": str(lm.n)},
                 {"Endpoint": f"median {ep}", "Method": mm.method, "Estimate (months)": mm.text(),
                  "k": str(mm.k), "Patients": str(mm.n)},
                 {"Endpoint": f"median {ep}", "Method": "weighted median of medians (by enrolled patients)",
                  "Estimate (months)": f"{mm.weighted:.1f} mo", "k": str(mm.k), "Patients": str(mm.n)}]
    return pd.DataFrame(rows), values


def estimator_grids(primary_set: pd.DataFrame, options: dict, *, chapter: str) -> tuple[dict, dict[str, str]]:
    """Every tau² estimator × transform for each outcome, on record, and how far the choices move it."""
    grids = {o: sens.estimator_grid(primary_set, o, options) for o in OUTCOMES}
    values = {}
    for o, g in grids.items():
        sens.record_grid(g, primary_set, o, PRIMARY, chapter=chapter, options=options)
        lo, hi = sens.grid_range(g)
        values.update({f"{o.lower()}_grid_lo": fmt.prop(lo), f"{o.lower()}_grid_hi": fmt.prop(hi),
                       f"{o.lower()}_grid_spread": sens.grid_sentence(g, o)})
    values.update({"n_grid": str(len(grids["ORR"])), "n_grid_methods": str(grids["ORR"]["tau2_method"].nunique()),
                   "n_grid_transforms": str(grids["ORR"]["transform"].nunique())})
    return grids, values


_GLMM_COLUMNS = {"analysis": "Analysis", "patients": "Patients", "estimate": "Estimate [95% CI]", "tau2": "τ²",
                 "I2": "I² (Q-based)"}


def glmm(primary_set: pd.DataFrame, options: dict, *, chapter: str) -> tuple[pd.DataFrame, dict[str, str]]:
    """The logistic mixed model beside the primary analysis for each outcome, on record."""
    rows, notes, compared = [], [], []
    for o in OUTCOMES:
        c = glmm_comparison.compare_glmm(primary_set, o, options)
        glmm_comparison.record_glmm(f"{PRIMARY}.{o.lower()}.glmm", c, primary_set, chapter=chapter)
        table = c.table()
        table["analysis"] = o + ": " + table["analysis"]
        rows.append(table)
        notes += [sens.glmm_note(m, o) for m in c.notes]
        compared.append(c)
    values = {"glmm_note": " ".join(c.sentence() for c in compared) + ((" " + " ".join(sorted(set(notes)))) if notes else ""),
              "glmm_agreement": glmm_comparison.agreement_sentence(compared)}
    return pd.concat(rows, ignore_index=True).rename(columns=_GLMM_COLUMNS), values


def _sequential(kind, counts: dict, primary_set: pd.DataFrame, meta, chapter: str) -> dict:
    out = {}
    for o, c in counts.items():
        if kind == "loo":
            out[o] = leave_one_out(c["events"], c["total"], studies=list(c["label"]), **inverse_variance_options(meta))
        else:
            out[o] = cumulative(c["events"], c["total"], list(c["pub_date"]), studies=list(c["label"]),
                                **inverse_variance_options(meta))
        sens.record_sequential(out[o], primary_set, o, PRIMARY, chapter=chapter, options=metaprop_options(meta))
    return out


def leave_one_out_all(counts: dict, main: dict, primary_set: pd.DataFrame, meta, *, chapter: str
                      ) -> tuple[dict, dict[str, str]]:
    """Each outcome pooled without each cohort in turn, on record; its range and the cohort that moves it most."""
    loo = _sequential("loo", counts, primary_set, meta, chapter)
    values = {}
    for o, seq in loo.items():
        f, c = seq.frame, counts[o]
        shift = (f["estimate"] - main[o].estimate).abs()
        most = f.loc[shift.idxmax(), "label"]
        top = c.set_index("label").loc[most]
        values.update({f"{o.lower()}_loo_lo": fmt.prop(f["estimate"].min()), f"{o.lower()}_loo_hi": fmt.prop(f["estimate"].max()),
                       f"{o.lower()}_loo_max": str(most), f"{o.lower()}_loo_pp": f"{100 * shift.max():.1f}",
                       f"{o.lower()}_loo_max_counts": f"{top['events']}/{top['total']}"})
    within = all(loo[o].frame["estimate"].between(main[o].ci_low, main[o].ci_high).all() for o in loo)
    values["loo_within"] = ("Every leave-one-out estimate lies within the confidence interval of the primary analysis."
                            if within else
                            "Some leave-one-out estimates fall outside the confidence interval of the primary analysis.")
    return loo, values


def cumulative_all(counts: dict, primary_set: pd.DataFrame, meta, *, chapter: str) -> tuple[dict, dict[str, str]]:
    """Each outcome pooled cumulatively by publication date, on record; the estimate at three cohorts and the widths."""
    cum = _sequential("cumulative", counts, primary_set, meta, chapter)
    values = {}
    for o, seq in cum.items():
        f = seq.frame
        third = f[f["k"] == 3].iloc[0]
        values[f"{o.lower()}_cum_3"] = (fmt.estimate_ci(third["estimate"], third["ci_low"], third["ci_high"])
                                        + f" (to {third['label']})")
        values[f"{o.lower()}_cum_3_width"] = f"{100 * (third['ci_high'] - third['ci_low']):.0f}"
        values[f"{o.lower()}_cum_all_width"] = f"{100 * (f['ci_high'].iloc[-1] - f['ci_low'].iloc[-1]):.0f}"
    return cum, values


def small_study_tests(counts: dict, transform: str) -> tuple[pd.DataFrame, dict[str, str]]:
    """Egger's and Begg's tests for each outcome, and the direction of the ORR's Egger slope in words."""
    rows, values = [], {}
    for o, c in counts.items():
        eg = egger_test(c["events"], c["total"], transform=transform)
        bg = begg_test(c["events"], c["total"], transform=transform)
        rows.append({"Outcome": o, "k": len(c), "Egger t (df)": f"{eg.statistic:.2f} ({eg.df})",
                     "Egger p": f"{eg.pvalue:.2f}", "Begg τ": f"{bg.statistic:.2f}", "Begg p": f"{bg.pvalue:.2f}"})
        if o == "ORR":
            values["orr_egger_slope"] = f"{eg.estimate:+.2f} ({fmt.pvalue(eg.pvalue)})"
            values["orr_egger_direction"] = (
                "smaller cohorts show larger response rates, the direction of small-study inflation."
                if eg.estimate > 0 else "smaller cohorts show smaller response rates than the large surveillance "
                "cohort, the opposite of small-study inflation, so it is not read as publication bias.")
    return pd.DataFrame(rows), values


def study_sets(evidence, specs: list, options: dict, *, chapter: str) -> tuple[dict, dict[str, str]]:
    """Each outcome pooled over every study set (exclusions and overlap handling), on record; and what the
    chapter says of the meeting abstracts, the secondary sources and the overlap group the primary set keeps.

    ``ValueError`` when the primary set keeps members of more than one overlap group (its text describes one).
    """
    from living_review.provenance.ledger import record_result

    studies = evidence.studies
    primary_set = sens.primary_studies(studies)
    monotherapy = sens.primary_studies(studies, overlap="all")
    abstracts = monotherapy[monotherapy["publication_type"] == "meeting_abstract"]
    secondary = primary_set[primary_set["source_level"] == "secondary"]
    in_primary = abstracts[abstracts["study_id"].isin(primary_set["study_id"])]
    other_abstracts = studies[(studies["publication_type"] == "meeting_abstract")
                              & (studies["pooling_role"] != "atc_monotherapy")]
    groups = sorted(set(primary_set["overlap_group"].dropna()))
    if len(groups) > 1:
        raise ValueError(f"the sensitivity chapter describes one overlap group in the primary set; it keeps members "
                         f"of {len(groups)}: update its text")
    kept = primary_set[primary_set["overlap_group"].isin(groups)]
    members = set(monotherapy.loc[monotherapy["overlap_group"].isin(groups), "study_id"])
    values = {
        "n_abstracts": "none" if in_primary.empty else ", ".join(in_primary["label"]),
        "abstract_note": ("Excluding meeting abstracts therefore leaves the primary analysis unchanged; the meeting "
                          "abstracts of this update (" + ", ".join(other_abstracts["label"]) + ") report combination "
                          "therapy or other histologies, which are never pooled with monotherapy.")
        if in_primary.empty else "",
        "jp_kept": ", ".join(kept["label"]) or "none of them",
        "jp_discrepancies": ", ".join(sorted({x.discrepancy_id for x in specs if x.kind == "represent"
                                              and x.study_id in members})),
        "n_secondary": f"{len(secondary)} cohort{'' if len(secondary) == 1 else 's'}",
        "secondary_list": ", ".join(secondary["label"]),
    }
    sets = sens.study_sets(studies)
    results: dict[str, dict] = {}
    for o in OUTCOMES:
        results[o] = {}
        for key, (label, frame) in sets.items():
            r = sens.pool(frame, o, options)
            results[o][label] = r
            record_result(f"{PRIMARY}.{o.lower()}.{key}", r, outcome=o, chapter=chapter, params={"study_set": label},
                          inputs=ledger_inputs(frame, o))
    every = results["ORR"]["all cohorts (overlap ignored)"]
    values["orr_all_cohorts"] = fmt.estimate_ci(every.estimate, every.ci_low, every.ci_high)
    return results, values


def funnel_fit(primary_set: pd.DataFrame, meta, outcome: str = "ORR"):
    """The inverse-variance fit a funnel plot is drawn from (the GLMM has no study variances): with the
    configured transform and tau² estimator, whatever the configured model."""
    return sens.pool(primary_set, outcome, {**inverse_variance_options(meta), "model": "inverse"})
