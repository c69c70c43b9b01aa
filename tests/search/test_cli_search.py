"""Tests of ``living-review search import`` and ``living-review search dedupe`` (living_review.cli.search)."""

from __future__ import annotations

import pandas as pd

from living_review.cli import main

RIS = """TY  - JOUR
TI  - Real-world experience of lenvatinib in patients with advanced anaplastic thyroid cancer
AU  - Kim, M
PY  - 2021
DO  - https://doi.org/10.1007/s12020-020-02425-y
ER  - 
"""
MEDLINE = """PMID- 33112817
TI  - Limited efficacy of lenvatinib in heavily pretreated anaplastic thyroid cancer: a
      French overview.
AU  - Sparano C
DP  - 2021 Jan
LID - 10.1530/ERC-20-0106 [doi]
"""
CSV = ("title,authors,year,doi\n"
       "REAL-WORLD EXPERIENCE OF LENVATINIB IN PATIENTS WITH ADVANCED ANAPLASTIC THYROID CANCER,Kim M,2021,\n")


def test_import_then_dedupe(tmp_path, capsys):
    for name, text in (("embase.ris", RIS), ("pubmed.nbib", MEDLINE), ("wos.csv", CSV)):
        (tmp_path / name).write_text(text, encoding="utf-8")
    out = tmp_path / "records.csv"
    assert main(["search", "import", str(tmp_path / "embase.ris"), str(tmp_path / "pubmed.nbib"),
                 "--search-date", "2025-06-01", "--source", "Embase", "--out", str(out)]) == 0
    # A second import appends to the table.
    assert main(["search", "import", str(tmp_path / "wos.csv"), "--search-date", "2025-06-02",
                 "--source", "Web of Science", "--out", str(out)]) == 0
    table = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert table.record_id.tolist() == ["embase-00001", "pubmed-00001", "wos-00001"]
    assert table.source.tolist() == ["Embase", "Embase", "Web of Science"]
    # Importing the same file again collides on record ids: an error, not a silent merge.
    assert main(["search", "import", str(tmp_path / "wos.csv"), "--search-date", "2025-06-02",
                 "--source", "Web of Science", "--out", str(out)]) == 1
    assert "more than once" in capsys.readouterr().err
    log = tmp_path / "merge.csv"
    assert main(["search", "dedupe", "--records", str(out), "--merge-log", str(log)]) == 0
    merged = pd.read_csv(log, dtype=str)
    assert merged[["removed_id", "kept_id", "rule"]].values.tolist() == [["wos-00001", "embase-00001", "title"]]
    assert "3 records -> 2 kept" in capsys.readouterr().out


def test_import_error_names_file_and_line(tmp_path, capsys):
    bad = tmp_path / "bad.ris"
    bad.write_text(RIS.replace("PY  - 2021", "PY - 2021"), encoding="utf-8")
    assert main(["search", "import", str(bad), "--search-date", "2025-06-01", "--out", str(tmp_path / "r.csv")]) == 1
    assert "bad.ris:4:" in capsys.readouterr().err


def test_import_appends_and_keeps_existing_lines_byte_for_byte(tmp_path):
    (tmp_path / "embase.ris").write_text(RIS, encoding="utf-8")
    (tmp_path / "wos.csv").write_text(CSV, encoding="utf-8")
    out = tmp_path / "records.csv"
    assert main(["search", "import", str(tmp_path / "embase.ris"), "--search-date", "2025-06-01",
                 "--source", "Embase", "--out", str(out)]) == 0
    # a hand-kept table in CRLF with its own column order
    table = pd.read_csv(out, dtype=str, keep_default_na=False)
    before = table[list(reversed(table.columns))].to_csv(index=False, lineterminator="\r\n").encode()
    out.write_bytes(before)
    assert main(["search", "import", str(tmp_path / "wos.csv"), "--search-date", "2025-06-02",
                 "--source", "Web of Science", "--out", str(out)]) == 0
    after = out.read_bytes()
    assert after.startswith(before) and after.count(b"\r\n") == 3
    assert pd.read_csv(out, dtype=str).record_id.tolist() == ["embase-00001", "wos-00001"]


