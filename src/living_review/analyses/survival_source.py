"""One source for the review's survival numbers: the survival chapter's analyses, read back from the ledger.

The survival chapter (``notebooks/06_survival``) pools the medians and curves of PFS and OS with
the functions of this module and records every estimate (:func:`record_medians`,
:func:`living_review.analyses.survival_curves.record_curve`). The summary of findings and the
drug chapters do not pool survival themselves: they read those records (:func:`read_medians`,
:func:`read_curve_sentence`), so that every page prints the same numbers.

**Primary method of the median rows.** The summary-of-findings median rows, and their certainty
ratings, are the log-median pooling of the medians reported with a confidence interval
(:func:`pool_group_medians`): it rests only on what the cohorts reported, and its heterogeneity
is that of the reported medians. The median of the pooled survival curve is the second method:
in this version every cohort curve is a parametric approximation through the reported median,
whose smoothness understates between-cohort variation, so it is shown beside the primary row and
not rated.

**Where a record comes from** (``origin``):

* ``"this build"``: the ledger this page writes to holds the record, written from the current
  data, code and configuration with the same parameters and cohorts;
* ``"book build"``: a rerun (:mod:`living_review.runs.rerun`) has a ledger of its own, which
  the survival chapter did not write; the record is read from the book's build when it is
  current and was made with the rerun's parameters and cohorts;
* ``"recomputed"``: no such record exists (it is missing, was made from other inputs, with other
  parameters or other cohorts); the estimate is computed here with the same function the
  survival chapter calls, with this page's parameters, and :func:`sources_note` says why.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from living_review.analyses import selection, survival_report
from living_review.analyses import survival_curves
from living_review.analyses.record_lookup import Origin, find
from living_review.analyses.survival_report import MedianPooling
from living_review.core.vocabularies import ENDPOINTS
from living_review.provenance.ledger import collect, record
from living_review.survival.digitised import load_digitised_curves
from living_review.survival.medians import LogMedianMeta
from living_review.survival.study_curves import StudyCurves, study_curves

ORIGINS: tuple[str, ...] = ("this build", "book build", "recomputed")
MEDIAN_METHOD = "log-median, inverse variance, random effects"
SURVIVAL_CHAPTER = "06_survival"
_TABLE = ["label", "median", "ci_low", "ci_high", "ci_level", "n", "se_log", "weight", "status"]


def _group(endpoint: str, drug: str | None) -> str:
    survival_report._check_endpoint(endpoint)
    return f"survival.{endpoint.lower()}" + (f".drug_{drug}" if drug else "")


def median_key(endpoint: str, drug: str | None = None) -> str:
    """Ledger key of a pooled log median: ``survival.pfs.log_median``, ``survival.os.drug_sorafenib.log_median``."""
    return f"{_group(endpoint, drug)}.log_median"


def curve_prefix(endpoint: str, drug: str | None = None) -> str:
    """Key prefix of a pooled curve's records: ``survival.pfs.curve`` (all cohorts), ``survival.os.drug_<drug>``."""
    return _group(endpoint, drug) + ("" if drug else ".curve")


def pool_group_medians(cohorts: pd.DataFrame, endpoint: str, settings) -> MedianPooling:
    """The survival chapter's pooled log median of ``cohorts``: the configured tau² estimator
    (``settings.meta_analysis.tau2_method``) at the survival level (``settings.survival.level``)."""
    return survival_report.pool_medians(cohorts, endpoint, tau2_method=settings.meta_analysis.tau2_method,
                                        level=settings.survival.level)


def median_params(settings) -> dict:
    """What a pooled median depends on besides its cohorts and data: checked before a record is reused."""
    return {"method": MEDIAN_METHOD, "tau2_method": settings.meta_analysis.tau2_method,
            "level": float(settings.survival.level), "no_ci": "exclude"}


def record_medians(pooling: MedianPooling, key: str, *, settings, chapter: str = SURVIVAL_CHAPTER,
                   root: Path | None = None) -> Path | None:
    """Record a pooled log median with its whole study table; nothing (``None``) when it was not pooled.

    ``inputs`` are the pooled cohorts (median, CI, n, SE and weight); ``extra`` keeps the
    heterogeneity, the medians reported without a CI (``not_pooled``) and the table order, so
    that :func:`pooling_from_record` gives back the same :class:`MedianPooling`.
    """
    r = pooling.result
    if r is None:
        return None
    ids = [i["study_id"] for i in pooling.inputs]
    rows = [{"study_id": sid, "row": pos, **{c: row[c] for c in _TABLE}}
            for pos, (sid, (_, row)) in enumerate(zip(ids, r.table.iterrows()))]
    pooled = [x for x in rows if x["weight"] > 0]
    extra = {"tau2": r.tau2, "i2": r.i2, "q": r.q, "q_df": r.q_df, "q_pvalue": r.q_pvalue,
             "log_estimate": r.log_estimate, "se_log": r.se_log, "tau2_used": r.method,
             "endpoint": pooling.endpoint, "k_reported": pooling.k_reported, "k_with_ci": pooling.k_with_ci, "method_note": pooling.method_note,
             "not_pooled": [x for x in rows if x["weight"] <= 0]}
    return record(key, outcome=f"median {pooling.endpoint} (months)", estimate=r.estimate, ci_low=r.ci_low,
                  ci_high=r.ci_high, k=r.k, n=int(sum(x["n"] for x in pooled)),
                  params={**median_params(settings), "scale": "log median"}, inputs=pooled, extra=extra,
                  chapter=chapter, root=root)


