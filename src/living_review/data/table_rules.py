"""The checks across the rows of the evidence tables, each with the tables it checks and reads.

A rule *checks* some tables (``subjects``: a table whose numbers it vouches for) and *reads*
others (``needs``: a cross-table check, such as the study ids of ``studies.csv`` for a
table that refers to them). :func:`living_review.data.evidence.validate` runs every rule;
a table loaded on first access (:func:`living_review.data.evidence.load_evidence`) runs
the rules that check it, after reading every table they need, so that a chapter which
uses one table reads, and depends on, that table and the tables its checks need, and no
other.

Every rule is a function ``check(tables, shown)`` of the typed rows of its tables
(``{name: [(line, values), ...]}``) and their file names as messages show them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from living_review.core.problems import Problem
from living_review.data import certainty_history, comparisons, links, quote_judgements, quotes, risk_of_bias, rules

Row = tuple[int, dict[str, Any]]
Tables = dict[str, list[Row]]
Check = Callable[[Tables, dict[str, str]], list[Problem]]
#: tables whose ``notes`` may refer to discrepancies (``Dnn``)
NOTED = ("studies", "landmarks", "adverse_events", "comparisons")
#: tables whose locator columns cite sources (``S-n``, ``P-n``)
CITED = ("studies", "landmarks", "adverse_events", "discrepancies", "previous_version_results", "risk_of_bias",
         "comparisons", "comparative_certainty", "single_arm_certainty", "biomarkers", "quotes")
#: tables whose rows refer to a cohort of ``studies.csv`` by ``study_id``
REFERRING = ("landmarks", "adverse_events", "discrepancies", "previous_version_inputs", "comparisons", "biomarkers")


@dataclass(frozen=True)
class Rule:
    """One check: the tables it vouches for, the tables it reads, and the check itself."""

    subjects: tuple[str, ...]
    needs: tuple[str, ...]
    check: Check


def _referential(name: str, column: str = "study_id") -> Rule:
    return Rule((name,), (name, "studies"),
                lambda t, f: links.referential(f[name], t[name], t["studies"], column=column))


def _discrepancy_notes(name: str) -> Rule:
    return Rule((name,), (name, "discrepancies"),
                lambda t, f: links.discrepancy_references({f[name]: t[name]}, t["discrepancies"]))


def _source_codes(name: str) -> Rule:
    return Rule((name,), (name, "sources"), lambda t, f: links.source_codes({f[name]: t[name]}, t["sources"]))


def _risk_of_bias() -> Rule:
    return Rule(("risk_of_bias",), ("risk_of_bias", "studies", "comparisons"),
                lambda t, f: risk_of_bias.rob_rules(f["risk_of_bias"], t["risk_of_bias"], f["studies"],
                                                    t["studies"], f["comparisons"], t["comparisons"]))


def _comparative_certainty() -> Rule:
    return Rule(("comparative_certainty",), ("comparative_certainty", "comparisons", "risk_of_bias"),
                lambda t, f: comparisons.certainty_rules(f["comparative_certainty"], t["comparative_certainty"],
                                                         t["comparisons"], t["risk_of_bias"]))


def _quotes() -> tuple[Rule, ...]:
    # a value that contradicts its quote stops the first use of the studies, as any other error of theirs
    return (
        Rule(("studies", "quotes"), ("studies", "quotes", "discrepancies"), lambda t, f: quotes.value_rules(
            f["quotes"], t["quotes"], f["studies"], t["studies"], t["discrepancies"])),
        Rule(("discrepancies", "quotes"), ("discrepancies", "quotes"), lambda t, f: quotes.correction_rules(
            f["discrepancies"], t["discrepancies"], t["quotes"])),
        Rule(("quotes",), ("quotes", "risk_of_bias"), lambda t, f: quote_judgements.judgement_rules(
            f["quotes"], t["quotes"], f["risk_of_bias"], t["risk_of_bias"])),
    )


RULES: tuple[Rule, ...] = (
    Rule(("studies",), ("studies",), lambda t, f: rules.study_rules(f["studies"], t["studies"])),
    Rule(("landmarks",), ("landmarks",), lambda t, f: rules.landmark_rules(f["landmarks"], t["landmarks"])),
    Rule(("adverse_events",), ("adverse_events",),
         lambda t, f: rules.event_rules(f["adverse_events"], t["adverse_events"], "events", "denominator")),
    Rule(("previous_version_inputs",), ("previous_version_inputs",),
         lambda t, f: rules.previous_version_rules(f["previous_version_inputs"], t["previous_version_inputs"])),
    Rule(("comparisons",), ("comparisons", "studies"),
         lambda t, f: comparisons.comparison_rules(f["comparisons"], t["comparisons"], t["studies"])),
    *(_referential(name) for name in REFERRING),
    _referential("discrepancies", "related_study_id"),
    Rule(("studies", "discrepancies"), ("studies", "discrepancies"),
         lambda t, f: links.overlap(f["studies"], t["studies"], f["discrepancies"], t["discrepancies"])),
    Rule(("previous_version_inputs",), ("previous_version_inputs", "studies"),
         lambda t, f: links.previous_version(f["previous_version_inputs"], t["previous_version_inputs"],
                                             f["studies"], t["studies"])),
    Rule(("adverse_events",), ("adverse_events", "studies"),
         lambda t, f: links.adverse_denominators(f["adverse_events"], t["adverse_events"], t["studies"])),
    _risk_of_bias(),
    _comparative_certainty(),
    Rule(("previous_certainty",), ("previous_certainty",),
         lambda t, f: certainty_history.previous_certainty_rules(f["previous_certainty"], t["previous_certainty"])),
    *_quotes(),
    *(_discrepancy_notes(name) for name in NOTED),
    *(_source_codes(name) for name in CITED),
)


def rules_for(name: str) -> tuple[Rule, ...]:
    """The rules that check table ``name``."""
    return tuple(rule for rule in RULES if name in rule.subjects)


def needed(name: str) -> tuple[str, ...]:
    """``name`` and every table a rule that checks it reads, in first-needed order."""
    found = [name]
    for rule in rules_for(name):
        found += [n for n in rule.needs if n not in found]
    return tuple(found)


def run(selected: tuple[Rule, ...], tables: Tables, shown: dict[str, str]) -> list[Problem]:
    """The problems the ``selected`` rules find.

    A ``studies.csv`` that holds only its header is reported there, once (as an empty table);
    the rules of other tables that check their rows against the studies are then not run, so
    that the one cause is not reported as an unknown study at every row that names one.
    """
    out: list[Problem] = []
    no_studies = "studies" in tables and not tables["studies"]
    for rule in selected:
        if no_studies and "studies" in rule.needs and "studies" not in rule.subjects:
            continue
        out += rule.check(tables, shown)
    return out
