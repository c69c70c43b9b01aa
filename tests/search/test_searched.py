"""What the pages say was searched is computed from the records, runs and imports
(living_review.search.searched), so it agrees with the PRISMA diagram."""

from __future__ import annotations

import shutil
from pathlib import Path

from living_review.cli import main
from living_review.search.searched import (completeness_sentence, identification_sentence, search_limitation,
                                           searched_sources, with_searched)

ROOT = Path(__file__).resolve().parents[2]
RIS = """TY  - JOUR
DB  - Embase
TI  - A new cohort of lenvatinib in anaplastic thyroid cancer
AU  - Rossi, B.
PY  - 2025
ER  - 
"""


def test_this_update_without_a_database_says_so():
    assert searched_sources(ROOT / "data" / "search") == []
    assert identification_sentence([], 0).startswith("This update did not search a bibliographic database")
    assert completeness_sentence([]).startswith("Because no database was searched")


def test_an_imported_export_reaches_the_methods_changelog_and_chapter(tmp_path, monkeypatch, capsys):
    root = tmp_path / "p"
    shutil.copytree(ROOT / "data", root / "data")
    shutil.copy(ROOT / "_toc.yml", root / "_toc.yml")
    monkeypatch.setenv("LIVING_REVIEW_ROOT", str(root))
    export = tmp_path / "embase.ris"
    export.write_text(RIS, encoding="utf-8")
    assert main(["search", "import", str(export), "--search-date", "2025-06-01"]) == 0
    folder = root / "data" / "search"
    (found,) = searched_sources(folder)
    assert (found["name"], found["search_date"], found["n_records"], found["kind"]) == ("Embase", "2025-06-01", 1,
                                                                                      "database")
    assert found["terms"] == "export imported (embase.ris)"

    from living_review.report.changelog_report import search_sentences
    from living_review.report.methods_report import load_search_strategy, update_search_table

    strategy = load_search_strategy(folder / "search_strategy.yaml")
    table = update_search_table(strategy)
    assert table.iloc[0].tolist() == ["Embase", "Databases", "2025-06-01", "export imported (embase.ris)"]
    sentence = search_sentences(root)["update"]
    assert sentence.startswith("The update rests on Embase (2025-06-01), hand search")
    assert "No bibliographic database" not in sentence
    text = identification_sentence(strategy.update["databases"], 1)
    assert text == ("This update searched 1 database or register: Embase (2025-06-01); the databases-and-registers "
                    "column holds 1 record.")
    assert "Embase" in search_limitation(strategy.update["databases"])
    assert with_searched({"databases": [{"name": "embase", "search_date": "2025-06-01"}]}, folder)["databases"] == [
        {"name": "embase", "search_date": "2025-06-01"}]