def _nan(value) -> float:
    return float("nan") if value is None else float(value)


def pooling_from_record(rec: dict) -> MedianPooling:
    """The :class:`MedianPooling` a record of :func:`record_medians` was written from."""
    ex = rec["extra"]
    rows = sorted([*rec["inputs"], *ex["not_pooled"]], key=lambda x: x["row"])
    table = pd.DataFrame([{c: (_nan(x[c]) if c not in ("label", "status") else x[c]) for c in _TABLE}
                          for x in rows], columns=_TABLE)
    p = rec["params"]
    result = LogMedianMeta(
        estimate=rec["estimate"], ci_low=rec["ci_low"], ci_high=rec["ci_high"], log_estimate=ex["log_estimate"],
        se_log=ex["se_log"], tau2=ex["tau2"], i2=ex["i2"], q=ex["q"], q_df=int(ex["q_df"]), q_pvalue=ex["q_pvalue"],
        k=rec["k"], method=ex["tau2_used"], no_ci_rule=p["no_ci"], level=p["level"], table=table)
    inputs = tuple({"study_id": x["study_id"], "median_months": float(x["median"]),
                    "ci_low": None if x["ci_low"] is None else float(x["ci_low"]),
                    "ci_high": None if x["ci_high"] is None else float(x["ci_high"]), "n": int(x["n"])}
                   for x in rows)
    return MedianPooling(ex["endpoint"], int(ex["k_reported"]), int(ex["k_with_ci"]), result, "", ex["method_note"], inputs)


@dataclass(frozen=True)
class SourcedMedians:
    """A pooled log median as this page prints it, with where it came from."""

    key: str
    pooling: MedianPooling
    origin: Origin
    reason: str = ""


def _reported_ids(cohorts: pd.DataFrame, endpoint: str) -> list[str]:
    return survival_report.median_input(cohorts, endpoint)["study_id"].tolist()


def read_all_medians(cohorts: pd.DataFrame, settings, *, drug: str | None = None) -> dict:
    """:func:`read_medians` of each endpoint: ``{"PFS": ..., "OS": ...}``."""
    return {e: read_medians(cohorts, e, settings, drug=drug) for e in ENDPOINTS}


def read_medians(cohorts: pd.DataFrame, endpoint: str, settings, *, drug: str | None = None,
                 root: Path | None = None, book_root: Path | None = None) -> SourcedMedians:
    """The survival chapter's pooled log median of ``cohorts`` (all ATC monotherapy, or one ``drug``).

    Reads the record of :func:`median_key` when it was made from the cohorts of ``cohorts`` that
    report a median, with ``settings``' tau² estimator and level, from the current inputs (see the
    module notes for a rerun); otherwise computes it with :func:`pool_group_medians`. A group that
    cannot be pooled has no record, and is recomputed to say why.
    """
    key = median_key(endpoint, drug)
    want = sorted(_reported_ids(cohorts, endpoint))

    def same(rec: dict) -> bool:
        return sorted(x["study_id"] for x in [*rec["inputs"], *rec["extra"].get("not_pooled", [])]) == want

    found = find(key, params=median_params(settings), ids=same, root=root, book_root=book_root)
    if found.record is not None:
        return SourcedMedians(key, pooling_from_record(found.record), found.origin)
    return SourcedMedians(key, pool_group_medians(cohorts, endpoint, settings), "recomputed", found.reason)


def left_out(pooling: MedianPooling, cohorts: pd.DataFrame) -> tuple[tuple[str, str, int], ...]:
    """(label, why, patients) of each reported median that the pooled median leaves out (no CI)."""
    labels = dict(zip(cohorts["study_id"], cohorts["label"]))
    return tuple((labels.get(i["study_id"], i["study_id"]), "no confidence interval reported", int(i["n"]))
                 for i in pooling.inputs if i["ci_low"] is None)


def left_out_text(pooling: MedianPooling, cohorts: pd.DataFrame) -> str:
    """'N cohorts (M patients) without a reported confidence interval: label (n patients), ...' or ''."""
    from living_review.analyses.primary_estimates import left_out_sentence

    return left_out_sentence(left_out(pooling, cohorts))


