"""A maintainer's update as the README describes it: a database export with one duplicate of an
included study and one new cohort, imported, de-duplicated, screened by two reviewers; then
the counts, the statements of what was searched and the skeleton rows of the new cohort."""

from __future__ import annotations

import io
import json

import pytest

from living_review.cli import main

EXPORT = """TY  - JOUR
DB  - Embase
TI  - Limited efficacy of lenvatinib in heavily pretreated anaplastic thyroid cancer: a French overview
AU  - Sparano, C.
AU  - Godbert, Y.
PY  - 2021
JO  - Endocr Relat Cancer
DO  - 10.1530/ERC-20-0106
ER  - 

TY  - JOUR
DB  - Embase
TI  - Lenvatinib in anaplastic thyroid cancer: a new multicentre cohort
AU  - Rossi, B.
AU  - Bianchi, C.
PY  - 2025
JO  - Thyroid
VL  - 35
IS  - 4
SP  - 401
EP  - 409
ER  - 
"""


def test_an_update_with_a_database_export(project, tmp_path, capsys, monkeypatch):
    export = tmp_path / "embase.ris"
    export.write_text(EXPORT, encoding="utf-8")
    assert main(["search", "import", str(export), "--search-date", "2025-06-01"]) == 0
    assert main(["search", "dedupe"]) == 0
    out = capsys.readouterr().out
    assert "1 duplicate removed (by rule: doi 1)" in out  # the export's copy of an included study
    for who in ("AB", "CD"):  # the new cohort is included at title/abstract by both
        monkeypatch.setattr("sys.stdin", io.StringIO("i\nq\n"))
        assert main(["screen", "--reviewer", who, "--date", "2025-06-02"]) == 0
    capsys.readouterr()
    # mid-screening (full text not yet assessed): the counts build and say so
    assert main(["prisma", "--json"]) == 0
    counts = json.loads(capsys.readouterr().out)
    assert counts["database_specific_results"] == {"Embase": 2} and counts["duplicates"] == 1
    assert (counts["records_screened"], counts["reports_awaiting_assessment"]) == (1, 1)
    assert counts["awaiting_ids"] == ["embase-00002"]

    from living_review.report.changelog_report import search_sentences
    from living_review.report.methods_report import load_search_strategy

    root = project.parents[1]
    assert search_sentences(root)["update"].startswith("The update rests on Embase (2025-06-01)")
    assert [d["name"] for d in load_search_strategy(project / "search_strategy.yaml").update["databases"]] == [
        "Embase"]

    assert main(["add-study", "embase-00002", "rossi2025", "--out-dir", str(tmp_path)]) == 0
    skeleton = (tmp_path / "rossi2025.studies.csv").read_text(encoding="utf-8")
    assert "Rossi B" in skeleton and "Thyroid 2025;35(4):401-409" in skeleton


@pytest.fixture(autouse=True)
def _no_email(monkeypatch):
    monkeypatch.delenv("NCBI_EMAIL", raising=False)
