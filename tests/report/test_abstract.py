"""Tests for living_review.report.abstract: the front page's structured abstract.

Every number of the abstract must be the one the summary of findings prints: the chapter's values
are computed here as the chapter computes them (its rows with the survival chapter's medians read
through ``read_medians``, worded by ``glue_texts``), and each abstract value is held to them.
"""

from __future__ import annotations

import re

import pytest

from living_review.core.paths import project_root
from living_review.report import abstract as ab
from living_review.analyses import selection
from living_review.analyses import summary_of_findings as sof
from living_review.analyses import survival_source as ss


@pytest.fixture(scope="module")
def abstract(ev, settings):
    return ab.build_abstract(ev, settings)


@pytest.fixture(scope="module")
def chapter(ev, settings):
    """The summary of findings' glued values, computed as notebooks/01_summary_of_findings.md computes them."""
    cohorts = selection.select_cohorts(ev.studies)
    medians = {ep: ss.read_medians(cohorts, ep, settings) for ep in ("PFS", "OS")}
    rows = sof.build_summary(ev, settings, medians=medians)
    texts = sof.glue_texts(rows, settings.meta_analysis.level)
    texts.update(n_cohorts=str(len(cohorts)), n_patients=str(int(cohorts["n_enrolled"].sum())))
    return texts


def test_every_number_of_the_abstract_is_the_summary_of_findings_number(abstract, chapter):
    shared = {k: v for k, v in abstract.values.items() if k in chapter}
    assert set(shared) >= {"est_orr", "est_dcr", "est_pfs_median", "est_os_median", "est_os_12m", "est_ae_top",
                           "cert_orr", "cert_os_12m", "n_cohorts", "n_patients"}
    for name, text in shared.items():
        assert text == chapter[name], name


def test_the_paragraphs_print_every_value_they_are_built_from(abstract):
    body = " ".join([abstract.results, abstract.methods, abstract.conclusions])
    for name, text in abstract.values.items():
        assert text in body, name
    # every number printed in the results paragraph is one of those values (none written by hand)
    allowed = " ".join(abstract.values.values())
    for number in re.findall(r"\d+(?:\.\d+)?", abstract.results):
        assert number in allowed or number == "3", number  # "grade ≥3"


def test_the_abstract_has_its_structure_and_grade_wording(abstract, ev):
    assert "GRADE" in abstract.methods and "JBI" in abstract.methods
    assert "2023-09-03" in abstract.methods  # the previous version's search date (search_strategy.yaml)
    assert "2026-12-01" in abstract.methods  # this update's latest hand search
    n_full = int((ev.studies["source_level"] == "full_text").sum())
    assert f"{n_full} was read in full text" in abstract.methods
    # conclusions in GRADE's informative-statement wording for a non-comparative estimate: how
    # many patients have the outcome, never that the treatment causes it (no comparator)
    assert "The evidence is very uncertain about" in abstract.conclusions
    assert "result in" not in abstract.conclusions and "results in" not in abstract.conclusions
    assert "alive at 12 months" in abstract.conclusions


def test_release_text():
    assert ab.release_text("1.3.0.dev0", "2026-12-01", "1.3.0.dev0", ["1.1.0", "1.2.0"]) == (
        "Version 1.3.0.dev0 is a development build, not a citable release; the latest release is version 1.2.0")
    assert ab.release_text("1.3.0", "2027-01-15", "1.3.0", []) == "Version 1.3.0, released 2027-01-15"
    assert ab.release_text("1.3.0", "2027-01-15", "1.2.0", []) == "Version 1.3.0 (release date not recorded)"


def test_the_front_page_glues_the_abstract_and_the_summary_glues_the_same_texts():
    index = (project_root() / "book" / "index.md").read_text(encoding="utf-8")
    assert "build_abstract(load_evidence(), load_settings())" in index
    for part in ("background", "methods", "results", "conclusions", "version"):
        assert f"{{glue:text}}`abstract_{part}`" in index
    assert index.index("## Abstract") < index.index("## This version")
    summary = (project_root() / "notebooks" / "01_summary_of_findings.md").read_text(encoding="utf-8")
    assert "sof.build_summary(evidence, settings, medians=survival_medians)" in summary
    assert "sof.glue_texts(rows, level)" in summary
