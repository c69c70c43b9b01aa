"""Search chapter helpers: PRISMA numbers, included and excluded tables, the PRISMA 2020 checklist."""

import numpy as np
import pandas as pd
import pytest

from living_review.data import load_evidence
from living_review.core.paths import data_dir
from living_review.report.search_report import (checklist_source, checklist_table, excluded_table, included_table, prisma_numbers,
                                                read_checklist)
from living_review.search.prisma import load_prisma

# The 42 items of the PRISMA 2020 checklist (Page et al. 2021, BMJ 372:n71, Table 1).
PRISMA_ITEMS = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10a", "10b", "11", "12", "13a", "13b", "13c",
                "13d", "13e", "13f", "14", "15", "16a", "16b", "17", "18", "19", "20a", "20b", "20c", "20d",
                "21", "22", "23a", "23b", "23c", "23d", "24a", "24b", "24c", "25", "26", "27"]


def test_prisma_numbers_add_up_for_the_project():
    evidence = load_evidence()
    n = prisma_numbers(load_prisma(data_dir() / "search", evidence.studies["study_id"]))
    assert n["previous_studies"] == 6 and n["previous_records"] == 1171  # Cao 2024 Fig. 1
    assert n["total_studies"] == n["previous_studies"] + n["new_studies"]
    assert n["assessed"] == n["new_reports"] + n["excluded"]
    assert n["other_results"] == n["website_results"] + n["citations_results"]
    assert all(isinstance(v, int) for v in n.values())


def _studies():
    return pd.DataFrame({
        "study_id": ["b", "a", "c"], "label": ["B 2020", "A 2010", "C 2021"],
        "design": ["retrospective_cohort", "prospective_trial", "post_marketing_surveillance"],
        "drug": ["lenvatinib", "imatinib", "lenvatinib"], "combination_partner": ["pembrolizumab", np.nan, np.nan],
        "n_enrolled": [6, 11, 124], "pooling_role": ["atc_combination", "atc_monotherapy", "atc_monotherapy"],
        "overlap_group": [np.nan, np.nan, "G"], "overlap_keep": [np.nan, np.nan, False],
        "in_previous_version": [False, True, False], "pub_order": [2, 1, 3]})


def test_included_table_rows_in_publication_order():
    t = included_table(_studies())
    assert t["Study"].tolist() == ["A 2010 {cite:p}`a`", "B 2020 {cite:p}`b`", "C 2021 {cite:p}`c`"]
    assert t["Drug"].tolist() == ["imatinib", "lenvatinib + pembrolizumab", "lenvatinib"]
    assert t["Version"].tolist() == ["Cao 2024", "update", "update"]
    # the label says what the methods say: combinations are kept apart, by regimen (pooled only with two independent cohorts)
    assert t["Role"].tolist() == ["ATC monotherapy: pooled", "Combination: by regimen, apart from monotherapy",
                                  "ATC monotherapy: overlapping cohort, not pooled"]
    kept = _studies()
    kept.loc[kept.study_id == "a", ["overlap_group", "overlap_keep"]] = ["G", True]
    assert included_table(kept)["Role"].tolist()[2] == ("ATC monotherapy: may share patients with A 2010, which is "
                                                        "pooled instead")
    with pytest.raises(ValueError, match="pub_order"):
        included_table(_studies().drop(columns="pub_order"))


def test_excluded_table_from_the_log():
    records = pd.DataFrame({"record_id": ["r1", "r2"], "authors": ["Smith J; Doe A", ""], "year": ["2019", ""],
                            "title": ["A title", "x" * 120], "source": ["hand search", "hand search"]})
    log = pd.DataFrame({"record_id": ["r1", "r2"], "stage": ["full_text", "full_text"],
                        "decision": ["exclude", "exclude"], "reason": ["case_report", "fewer_than_5_atc"],
                        "study_ids": ["", ""], "date": ["2026-01-01", "2026-01-01"], "note": ["", "3 patients"]})
    t = excluded_table(records, log)
    assert t["Report"].tolist() == ["Smith J, 2019: A title", "x" * 87 + "..."]
    assert t["Reason"].tolist() == ["Case report", "Fewer than 5 ATC patients"]
    assert t["Note"].tolist() == ["–", "3 patients"]
    records.loc[0, "title"] = "[title not recorded in the extraction notes] Smith J, sorafenib in ATC, Thyroid 2019"
    # a title not shown in the pages read: the subject in square brackets, then journal and identifier
    records["journal"], records["doi"] = ["Thyroid", ""], ["10.1/x", ""]
    assert excluded_table(records, log)["Report"].tolist()[0] == (
        "Smith J, 2019: [Sorafenib in ATC]. Thyroid; doi:10.1/x")
    records.loc[0, "title"] = "[not itemised in the addendum] trials of anlotinib in RAIR-DTC"
    assert excluded_table(records, log)["Report"].tolist()[0] == (
        "Smith J, 2019: [Trials of anlotinib in RAIR-DTC]. Thyroid; doi:10.1/x")


def test_project_checklist_has_every_prisma_2020_item_once():
    checklist = read_checklist()
    assert checklist["item"].tolist() == PRISMA_ITEMS
    table = checklist_table(checklist)
    assert table.loc[0, "Where reported"] == "{doc}`/book/index`: title"
    assert list(table.columns) == ["Item", "Topic", "Checklist item", "Where reported", "Status"]


def _toc(root):
    (root / "_toc.yml").write_text("root: book/index\nparts:\n  - chapters:\n      - file: notebooks/a\n"
                                   "        sections:\n          - file: notebooks/b\n")


@pytest.mark.parametrize(("row", "message"), [
    ("1,T,T,x,notebooks/zz,s,reported", "not a page of _toc.yml"),
    ("1,T,T,x,notebooks/b,s,done", "status 'done' not allowed"),
    ("1,T,T,x,,s,reported", "names no page"),
])
def test_checklist_errors_name_the_line(tmp_path, row, message):
    _toc(tmp_path)
    path = tmp_path / "c.csv"
    path.write_text("item,section,topic,item_text,reported_in,location,status\n" + row + "\n")
    with pytest.raises(ValueError, match=f"c.csv, line 2: .*{message}"):
        read_checklist(path, root=tmp_path)


def test_checklist_repeated_item(tmp_path):
    _toc(tmp_path)
    path = tmp_path / "c.csv"
    path.write_text("item,section,topic,item_text,reported_in,location,status\n"
                    "1,T,T,x,notebooks/a,s,reported\n1,T,T,x,notebooks/b,s,not done\n")
    with pytest.raises(ValueError, match="line 3: item '1' is empty or repeated"):
        read_checklist(path, root=tmp_path)


def test_checklist_source_wraps_the_long_table():
    source = checklist_source(checklist_table(read_checklist()), caption="PRISMA", name="tbl-prisma")
    assert source.startswith("```{tabularcolumns} |\\Y{0.06}|\\Y{0.17}|\\Y{0.28}|\\Y{0.3}|\\Y{0.13}|")
    assert source.count("\n| ") == len(PRISMA_ITEMS) + 1  # header and one row per item


def test_prisma_alt_text_gives_the_diagram_counts():
    from living_review.report.search_report import prisma_alt

    counts = load_prisma(data_dir() / "search", load_evidence().studies["study_id"])
    n, alt = prisma_numbers(counts), prisma_alt(counts)
    for key in ("previous_studies", "database_results", "other_results", "duplicates", "assessed", "excluded",
                "new_reports", "new_studies", "total_studies"):
        assert f"{n[key]} " in alt, key
    assert alt.startswith("PRISMA 2020 flow diagram") and "(s)" not in alt
