"""Quoted extraction (living_review.data.quotes): every extracted value stands on its quote.

The four corrections of version 1.1.0 that replaced right values with wrong ones are replayed
on a copy of the data and must each be refused by ``validate``, naming the file, the line,
the field and the quote; so must any count of any study changed by one. The reference values
are the quotes themselves (``data/quotes.csv``) and the arithmetic stated in each test.
"""

from __future__ import annotations

import csv

import pytest

from living_review.cli import main
from living_review.validation import validate
from living_review.data.evidence import _read_table
from living_review.data.quote_judgements import judgement_rules
from living_review.data.quotes import (QUOTED_FIELDS, correction_rules, numbers_in, percent_candidates,
                                       quote_counts, value_rules)
from living_review.data.schema import read_schema
from tests.data.conftest import REAL_DATA

COUNTS = ("n_enrolled", "n_evaluable_response", "n_safety", "cr", "pr", "sd", "pd", "ne", "orr_events", "orr_n",
          "dcr_events", "dcr_n")


def _errors(folder, file="data/studies.csv"):
    return [p for p in validate(folder) if p.severity == "error" and p.file == file]


def _tables(folder=REAL_DATA):
    schema, _ = read_schema(folder)
    return {n: _read_table(folder, schema, n)[0] for n in ("studies", "quotes", "discrepancies", "risk_of_bias")}


def _caught(errors, line, field, quote_fragment):
    hit = [p for p in errors if (p.line, p.column) == (line, field)]
    assert hit, errors
    assert "quotes.csv:" in hit[0].message and quote_fragment in hit[0].message, hit[0].message
    return hit[0]


# --- the four regressions of 1.1.0, replayed --------------------------------------------

def test_hope_registry_removed_again_is_refused(data_copy):
    # D28 in 1.1.0 dropped NCT02726503, whose registry record is titled '... (HOPE)'
    line = data_copy.set("studies.csv", "higashiyama2022", "registry_id", "UMIN000020773")
    p = _caught(_errors(data_copy.dir), line, "registry_id", "Lenvatinib for Anaplastic Thyroid Cancer (HOPE)")
    assert "NCT02726503" in p.message
    assert str(p).startswith(f"data/studies.csv:{line}: registry_id: higashiyama2022")


def test_atlep_pr_emptied_again_is_refused(data_copy):
    # D23 in 1.1.0 emptied PR 14 although the abstract prints '51.9% PR (14/27)'
    line = data_copy.set("studies.csv", "atlep2022", "pr", "")
    data_copy.set("studies.csv", "atlep2022", "cr", "")
    _caught(_errors(data_copy.dir), line, "pr", "51.9% PR (14/27)")


def test_publication_months_removed_again_are_refused(data_copy):
    # D26 in 1.1.0 cut 2013-04 and 2018-02 to the year although the records give the month
    a = data_copy.set("studies.csv", "savvides2013", "pub_date", "2013")
    b = data_copy.set("studies.csv", "koyama2018", "pub_date", "2018")
    errors = _errors(data_copy.dir)
    assert "gives a month" in _caught(errors, a, "pub_date", "Epub 2013 Apr 18").message
    _caught(errors, b, "pub_date", "2018 Feb 21")


def test_pitoia_table_reinterpreted_again_is_refused(data_copy):
    # D25 in 1.1.0 turned Table 2's SD 5 / PD 2 into SD 7 / PD 0 / DCR 8/8
    line = data_copy.set("studies.csv", "pitoia2014", "sd", "7")
    data_copy.set("studies.csv", "pitoia2014", "pd", "0")
    data_copy.set("studies.csv", "pitoia2014", "dcr_events", "8")
    errors = _errors(data_copy.dir)
    _caught(errors, line, "sd", "Stable disease (SD) 5 (62.5)")
    _caught(errors, line, "pd", "Progressive disease (PD) 2 (25)")


# --- a count changed by one, in any study -------------------------------------------------

def _checked_counts():
    tables = _tables()
    held = {(q["study_id"], q["field"]) for _, q in tables["quotes"]}
    return [(v["study_id"], f) for _, v in tables["studies"] for f in COUNTS
            if v.get(f) is not None and (v["study_id"], f) in held]


@pytest.fixture(scope="module")
def real_tables():
    return _tables()


@pytest.mark.parametrize("step", (1, -1))
@pytest.mark.parametrize("study, field", _checked_counts())
def test_a_count_changed_by_one_is_refused(real_tables, study, field, step):
    # the same rule validate runs (value_rules), on the real rows with one cell changed in memory
    studies = [(line, dict(v)) for line, v in real_tables["studies"]]
    line, row = next((ln, v) for ln, v in studies if v["study_id"] == study)
    if row[field] + step < 0:
        pytest.skip("a count cannot be negative")
    row[field] += step
    found = [p for p in value_rules("data/quotes.csv", real_tables["quotes"], "data/studies.csv", studies,
                                    real_tables["discrepancies"]) if p.severity == "error"]
    hit = [p for p in found if (p.file, p.line, p.column) == ("data/studies.csv", line, field)]
    assert hit, f"{study}.{field} {row[field]} passed"
    assert "quotes.csv:" in hit[0].message and "'" in hit[0].message  # names the quote it breaks


def test_every_pooled_count_is_quoted_or_derived(real_tables):
    pooled = {v["study_id"] for _, v in real_tables["studies"] if v["pooling_role"] != "other_histology"}
    checked = set(_checked_counts())
    # what stays unquoted is listed by validate; none of the response counts of a pooled study
    missing = [(s, f) for _, v in real_tables["studies"] for s, f in [(v["study_id"], f) for f in COUNTS[3:]]
               if s in pooled and v.get(f) is not None and (s, f) not in checked]
    assert missing == [("sparano2021", "cr")]  # 'Best tumor response was partial response in two cases' only


