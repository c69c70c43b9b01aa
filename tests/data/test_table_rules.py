"""Tests for living_review.data.table_rules: each cross-table check names what it checks and reads."""

from __future__ import annotations

from living_review.data import table_rules
from living_review.data.schema import RESOURCE_NAMES


def test_every_rule_reads_what_it_checks_and_names_only_tables():
    for rule in table_rules.RULES:
        assert set(rule.subjects) <= set(rule.needs) <= set(RESOURCE_NAMES), rule


def test_a_table_needs_the_tables_its_checks_read_and_no_other():
    assert table_rules.needed("sources") == ("sources",)
    assert set(table_rules.needed("adverse_events")) == {"adverse_events", "studies", "discrepancies", "sources"}
    # since 1.3.0 the studies' values are checked against their quotes when the studies are first used
    assert set(table_rules.needed("studies")) == {"studies", "discrepancies", "sources", "quotes"}
    assert "adverse_events" not in table_rules.needed("discrepancies")
    assert set(table_rules.needed("risk_of_bias")) >= {"risk_of_bias", "studies", "comparisons", "sources"}


def test_every_table_but_the_sources_has_a_rule():
    checked = {name for rule in table_rules.RULES for name in rule.subjects}
    assert set(RESOURCE_NAMES) - checked == {"sources"}


def test_run_gives_the_problems_of_the_selected_rules(data_copy):
    from living_review.data.evidence import _read_table
    from living_review.data.schema import read_schema

    line = data_copy.set("adverse_events.csv", "kim2021", "denominator", "15")
    schema, _ = read_schema(data_copy.dir)
    tables = {n: _read_table(data_copy.dir, schema, n)[0] for n in table_rules.needed("adverse_events")}
    shown = {n: f"data/{schema.resources[n].path}" for n in tables}
    found = table_rules.run(table_rules.rules_for("adverse_events"), tables, shown)
    assert ("data/adverse_events.csv", line, "denominator") in {(p.file, p.line, p.column) for p in found}
    assert table_rules.run(table_rules.rules_for("sources"), tables, shown) == []
