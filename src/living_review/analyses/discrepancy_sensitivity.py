"""Sensitivity analyses named by ``discrepancies.csv``, encoded as data and run on the primary estimates.

``data/discrepancy_analyses.csv`` gives, for each discrepancy whose ``sensitivity`` names an
analysis, what the analysis changes (``kind``):

* ``replace``: the study's cells take the other source's value (``changes``: ``col=value;...``);
* ``exclude``: the study is left out;
* ``represent``: the study represents its overlap group in place of the kept member;

and which outcomes it touches (``ORR``, ``DCR``, ``PFS``, ``OS``, ``AE``). :func:`run` computes
each analysis on every primary estimate the study belongs to (all ATC monotherapy, its drug, its
setting, or its combination regimen; see :mod:`living_review.analyses.primary_estimates`).
:func:`coverage` lists every discrepancy that names an analysis without one being computed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal, get_args

import pandas as pd

from living_review.analyses import primary_estimates as pe
from living_review.analyses import safety_report, selection
from living_review.core.encoding import dict_rows

SPEC_FILE = "discrepancy_analyses.csv"
Kind = Literal["replace", "exclude", "represent"]
KINDS: tuple[str, ...] = get_args(Kind)
OUTCOME_CODES = ("ORR", "DCR", "PFS", "OS", "AE")
NUMERIC = ("events", "_n", "median", "enrolled", "evaluable")


@dataclass(frozen=True)
class AnalysisSpec:
    """One row of ``discrepancy_analyses.csv``."""

    discrepancy_id: str
    kind: str
    study_id: str
    changes: tuple[tuple[str, str], ...]
    outcomes: tuple[str, ...]
    description: str
    chapter: str = ""


@dataclass(frozen=True)
class SensitivityRow:
    """A primary estimate and the same estimate under one discrepancy's alternative."""

    discrepancy_id: str
    description: str
    scope: str
    scope_label: str
    estimand: str
    primary: pe.Estimate | None
    alternative: pe.Estimate | None
    chapter: str = ""

    @property
    def key(self) -> str:
        first = self.discrepancy_id.split(",")[0].strip().lower()
        return f"discrepancy.{first}.{self.estimand}.{self.scope}"

    def summary(self) -> str:
        a = self.primary.text() if self.primary else "not estimable"
        b = self.alternative.text() if self.alternative else "not estimable"
        return f"{self.discrepancy_id} {self.estimand} ({self.scope_label}): {a} -> {b}"


def read_specs(data_dir: str | Path, studies: pd.DataFrame | None = None) -> tuple[list[AnalysisSpec], list[str]]:
    """The analyses of ``discrepancy_analyses.csv`` and ``FILE:LINE: column: problem (fix)`` texts."""
    folder = Path(data_dir)
    path, shown = folder / SPEC_FILE, f"{folder.name}/{SPEC_FILE}"
    if not path.exists():
        return [], [f"{shown}:0: -: file is missing (restore it from version control)"]
    specs, problems = [], []
    known = set(studies["study_id"]) if studies is not None else None
    try:
        rows = dict_rows(path, shown)
    except ValueError as error:
        return [], [str(error.problems[0]) if hasattr(error, "problems") else str(error)]
    for line, r in rows:
        where = f"{shown}:{line}"
        if r.get("kind") not in KINDS:
            problems.append(f"{where}: kind: {r.get('kind')!r} is not allowed (choose one of {', '.join(KINDS)})")
            continue
        outs = tuple(o for o in (r.get("outcomes") or "").split(";") if o)
        bad = [o for o in outs if o not in OUTCOME_CODES]
        if bad or not outs:
            problems.append(f"{where}: outcomes: {bad or 'none'} (use ';'-separated codes of "
                            f"{', '.join(OUTCOME_CODES)})")
            continue
        if known is not None and r.get("study_id") not in known:
            problems.append(f"{where}: study_id: {r.get('study_id')!r} is not in studies.csv (correct the id)")
            continue
        pairs = []
        for part in (r.get("changes") or "").split(";"):
            if part:
                col, _, val = part.partition("=")
                if not val or (studies is not None and col not in studies.columns):
                    problems.append(f"{where}: changes: {part!r} is not column=value of studies.csv")
                pairs.append((col, val))
        if r["kind"] == "replace" and not pairs:
            problems.append(f"{where}: changes: a replacement needs column=value (give the other value)")
        specs.append(AnalysisSpec(r["discrepancy_id"], r["kind"], r["study_id"], tuple(pairs), outs,
                                  r.get("description", ""), r.get("chapter", "")))
    return specs, problems