def test_a_count_changed_by_one_is_refused_by_validate(data_copy):
    line = data_copy.set("studies.csv", "higashiyama2022", "sd", "27")
    _caught(_errors(data_copy.dir), line, "sd", "26/42 (61.9%)")


# --- derivations ----------------------------------------------------------------------------

def test_numbers_in_reads_digits_and_words_and_not_digits_inside_numbers():
    assert numbers_in("CR 14/27") == (14.0, 27.0)
    assert 4.0 not in numbers_in("CR 14/27")
    assert numbers_in("four patients (29%)") == (29.0, 4.0)


@pytest.mark.parametrize("quote, n, expected", [
    ("ORR 24%", 17, (4,)),          # 4/17 = 23.5%; 3/17 = 17.6%, 5/17 = 29.4%
    ("DCR 71%", 17, (12,)),         # 12/17 = 70.6%
    ("43.8% (in 105)", 105, (46,)),  # 46/105 = 43.81%; 45/105 = 42.86%
    ("89%", 9, (8,)),               # 8/9 = 88.9%
    ("1%", 300, (2, 3, 4)),         # 1.5 to 4.5 patients: not one answer
    ("66%", 6, ()),                 # 4/6 = 66.7% rounds to 67%: no count of 6
])
def test_percent_candidates(quote, n, expected):
    assert percent_candidates(quote, n) == expected


def test_an_ambiguous_percentage_is_refused(data_copy):
    # Iwasaki 2023: 33% of 36 is 12 only; of 300 it would be 98, 99 or 100 (32.7%, 33.0%, 33.3%)
    line = data_copy.set("studies.csv", "iwasaki2023", "orr_n", "300")
    data_copy.set("studies.csv", "iwasaki2023", "n_evaluable_response", "300")
    data_copy.set("studies.csv", "iwasaki2023", "n_enrolled", "300")
    hit = [p for p in _errors(data_copy.dir) if (p.line, p.column) == (line, "orr_events")]
    assert hit and "not one possible answer" in hit[0].message


def test_an_unknown_derivation_is_refused(data_copy):
    path = data_copy.path("quotes.csv")
    text = path.read_text().replace("sum(cr, pr, sd)", "cr+pr+sd", 1)
    path.write_text(text)
    found = _errors(data_copy.dir, "data/quotes.csv")  # a closed form: the schema's pattern refuses it
    assert [p.column for p in found] == ["derivation"] and "cr+pr+sd" in found[0].message


# --- corrections, judgements, unquoted values, counts ----------------------------------------

def test_a_resolved_correction_without_its_quote_is_refused(real_tables):
    quotes = [(ln, q) for ln, q in real_tables["quotes"] if q.get("discrepancy_id") != "D23"]
    found = correction_rules("data/discrepancies.csv", real_tables["discrepancies"], quotes)
    line = next(ln for ln, d in real_tables["discrepancies"] if d["discrepancy_id"] == "D23")
    assert [(p.line, p.column) for p in found] == [(line, "status")]
    assert "D23" in found[0].message and "without a supporting quote" in found[0].message
    assert correction_rules("data/discrepancies.csv", real_tables["discrepancies"], real_tables["quotes"]) == []


def test_a_support_calling_a_quoted_fact_unreported_is_flagged_for_a_person(real_tables):
    rob = [(999, {"tool": "rob2", "study_id": "sherman2023_pazopanib", "item": "D1",
                  "support": "Randomisation is not reported in the sources read.", "source": "P-37"})]
    found = judgement_rules("data/quotes.csv", real_tables["quotes"], "data/risk_of_bias.csv", rob)
    assert [(p.line, p.column, p.severity) for p in found] == [(999, "support", "warning")]
    assert "randomi" in found[0].message and "a randomised, double-blind" in found[0].message
    other_source = [(999, dict(rob[0][1], source="P-40"))]
    assert judgement_rules("data/quotes.csv", real_tables["quotes"], "data/risk_of_bias.csv", other_source) == []


def test_unquoted_values_are_warned_per_study(data_copy):
    path = data_copy.path("quotes.csv")
    rows = list(csv.reader(path.open()))
    kept = [r for r in rows if not (r[0] == "kim2021" and r[1] in ("pfs_median", "dose_mg_per_day"))]
    with path.open("w", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(kept)
    line = data_copy.line("studies.csv", "kim2021")
    warned = [p for p in validate(data_copy.dir) if p.severity == "warning" and p.line == line
              and "without a quote" in p.message]
    assert len(warned) == 1 and "pfs_median, dose_mg_per_day" in warned[0].message
    assert warned[0].message.startswith("kim2021: 3 values")  # with n_safety, which no sentence counts


def test_counts_add_up_to_every_filled_value(real_tables):
    c = quote_counts(real_tables["quotes"], real_tables["studies"])
    filled = sum(v.get(f) is not None for _, v in real_tables["studies"] for f in QUOTED_FIELDS)
    assert c.quoted + c.derived + c.unquoted == filled
    assert c.derived >= 40 and c.unquoted == sum(len(f) for _, f in c.unquoted_by_study)


def test_validate_prints_the_counts(capsys):
    assert main(["validate", str(REAL_DATA)]) == 0
    err = capsys.readouterr().err
    c = quote_counts(_tables()["quotes"], _tables()["studies"])
    assert f"quotes: values: {c.quoted} quoted, {c.derived} derived, {c.unquoted} unquoted" in err
