"""Tests of deduplication (living_review.search.dedupe).

Titles, authors and identifiers are those of the seed papers (S-0 Kim 2021, S-1 Sparano
2021, S-2 Ito 2017) and of Tahara 2017 / Koyama 2018 as cited in Cao 2024 and the
extraction notes; the variants are what exports do to them.
"""

from __future__ import annotations

import pytest

from living_review.search.dedupe import MERGE_LOG_COLUMNS, dedupe, notice_type, part_marker
from living_review.search.records import make_records

ITO = "Sorafenib in Japanese Patients with Locally Advanced or Metastatic Medullary Thyroid Carcinoma and Anaplastic Thyroid Carcinoma"
KIM = "Real-world experience of lenvatinib in patients with advanced anaplastic thyroid cancer"
SPARANO = "Limited efficacy of lenvatinib in heavily pretreated anaplastic thyroid cancer: a French overview"


def table(*rows):
    out = []
    for k, row in enumerate(rows, start=1):
        base = {"record_id": f"r{k}", "source": "PubMed", "search_date": "2025-06-01"}
        out.append({**base, **row})
    return make_records(out)


def merged_pairs(result):
    return {frozenset((r.removed_id, r.kept_id)) for r in result.merge_log.itertuples()}


@pytest.mark.parametrize("variant", [
    {"title": ITO.upper()},                                                   # case
    {"title": ITO.replace(" and ", ", and ") + "."},                          # punctuation
    {"title": ITO.replace("Japanese", "Japanése")},                           # diacritics
    {"title": ITO[:70] + "..."},                                              # truncated title
    {"title": ITO.replace("Carcinoma and", "Carcinona and")},                 # one-letter typo
    {"title": ITO, "authors": "Ito Y", "doi": ""},                           # MEDLINE author form
])
def test_known_duplicates_merge(variant):
    original = {"title": ITO, "authors": "Ito, Yasuhiro", "year": "2017", "doi": "10.1089/thy.2016.0621"}
    result = dedupe(table(original, {**original, "doi": "", **variant}))
    assert len(result.records) == 1 and len(result.merge_log) == 1
    row = result.merge_log.iloc[0]
    assert (row.kept_id, row.removed_id) == ("r1", "r2")  # r1 has the DOI or the longer title
    assert row.rule in {"title", "title_prefix"}


@pytest.mark.parametrize("form", ["https://doi.org/10.1530/ERC-20-0106", "doi:10.1530/erc-20-0106",
                                  "http://dx.doi.org/10.1530/ERC-20-0106"])
def test_doi_forms_merge_exactly_even_with_different_titles(form):
    result = dedupe(table({"title": SPARANO, "year": "2021", "doi": "10.1530/ERC-20-0106"},
                          {"title": "Lenvatinib in ATC (French survey)", "year": "2021", "doi": form}))
    assert result.merge_log.rule.tolist() == ["doi"]


def test_pmid_match_and_keeper_is_most_complete():
    result = dedupe(table({"title": SPARANO, "pmid": "33112817"},
                          {"title": SPARANO + " [abstract]", "pmid": "33112817", "doi": "10.1530/erc-20-0106",
                           "abstract": "Anaplastic thyroid cancer (ATC) is a rare lethal disease."}))
    row = result.merge_log.iloc[0]
    assert (row.kept_id, row.removed_id, row.rule) == ("r2", "r1", "pmid")
    assert "has DOI, PMID, abstract" in row.reason


@pytest.mark.parametrize("other", [
    {"title": KIM, "year": "2022"},                                           # different year
    {"title": KIM + ": Part II", "year": "2021"},                             # Part II
    {"title": "Erratum: " + KIM, "year": "2021"},                             # erratum vs article
    {"title": "Correction to: " + KIM, "year": "2021"},                       # correction notice
    {"title": KIM, "year": "2021", "authors": "Park, S"},                    # other first author
])
def test_near_misses_do_not_merge(other):
    base = {"title": KIM, "year": "2021", "authors": "Kim, Mijin"}
    result = dedupe(table(base, {"authors": "Kim M", **other}))
    assert len(result.records) == 2 and result.merge_log.empty


def test_part_i_and_part_ii_do_not_merge_but_two_part_ii_do():
    a = {"title": KIM + ". Part I", "year": "2021"}
    b = {"title": KIM + ". Part II", "year": "2021"}
    assert dedupe(table(a, b)).merge_log.empty
    assert len(dedupe(table(b, {**b, "title": b["title"].upper()})).merge_log) == 1


