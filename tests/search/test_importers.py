"""Tests of the search-export importers (living_review.search.importers)."""

from __future__ import annotations

import pytest

from living_review.search.importers import detect_format, import_files, read_csv_export, read_medline
from living_review.search.ris import read_ris

# Bibliographic data of seeds S-1 (Sparano 2021) and S-2 (Ito 2017), as printed in the seeds.
RIS = """TY  - JOUR
DB  - Embase
TI  - Limited efficacy of lenvatinib in heavily pretreated anaplastic thyroid cancer:
  a French overview
AU  - Sparano, Clotilde
AU  - Godbert, Yann
PY  - 2021
JO  - Endocrine-related cancer
DO  - https://doi.org/10.1530/ERC-20-0106
N1  - PMID: 33112817
ER  - 

TY  - JOUR
DB  - Embase
TI  - Sorafenib in Japanese Patients with Locally Advanced or Metastatic Medullary Thyroid Carcinoma and Anaplastic Thyroid Carcinoma
AU  - Ito, Yasuhiro
PY  - 2017
DO  - doi:10.1089/thy.2016.0621
ER  - 
"""

MEDLINE = """PMID- 28635560
TI  - Sorafenib in Japanese Patients with Locally Advanced or Metastatic Medullary
      Thyroid Carcinoma and Anaplastic Thyroid Carcinoma.
FAU - Ito, Yasuhiro
AU  - Ito Y
DP  - 2017 Sep
JT  - Thyroid : official journal of the American Thyroid Association
LID - 10.1089/thy.2016.0621 [doi]
AB  - Background: Therapeutic options ...

PMID- 33112817
TI  - Limited efficacy of lenvatinib in heavily pretreated anaplastic thyroid cancer: a
      French overview.
AU  - Sparano C
AU  - Godbert Y
DP  - 2021 Jan
TA  - Endocr Relat Cancer
AID - 10.1530/ERC-20-0106 [doi]
"""

RAYYAN = """key,title,authors,journal,year,doi,pubmed_id,abstract
rayyan-1,"Real-world experience of lenvatinib in patients with advanced anaplastic thyroid cancer",Kim M and Ahn J and Song DE,Endocrine,2021,10.1007/s12020-020-02425-y,,"We aimed, to evaluate"
rayyan-2,"Lenvatinib for anaplastic thyroid cancer",Tahara M and Kiyota N,Front Oncol,2017,10.3389/fonc.2017.00025,28299283,
"""


def _write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_ris_fields(tmp_path):
    table = read_ris(_write(tmp_path, "embase.ris", RIS), search_date="2025-06-01")
    assert len(table) == 2
    first = table.iloc[0]
    assert first.title == ("Limited efficacy of lenvatinib in heavily pretreated anaplastic "
                           "thyroid cancer: a French overview")
    assert first.authors == "Sparano, Clotilde; Godbert, Yann"
    assert (first.doi, first.pmid, first.year, first.source) == ("10.1530/erc-20-0106", "33112817", "2021", "Embase")
    assert table.origin.tolist() == ["embase.ris:1", "embase.ris:13"]
    assert table.iloc[1].doi == "10.1089/thy.2016.0621"


def test_ris_bom_and_latin1(tmp_path):
    text = RIS.replace("Godbert, Yann", "Iñiguez-Ariza, N")
    for encoding, name in (("utf-8-sig", "bom.ris"), ("latin-1", "latin.ris")):
        table = read_ris(_write(tmp_path, name, text, encoding), search_date="2025-06-01")
        assert table.iloc[0].authors.endswith("Iñiguez-Ariza, N")


@pytest.mark.parametrize("broken,line", [
    (RIS.replace("ER  - \n\nTY", "\nTY", 1), 12),           # record 1 never closed
    (RIS.replace("PY  - 2021", "PY - 2021"), 7),           # one space after tag
    ("garbage before\n" + RIS, 1),                          # text outside a record
    (RIS.rstrip().rsplit("\n", 1)[0] + "\n", 13),          # last record not closed
])
def test_ris_malformed_names_file_and_line(tmp_path, broken, line):
    with pytest.raises(ValueError, match=rf"broken\.ris:{line}:"):
        read_ris(_write(tmp_path, "broken.ris", broken), search_date="2025-06-01")