def test_dedupe_names_the_file_line_of_a_bad_record(tmp_path, capsys):
    (tmp_path / "embase.ris").write_text(RIS, encoding="utf-8")
    out = tmp_path / "records.csv"
    assert main(["search", "import", str(tmp_path / "embase.ris"), "--search-date", "2025-06-01",
                 "--source", "Embase", "--out", str(out)]) == 0
    table = pd.read_csv(out, dtype=str, keep_default_na=False)
    rows = pd.concat([table.assign(record_id=f"r{i}", title=f"T{i}\nsecond line" if i == 1 else f"T{i}")
                      for i in range(4)])
    rows.iloc[3, rows.columns.get_loc("search_date")] = "yesterday"
    rows.to_csv(out, index=False)
    assert main(["search", "dedupe", "--records", str(out)]) == 1
    # header, r0, r1 (two lines), r2, then r3 on line 6
    assert "records.csv:6: (r3): search_date 'yesterday'" in capsys.readouterr().err


def test_unclosed_quote_is_reported_where_it_opens(tmp_path, capsys):
    rayyan = tmp_path / "rayyan.csv"
    rayyan.write_text('title,authors,year\n"Good one",A,2020\n"Broken title, never closed,B,2021\nNext,C,2022\n'
                      "More,D,2023\n", encoding="utf-8")
    assert main(["search", "import", str(rayyan), "--search-date", "2025-06-01", "--source", "Embase",
                 "--out", str(tmp_path / "r.csv")]) == 1
    assert "rayyan.csv:3: a quote opened on this line is never closed" in capsys.readouterr().err
    header = "record_id,source,search_date,title,authors,year,journal,doi,pmid,abstract,origin,registry_ids\n"
    records = tmp_path / "records.csv"
    records.write_text(header + "r1,Embase,2025-01-01,T1,,,,,,,,\nr2,Embase,2025-01-01,\"T2 open,,,,,,,,\n"
                       "r3,Embase,2025-01-01,T3,,,,,,,,\n", encoding="utf-8")
    assert main(["search", "dedupe", "--records", str(records), "--merge-log", str(tmp_path / "m.csv")]) == 1
    assert "records.csv:3: a quote opened on this line is never closed" in capsys.readouterr().err


def test_duplicate_record_id_is_reported_at_its_second_line(tmp_path, capsys):
    header = "record_id,source,search_date,title,authors,year,journal,doi,pmid,abstract,origin,registry_ids\n"
    records = tmp_path / "records.csv"
    records.write_text(header + "r1,Embase,2025-01-01,T1,,,,,,,,\nr2,Embase,2025-01-01,\"T2\nsecond line\",,,,,,,,\n"
                       "r1,Embase,2025-01-01,T3,,,,,,,,\n", encoding="utf-8")
    assert main(["search", "dedupe", "--records", str(records), "--merge-log", str(tmp_path / "m.csv")]) == 1
    assert "records.csv:5: record_id 'r1' used more than once (first on line 2)" in capsys.readouterr().err


RIS_FULL = """TY  - JOUR
DB  - Embase
TI  - Limited efficacy of lenvatinib in heavily pretreated anaplastic thyroid cancer
AU  - Sparano, C.
AU  - Godbert, Y.
PY  - 2021
JO  - Endocr Relat Cancer
VL  - 28
IS  - 1
SP  - 15
EP  - 26
DO  - 10.1530/ERC-20-0106
ER  - 
"""


def test_an_export_already_imported_is_recognised_by_content(tmp_path, capsys):
    export = tmp_path / "embase.ris"
    export.write_text(RIS_FULL, encoding="utf-8")
    out = tmp_path / "records.csv"
    assert main(["search", "import", str(export), "--search-date", "2025-06-01", "--out", str(out)]) == 0
    assert "1 record added" in capsys.readouterr().out
    table = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert table.authors.tolist() == ["Sparano, C.; Godbert, Y."]
    assert table.origin.tolist() == ["embase.ris:1; cited as Endocr Relat Cancer 2021;28(1):15-26"]
    before = out.read_bytes()
    copy = tmp_path / "embase-copy-renamed.ris"
    copy.write_bytes(export.read_bytes())
    import datetime as dt

    today = dt.date.today().isoformat()
    for again in (export, copy):
        assert main(["search", "import", str(again), "--search-date", "2025-06-01", "--out", str(out)]) == 1
        assert f"already imported on {today}" in capsys.readouterr().err
    assert out.read_bytes() == before

    from living_review.data.bibliography import _fields

    fields, problem = _fields({"study_id": "s", "first_author": "Sparano", "year": "2021"}, table.iloc[0].to_dict())
    assert problem is None and fields["author"] == "Sparano, C and Godbert, Y and others"
