"""Reproducing the previous version (Cao 2024): our values beside the published ones, and re-analyses.

Three steps, each a pooled estimate:

1. Cao 2024's own per-study inputs (``previous_version_inputs``), pooled with the configured
   method, compared with the published pooled values (``previous_version_results``) at the
   precision they were printed;
2. the same studies with this update's values (``studies``), one recorded correction at a
   time and all together (each correction is a ``discrepancies`` row);
3. the corrected set plus the eligible prospective studies the previous version missed.

Example
-------
>>> from living_review.data import load_evidence                       # doctest: +SKIP
>>> ev = load_evidence()                                                # doctest: +SKIP
>>> r = reanalyse(ev, "DCR", metaprop_options(load_settings().meta_analysis))  # doctest: +SKIP
>>> r.table()[["step", "estimate"]]                                     # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from living_review.core.choices import check_choice
from living_review.core.formatting import estimate_ci
from living_review.core.vocabularies import OUTCOMES
from living_review.meta import MetaPropResult, metaprop

#: Cao 2024 searched the databases on 3 September 2023 (Cao 2024, Methods 2.1): a study
#: published later cannot have been missed by it.
PREVIOUS_SEARCH_DATE = "2023-09"


def _check_outcome(outcome: str) -> None:
    check_choice("outcome", outcome, OUTCOMES)


def result_values(result: MetaPropResult, outcome: str) -> pd.DataFrame:
    """The published statistics of one pooled result, named as in ``previous_version_results.csv``.

    Parameters
    ----------
    result : a :func:`metaprop` result, with or without drug subgroups.
    outcome : "ORR" or "DCR".

    Returns
    -------
    DataFrame with columns outcome, subset, statistic, value: for the overall result
    (subset "all") and every subgroup (subset = its label in lower case) the estimate,
    ci_lower, ci_upper (proportions), tau2 (transformed scale), i2 (percent) and q_pvalue;
    and, with subgroups, the test for subgroup differences (subset "subgroup_difference":
    chi2, df, pvalue).
    """
    _check_outcome(outcome)
    rows = []
    for subset, r in [("all", result), *((name.lower(), sub) for name, sub in result.subgroups.items())]:
        for stat, value in (("estimate", r.estimate), ("ci_lower", r.ci_low), ("ci_upper", r.ci_high),
                            ("tau2", r.tau2), ("i2", 100 * r.i2), ("q_pvalue", r.q_pvalue)):
            rows.append((outcome, subset, stat, float(value)))
    if result.subgroup_test is not None:
        t = result.subgroup_test
        rows += [(outcome, "subgroup_difference", "chi2", float(t.q)),
                 (outcome, "subgroup_difference", "df", float(t.df)),
                 (outcome, "subgroup_difference", "pvalue", float(t.pvalue))]
    return pd.DataFrame(rows, columns=["outcome", "subset", "statistic", "value"])


def printed(value: float, decimals: int) -> str:
    """``value`` as it prints with ``decimals`` decimals (how a published table rounds it)."""
    return "–" if value is None or not np.isfinite(value) else f"{value:.{int(decimals)}f}"


def compare_published(ours: pd.DataFrame, published: pd.DataFrame, *, outcomes=None,
                      statistics=None) -> pd.DataFrame:
    """Side-by-side table of published and recomputed values, matched at the printed precision.

    Parameters
    ----------
    ours : rows of :func:`result_values` (outcome, subset, statistic, value).
    published : ``Evidence.previous_version_results`` (outcome, subset, statistic, value,
        unit, decimals, source).
    outcomes : the published outcomes to show (default: those present in ``ours``); an
        outcome that ``ours`` does not hold is shown as "not computed".
    statistics : the published statistics to show (default: all).

    Returns
    -------
    DataFrame with columns outcome, subset, statistic, published, recomputed, match: both
    values printed with the published number of decimals; match is "yes" when the two texts
    are equal, "no" otherwise, and "not computed" when ``ours`` has no such statistic.

    Notes
    -----
    Matching the printed text (not a tolerance) is the strictest test a published value
    allows: 0.0873 matches "0.09", 0.0849 would not.
    """
    wanted = set(ours["outcome"]) if outcomes is None else set(outcomes)
    pub = published[published["outcome"].isin(wanted)]
    if statistics is not None:
        pub = pub[pub["statistic"].isin(set(statistics))]
    merged = pub.merge(ours, on=["outcome", "subset", "statistic"], how="left", suffixes=("_pub", "_ours"))
    text_pub = [printed(v, d) for v, d in zip(merged["value_pub"], merged["decimals"])]
    text_ours = [printed(v, d) if pd.notna(v) else "–" for v, d in zip(merged["value_ours"], merged["decimals"])]
    match = ["not computed" if pd.isna(v) else ("yes" if a == b else "no")
             for v, a, b in zip(merged["value_ours"], text_pub, text_ours)]
    return pd.DataFrame({"outcome": merged["outcome"], "subset": merged["subset"], "statistic": merged["statistic"],
                         "published": text_pub, "recomputed": text_ours, "match": match})


def missed_studies(studies: pd.DataFrame, *, search_date: str = PREVIOUS_SEARCH_DATE) -> pd.DataFrame:
    """Prospective ATC monotherapy trials published as full papers before the previous search
    that the previous version did not include (its own eligibility criteria: Cao 2024, 2.2)."""
    s = studies
    keep = ((s["design"] == "prospective_trial") & (s["pooling_role"] == "atc_monotherapy")
            & (s["publication_type"] == "full_paper") & ~s["in_previous_version"].astype(bool)
            & (s["pub_date"] <= search_date))
    return s[keep]


@dataclass(frozen=True)
class Reanalysis:
    """Pooled estimates of one outcome, step by step from the previous version's inputs.

    ``steps`` maps a step label to its inputs (study_id, label, subgroup, events, total) and
    ``results`` to its pooled result; ``notes`` says what each step changed and why
    (discrepancy ids) and ``ids`` gives each step a stable identifier for the ledger
    (``cao_inputs``, ``corrected_<study_id>``, ``corrected_all``, ``cao_plus_missed``,
    ``corrected_plus_missed``). The
    first step is always "Cao 2024 inputs".
    """

    outcome: str
    steps: dict = field(repr=False)
    results: dict = field(repr=False)
    notes: dict = field(repr=False)
    ids: dict = field(repr=False)

    def table(self) -> pd.DataFrame:
        """One row per step: Step, k, Patients, Estimate [CI], τ², I², Change from the first step
        (percentage points)."""
        base = self.results[next(iter(self.results))]
        rows = []
        for step, r in self.results.items():
            rows.append({"Step": step, "k": r.k, "Patients": int(r.studies["n"].sum()),
                         "Estimate [CI]": estimate_ci(r.estimate, r.ci_low, r.ci_high),
                         "τ²": "–" if np.isnan(r.tau2) else f"{r.tau2:.4f}", "I²": "–" if np.isnan(r.i2) else f"{100 * r.i2:.0f}%",
                         "Change": f"{100 * (r.estimate - base.estimate):+.1f} pp"})
        return pd.DataFrame(rows)

    def summary(self) -> str:
        """Old -> new for every step, one line each."""
        base = self.results[next(iter(self.results))]
        old = estimate_ci(base.estimate, base.ci_low, base.ci_high)
        return "\n".join([f"{self.outcome}: {step}: {old} -> {estimate_ci(r.estimate, r.ci_low, r.ci_high)}"
                          f" ({self.notes[step]})" for step, r in self.results.items()])


@dataclass(frozen=True)
class Correction:
    """One study whose count in the previous version's inputs this update does not use as printed."""

    study_id: str
    label: str
    events: int
    total: int
    new_events: int | None  # ``None``: the count is left out of this update
    new_n: int | None

    @property
    def printed(self) -> str:
        return f"{self.events}/{self.total}"

    @property
    def current(self) -> str | None:
        return None if self.new_events is None else f"{self.new_events}/{self.new_n}"

    def __str__(self) -> str:
        return f"{self.label}: {self.printed} -> {self.current or 'left out'}"


