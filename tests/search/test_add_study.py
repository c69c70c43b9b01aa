"""living-review add-study: skeleton rows of a new cohort from its screening record."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from living_review.cli import main
from tests.search.test_cli_search import RIS_FULL

ROOT = Path(__file__).resolve().parents[2]


def test_skeleton_rows_from_an_imported_record(project, tmp_path, capsys):
    export = tmp_path / "embase.ris"
    export.write_text(RIS_FULL, encoding="utf-8")
    assert main(["search", "import", str(export), "--search-date", "2025-06-01"]) == 0
    assert main(["add-study", "embase-00001", "sparano2021x", "--out-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    (row,) = csv.DictReader((tmp_path / "sparano2021x.studies.csv").open(encoding="utf-8"))
    assert (row["first_author"], row["year"], row["doi"], row["label"]) == ("Sparano C", "2021",
                                                                            "10.1530/erc-20-0106", "Sparano 2021")
    assert row["citation"] == "Endocr Relat Cancer 2021;28(1):15-26" and row["identifier_status"] == "reported"
    schema = next(r for r in json.loads((ROOT / "data" / "datapackage.json").read_text())["resources"]
                  if r["name"] == "studies")["schema"]["fields"]
    required = [f["name"] for f in schema if (f.get("constraints") or {}).get("required")]
    assert all(row[name] for name in required)  # each required field is filled or marked FILL
    assert row["design"].startswith("FILL: one of prospective_trial") and "data/studies.csv: design:" in out
    (elig,) = csv.DictReader((tmp_path / "sparano2021x.eligibility_assessments.csv").open(encoding="utf-8"))
    assert elig["record_id"] == "embase-00001" and elig["population"].startswith("FILL")


def test_unknown_record_and_existing_study(project, capsys, tmp_path):
    assert main(["add-study", "nosuch", "x2025", "--out-dir", str(tmp_path)]) == 1
    assert "no record 'nosuch'" in capsys.readouterr().err
    assert main(["add-study", "rec-kim2021", "kim2021", "--out-dir", str(tmp_path)]) == 1
    assert "already has a row" in capsys.readouterr().err