def curve_ids_within(cohort_ids) -> Callable[[dict], bool]:
    """Check for :func:`find`: every cohort of a curve record is one of ``cohort_ids``."""
    allowed = set(cohort_ids)
    return lambda rec: bool(rec["inputs"]) and {x["study_id"] for x in rec["inputs"]} <= allowed


def read_curve_records(prefix: str, *, level: float, cohort_ids, recompute: Callable[[], dict[str, dict]],
                       root: Path | None = None, book_root: Path | None = None) -> tuple[dict[str, dict], Origin, str]:
    """The records of the pooled curve under ``prefix`` (median and landmark rates) and their origin.

    ``recompute`` gives the same records (:func:`living_review.analyses.survival_curves.curve_records`)
    computed here, used when :func:`find` finds no current record made at ``level`` from ``cohort_ids``.
    """
    probe = f"{prefix}.survival_6m"
    found = find(probe, params={"level": float(level)}, ids=curve_ids_within(cohort_ids), root=root,
                 book_root=book_root)
    if found.record is None:
        return recompute(), "recomputed", found.reason
    return ({k: v for k, v in collect(found.where, prefix=prefix).items() if k.startswith(prefix + ".")}, found.origin,
            "")


def _origin_text(origin: Origin, reason: str) -> str:
    if origin == "this build":
        return "the survival chapter of this version"
    if origin == "book build":
        return ("the survival chapter's records in the book's build, read because this rerun has a ledger of "
                "its own and its parameters give the same analyses")
    return (f"a computation on this page with the survival chapter's functions and this page's parameters, "
            f"because {reason or 'no record was found'}")


def sources_note(medians=(), curves=()) -> str:
    """One sentence saying where each survival estimate of a page comes from (groups that cannot be
    pooled have no estimate and are not named)."""
    # readers are told the chapter, not the ledger keys (those are in the ledger files themselves)
    items = [(f"the pooled median {m.pooling.endpoint}", m.origin, m.reason) for m in medians
             if m.pooling.result is not None]
    items += [(f"the pooled {c.endpoint} curve", c.origin, c.reason) for c in curves if c.records]
    if not items:
        return "No survival estimate on this page is pooled."
    groups: dict[tuple[str, str], list[str]] = {}
    for what, origin, reason in items:
        groups.setdefault((origin, reason), []).append(what)
    parts = [f"{', '.join(names[:-1]) + ' and ' if len(names) > 1 else ''}{names[-1]} "
             f"{'come' if len(names) > 1 else 'comes'} from {_origin_text(origin, reason)}"
             for (origin, reason), names in groups.items()]
    text = "; ".join(parts)
    return text[:1].upper() + text[1:] + "."


def endpoint_curves(evidence, endpoint: str, cohorts: pd.DataFrame | None = None) -> StudyCurves:
    """Every cohort's curve of ``endpoint`` as the survival chapter builds them: reconstructed from
    ``data/km/`` where a curve is digitised, approximated otherwise (default cohorts: all ATC monotherapy)."""
    cohorts = selection.select_cohorts(evidence.studies) if cohorts is None else cohorts
    return study_curves(cohorts, evidence.landmarks, endpoint, digitised=load_digitised_curves(evidence.data_dir / "km"))


@dataclass(frozen=True)
class SourcedCurve:
    """The records of one pooled curve (all ATC monotherapy cohorts, or one drug's) and their origin."""

    prefix: str
    endpoint: str
    records: dict
    origin: Origin
    reason: str = ""

    def sentence(self) -> str:
        return survival_curves.ledger_sentence(self.records, self.prefix, self.endpoint)


def read_curve(evidence, endpoint: str, level: float, *, drug: str | None = None, root: Path | None = None,
               book_root: Path | None = None) -> SourcedCurve:
    """The survival chapter's pooled curve of all ATC monotherapy cohorts, or of ``drug``'s (its stratum
    of the by-drug analysis), read from the ledger or recomputed with the chapter's functions."""
    prefix = curve_prefix(endpoint, drug)
    every = selection.select_cohorts(evidence.studies)
    ids = every["study_id"] if drug is None else every.loc[every["drug"] == drug, "study_id"]

    def recompute() -> dict[str, dict]:
        c = endpoint_curves(evidence, endpoint, every)
        if drug is not None:
            return survival_curves.drug_curve_records(c, drug, level, key=prefix)
        return survival_curves.curve_records(survival_curves.pool(c, level), c, key=prefix)

    records, origin, reason = read_curve_records(prefix, level=level, cohort_ids=ids, recompute=recompute,
                                                 root=root, book_root=book_root)
    return SourcedCurve(prefix, endpoint, records, origin, reason)
