"""Tests of the records table and its normalisation (living_review.search.records)."""

from __future__ import annotations

import pandas as pd
import pytest

from living_review.search.records import RECORD_COLUMNS, decode_bytes, make_records, read_records, source_kind, write_records
from living_review.search.normalise import first_author_key, fold_text, normalise_doi, normalise_pmid, normalise_year, title_key

# DOI of Ito 2017 (seed S-2 prints it as doi: 10.1089/thy.2016.0621)
ITO_DOI = "10.1089/thy.2016.0621"


@pytest.mark.parametrize("raw", [
    "10.1089/thy.2016.0621", "doi:10.1089/thy.2016.0621", "DOI: 10.1089/THY.2016.0621",
    "https://doi.org/10.1089/thy.2016.0621", "http://dx.doi.org/10.1089/thy.2016.0621",
    " 10.1089/thy.2016.0621. ",
])
def test_doi_forms_normalise_to_one(raw):
    assert normalise_doi(raw) == ITO_DOI


def test_doi_empty_and_invalid():
    assert normalise_doi("") == "" and normalise_doi(None) == "" and normalise_doi(float("nan")) == ""
    with pytest.raises(ValueError, match="not a DOI"):
        normalise_doi("thy.2016.0621")


def test_pmid_and_year():
    assert normalise_pmid("PMID: 28635560") == "28635560"
    assert normalise_pmid("28635560.0") == "28635560"
    with pytest.raises(ValueError, match="not a PMID"):
        normalise_pmid("28635x")
    assert normalise_year("2017 Sep") == "2017"
    assert normalise_year("2017/09/01") == "2017"
    assert normalise_year("n.d.") == ""


def test_folding_removes_case_punctuation_and_diacritics():
    assert fold_text("Iñiguez-Ariza, N.M.") == "iniguez ariza n m"
    assert title_key("Lenvatinib for ANAPLASTIC thyroid cancer...") == "lenvatinib for anaplastic thyroid cancer"
    assert title_key("Lenvatinib for anaplastic thyroid cancer\u2026") == "lenvatinib for anaplastic thyroid cancer"


@pytest.mark.parametrize("authors,key", [
    ("Kim, Minji; Ahn, J", "kim"), ("Do Cao C; Sparano C", "do cao"), ("Minji Kim", "kim"),
    ("Iñiguez-Ariza NM", "iniguez ariza"), ("", ""),
])
def test_first_author_key(authors, key):
    assert first_author_key(authors) == key


def test_source_kind():
    assert source_kind("PubMed") == "database"
    assert source_kind("hand search") == "website"
    assert source_kind("Citation tracking") == "citations"
    assert source_kind("ClinicalTrials.gov") == "register"


def test_decode_bom_utf16_latin1():
    text = "Iñiguez"
    assert decode_bytes(b"\xef\xbb\xbf" + text.encode("utf-8")) == text
    assert decode_bytes(text.encode("utf-16")) == text
    assert decode_bytes(text.encode("latin-1")) == text
    assert decode_bytes(text.encode("utf-8")) == text


def _row(**kw):
    base = {"record_id": "r1", "source": "PubMed", "search_date": "2025-01-02", "title": "A title"}
    base.update(kw)
    return base


def test_make_records_normalises_and_validates():
    table = make_records([_row(doi="https://doi.org/10.1234/ABC", pmid="PMID 12", year="2020 Jan")])
    assert list(table.columns) == list(RECORD_COLUMNS)
    assert table.loc[0, ["doi", "pmid", "year"]].tolist() == ["10.1234/abc", "12", "2020"]


@pytest.mark.parametrize("bad,message", [
    ({"title": ""}, "column 'title' is empty"),
    ({"search_date": "02/01/2025"}, "not an ISO date"),
    ({"doi": "nonsense"}, "row 1 column 'doi'"),
])
def test_make_records_errors_name_row_and_column(bad, message):
    with pytest.raises(ValueError, match=message):
        make_records([_row(**bad)], "x.csv")


def test_duplicate_ids_rejected():
    with pytest.raises(ValueError, match="more than once"):
        make_records([_row(), _row()])


def test_latin1_records_table_is_refused_at_its_line(tmp_path):
    # The records table is data: like every file of data/ (and as validate reads it), it is
    # UTF-8 or UTF-16 with BOM; a Latin-1 byte is reported at its line, never guessed.
    table = make_records([_row(), _row(record_id="r2", authors="Iñiguez-Ariza NM")])
    path = write_records(table, tmp_path / "records.csv")
    latin = tmp_path / "latin.csv"
    latin.write_bytes(path.read_text(encoding="utf-8").encode("latin-1"))
    with pytest.raises(ValueError, match=r"latin.csv:3: -: file is not UTF-8: byte 0xf1"):
        read_records(latin)


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-8-sig"])
def test_roundtrip_unicode_exports_of_the_records_table(tmp_path, codec):
    table = make_records([_row(authors="Iñiguez-Ariza NM")])
    path = write_records(table, tmp_path / "records.csv")
    bom = {"utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff"}.get(codec, b"")
    path.write_bytes(bom + path.read_text(encoding="utf-8").replace("\n", "\r\n").encode(codec))
    pd.testing.assert_frame_equal(read_records(path), table)