def test_shared_prefix_of_different_papers_does_not_merge():
    # Tahara 2017 "Lenvatinib for anaplastic thyroid cancer" (Cao 2024 ref [19]) is a prefix
    # of Koyama 2018's title ("Lenvatinib for Anaplastic Thyroid Cancer and ...", extraction
    # notes P-28; the ending here is made up); different years and first authors keep them apart.
    tahara = {"title": "Lenvatinib for anaplastic thyroid cancer", "year": "2017", "authors": "Tahara M"}
    koyama = {"title": "Lenvatinib for Anaplastic Thyroid Cancer and its adverse events in five patients",
              "year": "2018", "authors": "Koyama S"}
    assert dedupe(table(tahara, koyama)).merge_log.empty
    # Short titles (< 40 characters) are never treated as truncated.
    short = {"title": "Lenvatinib in ATC", "year": "2018", "authors": "Koyama S"}
    assert dedupe(table(short, {**short, "title": "Lenvatinib in ATC patients"})).merge_log.empty


def test_chain_is_logged_and_nothing_is_lost():
    rows = [{"title": ITO, "year": "2017", "doi": "10.1089/thy.2016.0621"},
            {"title": ITO.lower(), "year": "2017", "pmid": "28635560"},
            {"title": "Sorafenib (Japan, MTC and ATC)", "year": "2017", "pmid": "28635560"},
            {"title": KIM, "year": "2021"}]
    result = dedupe(table(*rows))
    assert list(result.merge_log.columns) == list(MERGE_LOG_COLUMNS)
    assert len(result.records) + len(result.merge_log) == 4
    assert set(result.records.record_id) == {"r1", "r4"}  # a DOI outranks a PMID
    assert set(result.merge_log.kept_id) == {"r1"}
    assert set(result.merge_log.removed_id) == {"r2", "r3"}
    chain = result.merge_log.set_index("removed_id")
    assert chain.loc["r3", "matched_id"] == "r2" and chain.loc["r3", "rule"] == "pmid"
    assert result.summary().startswith("4 records -> 2 kept, 2 duplicates removed")


def test_markers():
    assert part_marker("Trial results, part II") == "2" and part_marker("Part 2: results") == "2"
    assert part_marker("Phase II trial of sorafenib") == ""
    assert notice_type("Erratum to: Real-world experience") == "erratum"
    assert notice_type("Corrigendum") == "erratum"
    assert notice_type(KIM) == ""


def test_threshold_checked():
    with pytest.raises(ValueError, match="threshold"):
        dedupe(table({"title": KIM}), threshold=0)


def test_blocking_scales_to_a_large_block():
    # 60 records in one block (same year and author) take the vectorised path; titles that
    # differ only by a number are different papers.
    rows = [{"title": f"{KIM} cohort {k:03d} of the registry", "year": "2021", "authors": "Kim M"}
            for k in range(60)]
    rows.append({**rows[10], "title": rows[10]["title"].upper()})
    result = dedupe(table(*rows))
    assert len(result.merge_log) == 1 and result.merge_log.iloc[0].removed_id == "r61"


def test_committed_merge_log_is_current():
    """data/search/merge_log.csv must be what `living-review search dedupe` writes for records.csv."""
    from pathlib import Path

    import pandas as pd

    from living_review.search.dedupe import read_merge_log
    from living_review.search.records import read_records

    folder = Path(__file__).resolve().parents[2] / "data" / "search"
    expected = dedupe(read_records(folder / "records.csv")).merge_log.astype(str)
    committed = read_merge_log(folder / "merge_log.csv")
    pd.testing.assert_frame_equal(committed.reset_index(drop=True), expected.reset_index(drop=True),
                                  check_dtype=False, check_index_type=False)


def test_registry_ids_merge_register_records_only():
    from living_review.search.importers import registry_ids
    from living_review.search.records import make_records

    assert registry_ids(["ClinicalTrials.gov/NCT01321554", "GENBANK/AB123456"]) == ["NCT01321554"]
    table = make_records([
        {"record_id": "ct1", "source": "ClinicalTrials.gov", "search_date": "2025-01-01", "title": "Lenvatinib in ATC",
         "registry_ids": "NCT01321554"},
        {"record_id": "ct2", "source": "ClinicalTrials.gov", "search_date": "2025-02-01",
         "title": "A study of E7080 in thyroid cancer", "registry_ids": "nct01321554"},
        {"record_id": "pm1", "source": "PubMed", "search_date": "2025-02-01", "title": "Results of a phase 2 trial",
         "registry_ids": "NCT01321554"},
    ])
    result = dedupe(table)
    assert result.merge_log[["removed_id", "kept_id", "rule"]].values.tolist() == [["ct1", "ct2", "registry_id"]]  # kept: the longer title
