"""A study added to the data only (no hand-written bibliography entry) is cited without a warning.

Slow: builds the HTML book once from a project copy with one study more, added as the
README's "How to add a study" says (studies, risk of bias, search record and screening
log, eligibility facts), and nothing added to ``book/references.bib``.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tests.book.conftest import build, copy_project

pytestmark = pytest.mark.slow

NEW = "smith2026_mtc"
TITLE = "Sorafenib in medullary thyroid cancer: a cohort"


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def _write(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def add_study(data: Path) -> None:
    """An MTC cohort modelled on ito2017_mtc, with its own identity, search record and screening decision."""
    studies = _rows(data / "studies.csv")
    header = studies[0]
    row = list(next(r for r in studies if r[0] == "ito2017_mtc"))
    for column, value in {"study_id": NEW, "label": "Smith 2026 (MTC)", "first_author": "Smith AB", "year": "2026",
                          "pub_date": "2026-01", "citation": "Thyroid 2026;36(1):1-8", "doi": "", "pmid": "",
                          "identifier_status": "citation_only", "in_previous_version": "false"}.items():
        row[header.index(column)] = value
    _write(data / "studies.csv", studies + [row])
    bias = _rows(data / "risk_of_bias.csv")
    sid = bias[0].index("study_id")
    _write(data / "risk_of_bias.csv", bias + [[*r[:sid], NEW, *r[sid + 1:]] for r in bias if r[sid] == "ito2017_mtc"])
    records = _rows(data / "search" / "records.csv")
    record = dict.fromkeys(records[0], "")
    record.update(record_id="rec-smith2026", source="hand search", search_date="2026-11-21", title=TITLE,
                  authors="Smith AB; Doe J", year="2026", journal="Thyroid", origin="hand search of Thyroid")
    _write(data / "search" / "records.csv", records + [[record[c] for c in records[0]]])
    facts = _rows(data / "search" / "eligibility_assessments.csv")
    fact = dict.fromkeys(facts[0], "")
    fact.update(record_id="rec-smith2026", population="other_histology", patients="8", antiangiogenic_tki="true",
                outcomes="ORR;DCR", bibliographic_record="citation", report_type="primary",
                source="Smith 2026 abstract (hand search)")
    _write(data / "search" / "eligibility_assessments.csv", facts + [[fact[c] for c in facts[0]]])
    log = _rows(data / "search" / "screening_log.csv")
    _write(data / "search" / "screening_log.csv", log + [["rec-smith2026", "full_text", "include", "", NEW,
                                                          "2026-11-21", ""]])


def test_a_study_added_to_the_data_only_builds_without_a_bibtex_warning(tmp_path):
    root = copy_project(tmp_path / "project")
    add_study(root / "data")
    assert NEW not in (root / "book" / "references.bib").read_text(encoding="utf-8")
    result = build(root, "html")
    log = result.stdout + result.stderr
    assert result.returncode == 0, log[-4000:]
    assert not [line for line in log.splitlines() if "WARNING" in line and ("bibtex" in line or "citation" in line)]
    generated = (root / "_build" / "bibliography" / "studies.bib").read_text(encoding="utf-8")
    assert f"@article{{{NEW}," in generated and TITLE in generated
    page = (root / "_build" / "html" / "notebooks" / "04_search_and_selection.html").read_text(encoding="utf-8")
    assert "Smith" in page and TITLE in page
    assert NEW not in (root / "book" / "references.bib").read_text(encoding="utf-8")  # nothing written there