def corrections(evidence, outcome: str) -> tuple[Correction, ...]:
    """The studies of the previous version's ``outcome`` inputs whose printed count differs from this update's,
    in the order of those inputs."""
    _check_outcome(outcome)
    low = outcome.lower()
    printed = evidence.previous_version_inputs
    printed = printed[printed["outcome"] == outcome]
    s = evidence.studies.set_index("study_id")
    out = []
    for r in printed.itertuples(index=False):
        ev, n = s.loc[r.study_id, f"{low}_events"], s.loc[r.study_id, f"{low}_n"]
        if pd.notna(ev) and int(ev) == r.events and int(n) == r.total:
            continue
        left_out = pd.isna(ev)
        out.append(Correction(r.study_id, s.loc[r.study_id, "label"], int(r.events), int(r.total),
                              None if left_out else int(ev), None if left_out else int(n)))
    return tuple(out)


def _inputs(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[["study_id", "label", "subgroup", "events", "total"]].reset_index(drop=True)


def reanalyse(evidence, outcome: str, options: dict) -> Reanalysis:
    """Re-pool one outcome from Cao 2024's inputs, with each recorded correction and with missed studies.

    Parameters
    ----------
    evidence : :class:`living_review.data.Evidence`.
    outcome : "ORR" or "DCR".
    options : :func:`metaprop` keyword arguments, from :func:`living_review.settings.adapter.metaprop_options`.

    Returns
    -------
    Reanalysis with the steps "Cao 2024 inputs", one "corrected: <study> (<Dnn>)" per study
    whose value this update changes (a count missing in this update removes the study),
    "all corrections" (when any), "Cao 2024 inputs + missed studies" and "all corrections +
    missed studies" (when studies were missed and, for the last, corrections exist).

    Notes
    -----
    A correction is a difference between the previous version's printed count and this
    update's ``studies.csv``; its reason is the ``discrepancies.csv`` row on
    ``<outcome>_events`` of that study.
    """
    _check_outcome(outcome)
    low = outcome.lower()
    prev = evidence.previous_version_inputs
    prev = prev[prev["outcome"] == outcome].copy()
    s = evidence.studies.set_index("study_id")
    prev["label"] = [s.loc[i, "label"] for i in prev["study_id"]]
    base = _inputs(prev)
    steps = {"Cao 2024 inputs": base}
    notes = {"Cao 2024 inputs": "events and totals as printed in Cao 2024 Fig. 3"}
    ids = {"Cao 2024 inputs": "cao_inputs"}
    current = base.copy()
    disc = evidence.discrepancies
    for c in corrections(evidence, outcome):
        at = base["study_id"] == c.study_id
        found = disc[(disc["study_id"] == c.study_id) & (disc["field"] == f"{low}_events")]["discrepancy_id"]
        why = ", ".join(found) or "no discrepancy recorded"
        label = f"corrected: {c.label} ({why})"
        one = base.copy()
        if c.current is None:
            one = one[~at]
            current = current[current["study_id"] != c.study_id]
            notes[label] = f"{c.label} removed: its {outcome} count is not used in this update ({why})"
        else:
            one.loc[at, ["events", "total"]] = [c.new_events, c.new_n]
            current.loc[current["study_id"] == c.study_id, ["events", "total"]] = [c.new_events, c.new_n]
            notes[label] = f"{c.label} {c.printed} -> {c.current} ({why})"
        steps[label] = one.reset_index(drop=True)
        ids[label] = f"corrected_{c.study_id}"
    if len(steps) > 2:
        steps["all corrections"] = current.reset_index(drop=True)
        notes["all corrections"] = "every correction above applied together"
        ids["all corrections"] = "corrected_all"
    missed = missed_studies(evidence.studies)
    missed = missed[missed[f"{low}_events"].notna()]
    if len(missed):
        added = pd.DataFrame({"study_id": missed["study_id"], "label": missed["label"],
                              "subgroup": missed["drug"].str.capitalize(),
                              "events": missed[f"{low}_events"].astype(int), "total": missed[f"{low}_n"].astype(int)})
        what = "added: " + ", ".join(missed["label"]) + " (eligible by the previous criteria, not included)"
        steps["Cao 2024 inputs + missed studies"] = pd.concat([base, added], ignore_index=True)
        notes["Cao 2024 inputs + missed studies"] = what
        ids["Cao 2024 inputs + missed studies"] = "cao_plus_missed"
        if len(steps) > 2:
            steps["all corrections + missed studies"] = pd.concat([current, added], ignore_index=True)
            notes["all corrections + missed studies"] = what + " to the corrected set"
            ids["all corrections + missed studies"] = "corrected_plus_missed"
    results = {step: metaprop(d["events"].astype(int), d["total"].astype(int), studies=list(d["label"]),
                              subgroups=list(d["subgroup"]), **options) for step, d in steps.items()}
    return Reanalysis(outcome=outcome, steps=steps, results=results, notes=notes, ids=ids)


def record_reanalysis(reanalysis: Reanalysis, prefix: str, *, chapter: str, params: dict | None = None,
                      root=None) -> list[str]:
    """Record every step's pooled estimate in the ledger as ``<prefix>.<outcome>.<step id>``.

    Returns the keys written. Inputs are recorded by study_id with their events and totals;
    ``root`` is the project root (default: the current project).
    """
    from living_review.provenance.ledger import record_result

    keys = []
    for step, result in reanalysis.results.items():
        key = f"{prefix}.{reanalysis.outcome.lower()}.{reanalysis.ids[step]}"
        d = reanalysis.steps[step]
        inputs = [{"study_id": str(a), "events": int(b), "n": int(c)}
                  for a, b, c in zip(d["study_id"], d["events"], d["total"])]
        record_result(key, result, outcome=reanalysis.outcome, inputs=inputs,
                      params={**(params or {}), "step": step}, chapter=chapter, root=root)
        keys.append(key)
    return keys
