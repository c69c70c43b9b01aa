"""The review's eligibility rules, written once in ``data/search/eligibility_rules.csv``, checked
against every full-text screening decision.

Each screened record has one row of facts in ``data/search/eligibility_assessments.csv``
(population, patients, TKI, outcomes reported, bibliographic record, report type, source). A
record meets the rules when every rule passes. The checks:

* an included (or previously included) record meets every rule;
* an excluded record fails at least one rule, and its logged reason is the reason of a failed rule;
* the outcomes a record is said to report agree with the cohorts of ``studies.csv`` it became.

Example
-------
>>> problems = check_decisions()                                   # doctest: +SKIP
>>> [str(p) for p in problems]                                      # doctest: +SKIP
[]
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal, get_args

from living_review.core.encoding import dict_rows
from living_review.core.problems import DataValidationError, Problem

RULES_FILE = "search/eligibility_rules.csv"
ASSESSMENTS_FILE = "search/eligibility_assessments.csv"
SCREENING_FILE = "search/screening_log.csv"
Test = Literal["min", "any_of"]
TESTS: tuple[str, ...] = get_args(Test)
ASSESSMENT_FIELDS = ("population", "patients", "antiangiogenic_tki", "outcomes", "bibliographic_record",
                     "report_type")
# outcome code -> studies.csv columns any of which shows the outcome is reported
OUTCOME_COLUMNS = {"ORR": ("orr_events",), "DCR": ("dcr_events",), "PFS": ("pfs_median",), "OS": ("os_median",)}


@dataclass(frozen=True)
class Rule:
    """One eligibility rule: ``field`` of the assessment passes ``test`` against ``value``."""

    rule_id: str
    criterion: str
    field: str
    test: str
    value: tuple[str, ...]
    reasons: tuple[str, ...]
    text: str

    def passes(self, facts: dict[str, str]) -> bool:
        got = (facts.get(self.field) or "").strip()
        if self.test == "min":
            try:
                return float(got) >= float(self.value[0])
            except ValueError:
                return False
        values = [v for v in got.split(";") if v]
        return any(v in self.value for v in values)

    def summary(self) -> str:
        return f"{self.rule_id} ({self.criterion}): {self.text}"


def _read(path: Path, shown: str) -> tuple[list[tuple[int, dict]], list[Problem]]:
    if not path.exists():
        return [], [Problem(shown, 0, "-", "file is missing (restore it from version control)")]
    try:
        return dict_rows(path, shown), []
    except DataValidationError as error:
        return [], list(error.problems)
    except ValueError as error:
        return [], [Problem(shown, int(str(error).split(":")[1]), "-", str(error).split(": ", 1)[1])]


def read_rules(data_dir: str | Path) -> tuple[list[Rule], list[Problem]]:
    """The rules of ``eligibility_rules.csv``; problems for an unknown test or field."""
    folder = Path(data_dir)
    shown = f"{folder.name}/{RULES_FILE}"
    rows, problems = _read(folder / RULES_FILE, shown)
    rules = []
    for line, r in rows:
        if r.get("test") not in TESTS:
            problems.append(Problem(shown, line, "test", f"test {r.get('test')!r} is not allowed (choose one of "
                                    f"{', '.join(TESTS)})"))
            continue
        if r.get("field") not in ASSESSMENT_FIELDS:
            problems.append(Problem(shown, line, "field", f"field {r.get('field')!r} is not an assessment column "
                                    f"(choose one of {', '.join(ASSESSMENT_FIELDS)})"))
            continue
        rules.append(Rule(r["rule_id"], r["criterion"], r["field"], r["test"], tuple(r["value"].split(";")),
                          tuple(r["reason"].split(";")), r["text"]))
    return rules, problems


def failed_rules(rules: list[Rule], facts: dict[str, str]) -> list[Rule]:
    """The rules that ``facts`` (one assessment row) do not meet."""
    return [rule for rule in rules if not rule.passes(facts)]


def _reported(studies: list[dict], outcome: str) -> bool:
    if outcome == "AE":
        return any(s.get("_has_ae") for s in studies)
    if any(outcome in s.get("_landmarks", ()) for s in studies):
        return True  # a landmark survival rate reports PFS or OS as well as a median does
    return any((s.get(c) or "").strip() for s in studies for c in OUTCOME_COLUMNS[outcome])


def check_decisions(data_dir: str | Path | None = None) -> list[Problem]:
    """Every disagreement between the screening decisions and the eligibility rules.

    Parameters
    ----------
    data_dir : the data folder (default: the project's ``data/``).

    Returns
    -------
    list of Problem, ``FILE:LINE: column: what is wrong (how to fix)``; empty when every
    full-text decision follows the rules.
    """
    if data_dir is None:
        from living_review.core.paths import data_dir as default_dir

        data_dir = default_dir()
    folder = Path(data_dir)
    rules, problems = read_rules(folder)
    shown_a, shown_s = f"{folder.name}/{ASSESSMENTS_FILE}", f"{folder.name}/{SCREENING_FILE}"
    facts_rows, found = _read(folder / ASSESSMENTS_FILE, shown_a)
    log_rows, found2 = _read(folder / SCREENING_FILE, shown_s)
    study_rows, found3 = _read(folder / "studies.csv", f"{folder.name}/studies.csv")
    ae_rows, found4 = _read(folder / "adverse_events.csv", f"{folder.name}/adverse_events.csv")
    lm_rows, found5 = _read(folder / "landmarks.csv", f"{folder.name}/landmarks.csv")
    problems += found + found2 + found3 + found4 + found5
    with_ae = {r["study_id"] for _, r in ae_rows}
    landmarks: dict[str, set[str]] = {}
    for _, r in lm_rows:
        landmarks.setdefault(r["study_id"], set()).add(r.get("endpoint", ""))
    studies = {r["study_id"]: {**r, "_has_ae": r["study_id"] in with_ae, "_landmarks": landmarks.get(r["study_id"], set())}
               for _, r in study_rows}
    facts = {r["record_id"]: (line, r) for line, r in facts_rows}
    for line, row in log_rows:
        if row.get("stage") != "full_text":
            continue
        rid, decision = row["record_id"], row["decision"]
        if decision == "not_retrieved":
            continue  # nothing was read, so no rule can be checked
        if rid not in facts:
            problems.append(Problem(shown_s, line, "record_id", f"{rid!r} has no row in {ASSESSMENTS_FILE} (add "
                                    "its facts so the rules can be checked)"))
            continue
        fline, f = facts[rid]
        failed = failed_rules(rules, f)
        if decision in ("include", "previously_included") and failed:
            problems.append(Problem(shown_s, line, "decision", f"{rid!r} is {decision} but breaks "
                                    + "; ".join(r.summary() for r in failed)
                                    + " (exclude it with that reason, or correct its facts)"))
        if decision == "exclude":
            if not failed:
                problems.append(Problem(shown_s, line, "decision", f"{rid!r} is excluded ({row.get('reason')}) but "
                                        "meets every eligibility rule (include it, or record the fact that fails)"))
            elif row.get("reason") not in {x for r in failed for x in r.reasons}:
                problems.append(Problem(shown_s, line, "reason", f"reason {row.get('reason')!r} is not the reason "
                                        f"of a rule {rid!r} fails (use one of "
                                        f"{', '.join(sorted({x for r in failed for x in r.reasons}))})"))
        if decision in ("include", "previously_included"):
            cohorts = [studies[s] for s in row.get("study_ids", "").split(";") if s in studies]
            claimed = {o for o in (f.get("outcomes") or "").split(";") if o}
            for outcome in ("ORR", "DCR", "PFS", "OS", "AE"):
                if (outcome in claimed) != _reported(cohorts, outcome):
                    state = "lists" if outcome in claimed else "omits"
                    problems.append(Problem(shown_a, fline, "outcomes", f"{rid!r} {state} {outcome}, which its "
                                            "cohorts in studies.csv do" + ("n't" if outcome in claimed else "")
                                            + " report (make the two agree)"))
    return problems


def rules_table(data_dir: str | Path | None = None):
    """The rules as a display table (Rule, Criterion, Requirement, Exclusion reason)."""
    import pandas as pd

    if data_dir is None:
        from living_review.core.paths import data_dir as default_dir

        data_dir = default_dir()
    rules, _ = read_rules(data_dir)
    return pd.DataFrame([{"Rule": r.rule_id, "Criterion": r.criterion, "Requirement": r.text,
                          "Exclusion reason": ", ".join(r.reasons)} for r in rules])
