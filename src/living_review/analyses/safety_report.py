"""Adverse events: grade ≥3 incidences pooled term by term, fatal and life-threatening events,
and where safety and efficacy sets differ.

An adverse event that a study does not list is *not reported*, never zero: every
incidence here is pooled only over the studies that report the term, with k and the
denominators shown. Rows taken only from Cao 2024's Table 3 are labelled "secondary,
unverified".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from living_review.meta import MetaPropResult, metaprop
from living_review.settings.adapter import metaprop_options

#: grade bands that count as "grade ≥3" (a "3-4" row excludes deaths, so it is a lower bound)
GRADE3_BANDS = (">=3", "3-4")
FATAL_BAND = "5"
#: event words that make a grade ≥3 row life-threatening whatever its grade band
LIFE_THREATENING = ("perforation", "fistula", "haemorrhage", "hemorrhage", "haemoptysis", "pneumothorax",
                    "bleeding")
_SECONDARY = "Cao 2024"
_SHORT_STATUS = {"primary": "primary", "secondary, checked": "checked", "secondary, unverified": "unverified"}


def source_status(source: str) -> str:
    """How a row's source stands: "primary", "secondary, checked" or "secondary, unverified".

    A locator part naming Cao 2024 is secondary; a row is checked when another part of
    its locator names a primary report that agrees (as for Bible 2012's 13%).
    """
    parts = [p for p in re.split(r";\s*", str(source)) if p.strip()]
    primary = [p for p in parts if _SECONDARY not in p]
    if len(primary) == len(parts):
        return "primary"
    return "secondary, checked" if primary else "secondary, unverified"


def is_aggregate(term: str) -> bool:
    """True for an "Any ... adverse event" row (a burden count, not a term)."""
    return str(term).lower().startswith("any ")


def _with_labels(adverse_events: pd.DataFrame, studies: pd.DataFrame, study_ids) -> pd.DataFrame:
    ae = adverse_events[adverse_events["study_id"].isin(list(study_ids))].copy()
    meta = studies.set_index("study_id")
    ae["label"] = [meta.at[s, "label"] for s in ae["study_id"]]
    ae["drug"] = [meta.at[s, "drug"] for s in ae["study_id"]]
    ae["pub_order"] = [int(meta.at[s, "pub_order"]) for s in ae["study_id"]]
    ae["status"] = [source_status(s) for s in ae["source"]]
    return ae.sort_values(["pub_order", "term"])


@dataclass(frozen=True)
class TermPooling:
    """Pooled grade ≥3 incidence of one adverse-event term.

    ``result`` pools every study that reports the term; ``atc_only`` drops denominators
    from mixed-histology safety sets (``None`` when none is left or none was dropped).
    ``rows`` are the adverse-event rows used.
    """

    term: str
    k: int
    patients: int
    result: MetaPropResult
    atc_only: MetaPropResult | None
    rows: pd.DataFrame

    def summary(self) -> str:
        r = self.result
        return (f"{self.term}: k = {self.k}, {self.patients} patients, {r.estimate:.3f} "
                f"[{r.ci_low:.3f}; {r.ci_high:.3f}]")


def _pool(rows: pd.DataFrame, meta_settings) -> MetaPropResult:
    return metaprop(rows["events"].astype(int), rows["denominator"].astype(int), studies=rows["label"].tolist(),
                    **metaprop_options(meta_settings))


def pool_terms(adverse_events: pd.DataFrame, studies: pd.DataFrame, study_ids, meta_settings) -> list[TermPooling]:
    """Pool the grade ≥3 incidence of each term over the given cohorts that report it.

    Parameters
    ----------
    adverse_events, studies : ``Evidence.adverse_events`` and ``Evidence.studies``.
    study_ids : the cohorts (e.g. ATC monotherapy after overlap handling).
    meta_settings : ``load_settings().meta_analysis``.

    Returns
    -------
    list of TermPooling, most-reported first (k, then patients, then term).

    Notes
    -----
    Rows with grade band ">=3" or "3-4" enter; aggregate "Any ..." rows and grade 5 rows
    are shown elsewhere (:func:`burden_table`, :func:`serious_events_table`). Terms are
    matched by their exact wording: "Fatigue" and "Asthenia" stay apart, as the sources
    name them. A study that does not report a term is absent from its pooling, not a zero.
    """
    ae = _with_labels(adverse_events, studies, study_ids)
    ae = ae[ae["grade_band"].isin(GRADE3_BANDS) & ~ae["term"].map(is_aggregate)]
    out = []
    for term, rows in ae.groupby("term", sort=False):
        atc = rows[rows["population"] != "mixed_histology"]
        atc_only = _pool(atc, meta_settings) if 0 < len(atc) < len(rows) else None
        out.append(TermPooling(term, len(rows), int(rows["denominator"].sum()), _pool(rows, meta_settings),
                               atc_only, rows.reset_index(drop=True)))
    return sorted(out, key=lambda t: (-t.k, -t.patients, t.term))


def _pct_ci(r: MetaPropResult) -> str:
    return f"{100 * r.estimate:.1f} ({100 * r.ci_low:.1f}–{100 * r.ci_high:.1f})"


def _atc_only(r: MetaPropResult | None) -> str:
    # one study left is not pooled: its exact interval, labelled as one study
    if r is None:
        return "–"
    return _pct_ci(r) + (", one study, exact CI" if r.k == 1 else f", k = {r.k}")


def term_table(poolings: list[TermPooling]) -> pd.DataFrame:
    """Terms reported by two or more cohorts: Term, k, Events/N by study (* mixed-histology set),
    Pooled % (CI), I², ATC-only sets % (CI)."""
    rows = []
    for t in poolings:
        if t.k < 2:
            continue
        counts = "; ".join(f"{r.label} {r.events}/{r.denominator}" + ("*" if r.population == "mixed_histology" else "")
                           for r in t.rows.itertuples())
        rows.append({"Term": t.term, "k": t.k, "Events/N": counts, "Pooled % (CI)": _pct_ci(t.result),
                     "I² (Q-based)": f"{100 * t.result.i2:.0f}%",
                     "ATC-only % (CI)": _atc_only(t.atc_only)})
    return pd.DataFrame(rows, columns=["Term", "k", "Events/N", "Pooled % (CI)", "I² (Q-based)", "ATC-only % (CI)"])


def single_term_table(poolings: list[TermPooling]) -> pd.DataFrame:
    """Terms reported by one cohort: Term, Study, Events/N (* mixed-histology set), % (exact CI:
    one study is not pooled, the Clopper-Pearson interval), Source (primary, checked = secondary
    confirmed by a primary report, unverified)."""
    rows = []
    for t in poolings:
        if t.k != 1:
            continue
        r = t.rows.iloc[0]
        mark = "*" if r["population"] == "mixed_histology" else ""
        rows.append({"Term": t.term, "Study": r["label"], "Events/N": f"{r['events']}/{r['denominator']}{mark}",
                     "% (exact CI)": _pct_ci(t.result), "Source": _SHORT_STATUS[r["status"]]})
    return pd.DataFrame(rows, columns=["Term", "Study", "Events/N", "% (exact CI)", "Source"])


def ledger_key_part(term: str) -> str:
    """A term as a ledger-key segment, lower case with ``_`` between words.

    Example: "Decreased appetite" -> "decreased_appetite".
    """
    return re.sub(r"[^a-z0-9]+", "_", term.lower()).strip("_")


def ledger_inputs(t: TermPooling) -> list[dict]:
    """Per-study inputs of a pooled term for :func:`living_review.provenance.ledger.record_result`."""
    return [{"study_id": r.study_id, "events": int(r.events), "n": int(r.denominator), "population": r.population}
            for r in t.rows.itertuples()]


def _short_source(source: str) -> str:
    return re.sub(r"\((seed|extraction notes) ", "(", str(source))


def serious_events_table(adverse_events: pd.DataFrame, studies: pd.DataFrame, study_ids) -> pd.DataFrame:
    """Fatal (grade 5) and life-threatening events of the given cohorts, with denominators and sources.

    A row enters when its grade band is 5 or its term names a life-threatening event
    (:data:`LIFE_THREATENING`). Reported zeros (e.g. "no grade 5 treatment-related AEs") are kept.
    Columns: Study, Drug, Event, Grade, Events/N, Attribution, Source.
    """
    ae = _with_labels(adverse_events, studies, study_ids)
    hit = ae["grade_band"].eq(FATAL_BAND) | ae["term"].str.lower().str.contains("|".join(LIFE_THREATENING))
    rows = [{"Study": r.label, "Drug": r.drug, "Event": r.term, "Grade": "5 (fatal)" if r.grade_band == FATAL_BAND
             else r.grade_band.replace(">=", "≥"), "Events/N": f"{r.events}/{r.denominator}",
             "Attribution": r.attribution.replace("_", " "), "Source": _short_source(r.source)}
            for r in ae[hit].itertuples()]
    return pd.DataFrame(rows, columns=["Study", "Drug", "Event", "Grade", "Events/N", "Attribution", "Source"])


def burden_table(adverse_events: pd.DataFrame, studies: pd.DataFrame, study_ids) -> pd.DataFrame:
    """Aggregate "Any ..." rows below grade 5 (overall grade ≥3 burden, discontinuations); not pooled,
    since their definitions (attribution, grade band, event) differ. Grade 5 aggregates are in
    :func:`serious_events_table`."""
    ae = _with_labels(adverse_events, studies, study_ids)
    ae = ae[ae["term"].map(is_aggregate) & ae["grade_band"].ne(FATAL_BAND)]
    rows = [{"Study": r.label, "Measure": r.term, "Grade": r.grade_band.replace(">=", "≥"),
             "Events/N": f"{r.events}/{r.denominator}", "Set": f"{r.analysis_set}, {r.population.replace('_', ' ')}",
             "Source": _short_source(r.source)} for r in ae.itertuples()]
    return pd.DataFrame(rows, columns=["Study", "Measure", "Grade", "Events/N", "Set", "Source"])


def set_mismatches(studies: pd.DataFrame, adverse_events: pd.DataFrame, discrepancies: pd.DataFrame,
                   study_ids) -> pd.DataFrame:
    """Cohorts whose adverse-event denominators differ from their efficacy denominator.

    Columns: Study, Enrolled, Efficacy set, Safety set, AE denominators, AE population,
    Record (the ``discrepancies.csv`` ids on patient counts, with the value used).
    """
    ae = adverse_events[adverse_events["study_id"].isin(list(study_ids))]
    counts = discrepancies[discrepancies["field"].isin(["n_safety", "n_evaluable_response"])]
    rows = []
    for r in studies[studies["study_id"].isin(list(study_ids))].sort_values("pub_order").itertuples(index=False):
        mine = ae[ae["study_id"] == r.study_id]
        if mine.empty:
            continue
        dens = sorted(set(int(d) for d in mine["denominator"]))
        if dens == [int(r.n_evaluable_response)] if pd.notna(r.n_evaluable_response) else False:
            continue
        recs = counts[counts["study_id"] == r.study_id]
        rows.append({"Study": r.label, "Enrolled": int(r.n_enrolled),
                     "Efficacy set": "–" if pd.isna(r.n_evaluable_response) else int(r.n_evaluable_response),
                     "Safety set": "–" if pd.isna(r.n_safety) else int(r.n_safety),
                     "AE denominators": ", ".join(map(str, dens)),
                     "AE population": ", ".join(sorted(set(mine["population"].str.replace("_", " ")))),
                     "Record": "; ".join(f"{d.discrepancy_id}: {d.value_used}" for d in recs.itertuples()) or "–"})
    return pd.DataFrame(rows, columns=["Study", "Enrolled", "Efficacy set", "Safety set", "AE denominators",
                                       "AE population", "Record"])


def study_events_table(adverse_events: pd.DataFrame, studies: pd.DataFrame, study_ids) -> pd.DataFrame:
    """Every adverse-event row of the given cohorts as reported (no pooling).

    Columns: Study, Event, Grade, Events/N (* safety set with mixed histology), Set (analysis
    set), Source (primary; checked = secondary confirmed by a primary report; unverified).
    """
    ae = _with_labels(adverse_events, studies, study_ids)
    rows = [{"Study": r.label, "Event": r.term, "Grade": r.grade_band.replace(">=", "≥"),
             "Events/N": f"{r.events}/{r.denominator}" + ("*" if r.population == "mixed_histology" else ""),
             "Set": r.analysis_set, "Source": _SHORT_STATUS[r.status]} for r in ae.itertuples()]
    return pd.DataFrame(rows, columns=["Study", "Event", "Grade", "Events/N", "Set", "Source"])


def status_table(adverse_events: pd.DataFrame, studies: pd.DataFrame, study_ids) -> pd.DataFrame:
    """Per cohort: how many adverse-event rows are primary, secondary but checked, or secondary only."""
    ae = _with_labels(adverse_events, studies, study_ids)
    order = ["primary", "secondary, checked", "secondary, unverified"]
    counts = pd.crosstab(ae["label"], ae["status"]).reindex(columns=order, fill_value=0)
    counts = counts.reindex(list(dict.fromkeys(ae["label"])))
    counts.insert(0, "Rows", counts.sum(axis=1))
    return counts.reset_index().rename(columns={"label": "Study", "primary": "Primary",
                                                "secondary, checked": "Secondary, checked",
                                                "secondary, unverified": "Secondary, unverified"})


def fatal_total(adverse_events: pd.DataFrame, study_ids) -> tuple[int, int]:
    """(fatal events reported, cohorts reporting at least one) over grade 5 rows of the given cohorts."""
    ae = adverse_events[adverse_events["study_id"].isin(list(study_ids)) & adverse_events["grade_band"].eq(FATAL_BAND)]
    return int(ae["events"].sum()), int(ae.loc[ae["events"] > 0, "study_id"].nunique())


MIXED = "mixed_histology"


def record_terms(terms: list[TermPooling], *, chapter: str) -> list[str]:
    """Put every pooled term on record, over all safety sets and over ATC-only sets; return the keys."""
    from living_review.provenance.ledger import record_result

    keys = []
    for t in terms:
        inputs = ledger_inputs(t)
        part = ledger_key_part(t.term)
        keys.append(record_result(f"safety.grade3.{part}.all_sets", t.result, outcome=f"grade >=3 {t.term}",
                                  inputs=inputs, chapter=chapter))
        if t.atc_only is not None:
            keys.append(record_result(f"safety.grade3.{part}.atc_only", t.atc_only, outcome=f"grade >=3 {t.term}",
                                      chapter=chapter, inputs=[i for i in inputs if i["population"] != MIXED]))
    return keys


def mixed_safety_cohort(studies: pd.DataFrame, adverse_events: pd.DataFrame, study_ids) -> pd.Series:
    """The one cohort of ``study_ids`` whose safety set holds patients of other histologies.

    Raises ``ValueError`` when there is none or more than one: the safety chapter's text is
    written about one such cohort.
    """
    ae = adverse_events[adverse_events["study_id"].isin(list(study_ids)) & adverse_events["population"].eq(MIXED)]
    found = sorted(set(ae["study_id"]))
    if len(found) != 1:
        raise ValueError(f"the safety chapter describes one cohort with a mixed-histology safety set; the "
                         f"adverse events give {len(found)} ({', '.join(found) or 'none'}): update its text")
    return studies.set_index("study_id").loc[found[0]]
