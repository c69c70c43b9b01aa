"""The logistic mixed model (GLMM) beside the primary analysis, for a fit that converged or not.

A GLMM fit can fail: :func:`living_review.meta.metaprop` then says ``glmm.converged`` False
and reports NaN, and data in which no study lies strictly between 0 and all events admit no
fit at all. This module turns either case into words, a table row without numbers and a
ledger record with a status (:func:`living_review.provenance.ledger.record_not_estimated`), so a
chapter never prints, or publishes, a failed fit's number as if it were fine.

* :func:`compare_glmm`: the primary fit and the GLMM on the same studies, with the status;
* :meth:`GLMMComparison.table`, :meth:`GLMMComparison.sentence`: what the chapter shows;
* :func:`agreement_sentence`: the summary's one sentence over several outcomes;
* :func:`record_glmm`: the ledger record.

Example
-------
>>> c = compare_glmm(primary_studies(load_evidence().studies), "ORR", options)  # doctest: +SKIP
>>> c.sentence()                                                                 # doctest: +SKIP
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Literal, get_args

import pandas as pd

from living_review.analyses.selection import ledger_inputs
from living_review.analyses.sensitivity import pool, results_table
from living_review.core.formatting import estimate_ci

Status = Literal["converged", "not_converged", "not_estimable"]
STATUSES: tuple[str, ...] = get_args(Status)
GLMM_LABEL = "GLMM (logit, ML)"
STATUS_TEXT = {"not_converged": "did not converge", "not_estimable": "not estimable"}


@dataclass(frozen=True)
class GLMMComparison:
    """The primary inverse-variance fit and the GLMM on the same studies.

    ``glmm`` is None when the data admit no GLMM (``status`` "not_estimable", ``reason``
    the engine's words); a fit that ran and failed has ``status`` "not_converged". ``notes``
    are the GLMM's warnings (e.g. that studies with 0 or all events add nothing to its Wald Q).
    """

    outcome: str
    primary_label: str
    primary: object = field(repr=False)
    glmm: object | None = field(repr=False)
    status: Status
    reason: str = ""
    notes: tuple[str, ...] = ()

    @property
    def converged(self) -> bool:
        return self.status == "converged"

    @property
    def within_primary_ci(self) -> bool | None:
        """Whether the GLMM estimate lies inside the primary analysis's CI (None without a GLMM estimate)."""
        if not self.converged:
            return None
        return bool(self.primary.ci_low <= self.glmm.estimate <= self.primary.ci_high)

    def table(self) -> pd.DataFrame:
        """analysis, k, patients, estimate [CI], tau2, I2: the primary row, then the GLMM row, which
        says "did not converge" (or "not estimable") with no number when the fit failed."""
        if self.converged:
            return results_table({self.primary_label: self.primary, GLMM_LABEL: self.glmm})
        frame = results_table({self.primary_label: self.primary})
        failed = {"analysis": GLMM_LABEL, "k": self.primary.k, "patients": int(self.primary.studies["n"].sum()),
                  "estimate": STATUS_TEXT[self.status], "tau2": "–", "I2": "–"}
        return pd.concat([frame, pd.DataFrame([failed])], ignore_index=True)

    def sentence(self) -> str:
        """One sentence: the GLMM estimate against the primary one, or that the GLMM failed."""
        main = estimate_ci(self.primary.estimate, self.primary.ci_low, self.primary.ci_high)
        if self.status == "not_converged":
            return (f"For {self.outcome}, the GLMM did not converge (its optimum could not be confirmed), so "
                    f"no GLMM estimate is given; the primary analysis gives {main}.")
        if self.status == "not_estimable":
            return (f"For {self.outcome}, the GLMM cannot be fitted ({self.reason}), so no GLMM estimate is "
                    f"given; the primary analysis gives {main}.")
        glmm = estimate_ci(self.glmm.estimate, self.glmm.ci_low, self.glmm.ci_high)
        where = "inside" if self.within_primary_ci else "outside"
        return (f"For {self.outcome}, the GLMM gives {glmm}, {where} the interval of the primary "
                f"analysis, {main}.")


def compare_glmm(studies: pd.DataFrame, outcome: str, options: dict) -> GLMMComparison:
    """Fit the configured analysis and the GLMM (logit, ML) to the studies reporting ``outcome``."""
    label = f"{options['transform']}, {options['tau2_method']} (primary)"
    primary = pool(studies, outcome, options)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            glmm = pool(studies, outcome, options, model="glmm", transform="PLOGIT", hakn=False)
        except ValueError as error:  # no study strictly between 0 and all events: no GLMM exists
            return GLMMComparison(outcome, label, primary, None, "not_estimable", reason=_reason(error))
    converged = glmm.glmm is None or glmm.glmm.converged
    notes = tuple(sorted({str(w.message) for w in caught}))
    return GLMMComparison(outcome, label, primary, glmm, "converged" if converged else "not_converged",
                          reason="" if converged else "the fit did not converge", notes=notes)


def _reason(error: ValueError) -> str:
    text = str(error)
    # the engine says "GLMM not estimable for studies ...: <why>, so the logit is infinite; <advice>"
    why = text.split(": ", 1)[-1].split(";")[0]
    return why.strip() or "the data admit no fit"


def agreement_sentence(comparisons: list[GLMMComparison]) -> str:
    """The summary's clause: where the GLMM agrees with the primary analysis, and where it failed
    (without a full stop, e.g. "The GLMM estimate of ORR and DCR lies inside the primary analysis's interval")."""
    inside = [c.outcome for c in comparisons if c.within_primary_ci]
    outside = [c.outcome for c in comparisons if c.within_primary_ci is False]
    failed = [c.outcome for c in comparisons if not c.converged]
    parts = []
    def of(names: list[str], one: str, many: str) -> str:
        return f"the GLMM estimate{'s' if len(names) > 1 else ''} of {' and '.join(names)} " + (
            many if len(names) > 1 else one)

    if inside:
        parts.append(of(inside, "lies inside the primary analysis's interval",
                        "lie inside the primary analyses' intervals"))
    if outside:
        parts.append(of(outside, "lies outside the primary analysis's interval",
                        "lie outside the primary analyses' intervals"))
    if failed:
        parts.append(f"the GLMM gives no estimate of {' and '.join(failed)} (the fit failed)")
    text = "; ".join(parts)
    return text[:1].upper() + text[1:]  # no full stop: the chapter follows it with its table reference


def record_glmm(key: str, comparison: GLMMComparison, studies: pd.DataFrame, *, chapter: str, root=None):
    """Record the GLMM under ``key``: its estimate when it converged, else a record with the status
    and the reason in words and no number. Returns the file written."""
    from living_review.provenance.ledger import record_not_estimated, record_result

    inputs = ledger_inputs(studies, comparison.outcome)
    if comparison.converged:
        return record_result(key, comparison.glmm, outcome=comparison.outcome, inputs=inputs, chapter=chapter,
                             root=root)
    reason = ("the logistic mixed model (GLMM) did not converge" if comparison.status == "not_converged"
              else f"the logistic mixed model (GLMM) cannot be fitted: {comparison.reason}")
    return record_not_estimated(key, outcome=comparison.outcome, status=comparison.status, reason=reason,
                                k=len(inputs), n=sum(i["n"] for i in inputs),
                                params={"model": "glmm", "transform": "PLOGIT", "tau2_method": "ML"},
                                inputs=inputs, chapter=chapter, root=root)