def apply(studies: pd.DataFrame, spec: AnalysisSpec) -> pd.DataFrame:
    """A copy of ``studies`` with the analysis applied (the data files are never changed)."""
    out = studies.copy()
    at = out["study_id"] == spec.study_id
    if spec.kind == "exclude":
        return out[~at]
    if spec.kind == "represent":
        group = out.loc[at, "overlap_group"].iloc[0]
        members = out["overlap_group"] == group
        out["overlap_keep"] = out["overlap_keep"].astype("boolean")
        out.loc[members, "overlap_keep"] = False
        out.loc[at, "overlap_keep"] = True
        return out
    for col, val in spec.changes:
        out[col] = out[col].astype(object)
        out.loc[at, col] = float(val) if any(t in col for t in NUMERIC) else val
        if any(t in col for t in NUMERIC):
            out[col] = pd.to_numeric(out[col])
    return out


def _ae_rows(spec: AnalysisSpec, evidence, settings) -> list[SensitivityRow]:
    cohorts = selection.select_cohorts(evidence.studies)
    terms = safety_report.pool_terms(evidence.adverse_events, evidence.studies, cohorts["study_id"],
                                     settings.meta_analysis)
    rows = []
    for t in terms:
        if spec.study_id not in set(t.rows["study_id"]) or t.k < 2:
            continue
        keep = t.rows[t.rows["study_id"] != spec.study_id]
        alt = safety_report._pool(keep, settings.meta_analysis) if len(keep) else None
        rows.append(SensitivityRow(spec.discrepancy_id, spec.description, "all", "all ATC monotherapy",
                                   f"ae_{safety_report.ledger_key_part(t.term)}", _ae(t.term, t.result, t.rows),
                                   None if alt is None else _ae(t.term, alt, keep), spec.chapter))
    return rows


def _ae(term: str, r, rows: pd.DataFrame) -> pe.Estimate:
    return pe.Estimate(f"AE {term}", f"{r.transform}, {r.tau2_method}", r.estimate, r.ci_low, r.ci_high, r.k,
                       int(rows["denominator"].sum()), r.i2,
                       tuple({"study_id": s, "events": int(e), "n": int(n)}
                             for s, e, n in zip(rows["study_id"], rows["events"], rows["denominator"])))


def run(evidence, settings, specs: list[AnalysisSpec]) -> list[SensitivityRow]:
    """Every analysis on every primary estimate its study touches (combination cohorts: their regimen)."""
    rows: list[SensitivityRow] = []
    merged: dict[tuple, AnalysisSpec] = {}
    for spec in specs:  # discrepancies that name the same analysis share one computation
        same = (spec.kind, spec.study_id, spec.changes, spec.outcomes)
        if same in merged:
            first = merged[same]
            merged[same] = AnalysisSpec(f"{first.discrepancy_id}, {spec.discrepancy_id}", *same[:3], spec.outcomes,
                                        first.description, first.chapter)
        else:
            merged[same] = spec
    primary: dict[tuple, dict] = {}  # the primary estimates of a scope: the same for every analysis
    for spec in merged.values():
        if "AE" in spec.outcomes:
            rows += _ae_rows(spec, evidence, settings)
        altered = apply(evidence.studies, spec)
        before = pe.scopes(evidence.studies, spec.study_id)
        after = {k: v for k, v in _scopes_after(altered, evidence.studies, spec).items()}
        for scope, (label, cohorts) in before.items():
            alt_cohorts = after.get(scope, (label, cohorts.iloc[0:0]))[1]
            for outcome in (o for o in spec.outcomes if o != "AE"):
                same_primary = (outcome, tuple(cohorts["study_id"]))
                if same_primary not in primary:
                    primary[same_primary] = pe.estimates(cohorts, outcome, settings)
                prim = primary[same_primary]
                alt = pe.estimates(alt_cohorts, outcome, settings)
                for estimand, p in prim.items():
                    a = alt[estimand]
                    if p is None and a is None:
                        continue
                    if p is not None and a is not None and p.inputs == a.inputs:
                        continue  # the study does not enter this estimate either way
                    rows.append(SensitivityRow(spec.discrepancy_id, spec.description, scope, label, estimand, p, a,
                                               spec.chapter))
    return rows