def test_medline_fields(tmp_path):
    table = read_medline(_write(tmp_path, "pubmed.nbib", MEDLINE), search_date="2025-06-01")
    ito, sparano = table.iloc[0], table.iloc[1]
    assert ito.title.startswith("Sorafenib in Japanese Patients with Locally Advanced or Metastatic Medullary Thyroid")
    assert (ito.authors, ito.year, ito.doi, ito.pmid) == ("Ito, Yasuhiro", "2017", "10.1089/thy.2016.0621", "28635560")
    assert ito.journal.startswith("Thyroid")
    assert (sparano.authors, sparano.journal, sparano.doi) == ("Sparano C; Godbert Y", "Endocr Relat Cancer", "10.1530/erc-20-0106")
    assert table.origin.tolist() == ["pubmed.nbib:1", "pubmed.nbib:11"]
    assert set(table.source) == {"PubMed"}


@pytest.mark.parametrize("broken,line", [
    (MEDLINE.replace("TI  - Limited", "Limited", 1), 12),
    ("TI  - no pmid first\n", 1),
])
def test_medline_malformed(tmp_path, broken, line):
    with pytest.raises(ValueError, match=rf"bad\.nbib:{line}:"):
        read_medline(_write(tmp_path, "bad.nbib", broken), search_date="2025-06-01")


def test_rayyan_csv(tmp_path):
    table = read_csv_export(_write(tmp_path, "rayyan.csv", RAYYAN), search_date="2025-06-01", source="Web of Science")
    assert table.authors.tolist() == ["Kim M; Ahn J; Song DE", "Tahara M; Kiyota N"]
    assert table.pmid.tolist() == ["", "28299283"]
    assert table.origin.tolist() == ["rayyan.csv:2", "rayyan.csv:3"]


def test_asreview_csv_semicolon_authors(tmp_path):
    text = "record_id,Title,Abstract,Authors,DOI,Year\n1,Some title,abs,\"Kim, M; Ahn, J\",doi:10.1234/X,2021\n"
    table = read_csv_export(_write(tmp_path, "asr.csv", text), search_date="2025-06-01", source="Embase")
    assert table.iloc[0].authors == "Kim, M; Ahn, J" and table.iloc[0].doi == "10.1234/x"


@pytest.mark.parametrize("text,line,message", [
    ("name,year\nx,2020\n", 1, "no title column"),
    ("title,year\nA,2020,extra\n", 2, "3 fields but the header has 2"),
    ("title,year\nA,2020\n,2021\n", 3, "empty title"),
    ("title,doi\nA,not-a-doi\n", 2, "not a DOI"),
])
def test_csv_malformed(tmp_path, text, line, message):
    with pytest.raises(ValueError, match=rf"bad\.csv[,:] ?(line )?{line}\b.*{message}"):
        read_csv_export(_write(tmp_path, "bad.csv", text), search_date="2025-06-01", source="X")


def test_import_files_dispatch_and_unique_ids(tmp_path):
    paths = [_write(tmp_path, "embase.ris", RIS), _write(tmp_path, "pubmed.txt", MEDLINE),
             _write(tmp_path, "rayyan.csv", RAYYAN)]
    assert [detect_format(p) for p in paths] == ["ris", "medline", "csv"]
    with pytest.raises(ValueError, match="pass source"):
        import_files(paths, search_date="2025-06-01")
    table = import_files(paths[:2], search_date="2025-06-01")
    assert len(table) == 4 and table.record_id.is_unique
    with pytest.raises(ValueError, match="fmt="):
        import_files(paths, search_date="2025-06-01", fmt="bibtex")
    with pytest.raises(ValueError, match="not a real date YYYY-MM-DD"):
        import_files(paths[:1], search_date="June 2025")


@pytest.mark.parametrize("tag", ["Ti  - ", "ti  - ", "tI  - "])
def test_ris_tag_in_the_wrong_case_is_refused_at_its_line(tmp_path, tag):
    text = RIS.replace("TI  - Sorafenib", f"{tag}Sorafenib")
    with pytest.raises(ValueError, match=r"^wrongcase\.ris:15: malformed RIS tag"):
        read_ris(_write(tmp_path, "wrongcase.ris", text), search_date="2025-06-01")


def test_ris_continuation_lines_that_start_with_a_word_stay_continuations(tmp_path):
    text = RIS.replace("  a French overview", "an - French overview")
    table = read_ris(_write(tmp_path, "cont.ris", text), search_date="2025-06-01")
    assert table.iloc[0].title.endswith("an - French overview")


def test_future_search_date_is_refused(tmp_path):
    with pytest.raises(ValueError, match="in the future"):
        read_ris(_write(tmp_path, "embase.ris", RIS), search_date="2999-01-01")