def _scopes_after(altered: pd.DataFrame, original: pd.DataFrame, spec: AnalysisSpec):
    if spec.kind == "exclude":
        # the scopes of the left-out study, recomputed without it
        base = pe.scopes(original, spec.study_id)
        ids = set(altered["study_id"])
        return {k: (lab, c[c["study_id"].isin(ids)]) for k, (lab, c) in base.items()}
    return pe.scopes(altered, spec.study_id)


def table(rows: list[SensitivityRow]) -> pd.DataFrame:
    """Discrepancy, alternative, estimate, primary [CI], alternative [CI] (k each)."""
    def show(e):
        return "not estimable" if e is None else f"{e.text()}, k = {e.k}"

    return pd.DataFrame([{"Discrepancy": r.discrepancy_id, "Alternative": r.description,
                          "Estimate": f"{_ESTIMAND.get(r.estimand.split('_')[0] if r.estimand.startswith('ae_') else r.estimand, r.estimand)}"
                                      f" ({r.scope_label})" if not r.estimand.startswith("ae_")
                          else f"{r.primary.outcome if r.primary else r.estimand} ({r.scope_label})",
                          "Primary (95% CI)": show(r.primary), "Alternative (95% CI)": show(r.alternative)}
                         for r in rows])


_ESTIMAND = {"orr": "ORR", "dcr": "DCR", "pfs_median": "median PFS, log-median pooling",
             "os_median": "median OS, log-median pooling", "pfs_mm": "median PFS, median of medians",
             "os_mm": "median OS, median of medians"}


def record(rows: list[SensitivityRow], *, chapter: str, root=None) -> list[str]:
    """Record each alternative estimate as ``discrepancy.<dNN>.<estimand>.<scope>`` (primary value in extra).

    Only the rows whose analysis names ``chapter`` are recorded, so that each key has one chapter.
    """
    from living_review.provenance.ledger import record as put

    keys = []
    for r in rows:
        if r.chapter and r.chapter != chapter:
            continue
        a, p = r.alternative, r.primary
        if a is None or pd.isna(a.ci_low):
            continue
        put(r.key, outcome=a.outcome, estimate=a.estimate, ci_low=a.ci_low, ci_high=a.ci_high, k=a.k, n=a.n,
            params={"discrepancy": r.discrepancy_id, "analysis": r.description, "method": a.method,
                    "scope": r.scope_label},
            inputs=list(a.inputs), chapter=chapter, root=root,
            extra={"primary_estimate": None if p is None else p.estimate,
                   "primary_ci_low": None if p is None else p.ci_low,
                   "primary_ci_high": None if p is None else p.ci_high})
        keys.append(r.key)
    return keys


def named(discrepancies: pd.DataFrame) -> list[str]:
    """Discrepancy ids whose ``sensitivity`` names an analysis of the pooled estimates (anything but
    'none...', and but 'comparative:...', which :func:`living_review.analyses.comparative.coverage` checks)."""
    s = discrepancies["sensitivity"].fillna("none").str.strip().str.lower()
    return list(discrepancies.loc[~s.str.startswith(("none", "comparative:")), "discrepancy_id"])


def coverage(discrepancies: pd.DataFrame, specs: list[AnalysisSpec], rows: list[SensitivityRow]) -> list[str]:
    """Every discrepancy that names an analysis but has no spec, or whose spec computes nothing."""
    computed = {d.strip() for r in rows for d in r.discrepancy_id.split(",")}
    with_spec = {s.discrepancy_id for s in specs}
    out = [f"{d}: names a sensitivity analysis but {SPEC_FILE} has no row for it (encode it)"
           for d in named(discrepancies) if d not in with_spec]
    out += [f"{d}: its analysis changes no primary estimate (check study_id, kind and outcomes)"
            for d in sorted(with_spec - computed)]
    return out


def change_texts(rows: list[SensitivityRow], estimand: str) -> dict[str, str]:
    """'<primary> to <alternative>' of each row of one estimand, keyed ``<discrepancy id>_<scope>`` (lower case;
    rows that several discrepancies share, and rows without both estimates, are left out)."""
    return {f"{r.discrepancy_id.lower()}_{r.scope}": f"{r.primary.text()} to {r.alternative.text()}"
            for r in rows if r.estimand == estimand and "," not in r.discrepancy_id
            and r.primary is not None and r.alternative is not None}


def discrepancies_run(rows: list[SensitivityRow]) -> int:
    """How many recorded discrepancies the rows analyse (a row may analyse several)."""
    return len({d.strip() for r in rows for d in r.discrepancy_id.split(",")})
