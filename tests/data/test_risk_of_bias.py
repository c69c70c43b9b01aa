"""Risk-of-bias data: the overall rule and the checks, each shown on a copy of the data with one defect."""

import pytest

from living_review.data import load_evidence, validate
from living_review.data import risk_of_bias as rob
from tests.data.conftest import read_rows, write_rows

ALL_YES = {q: "yes" for q in rob.ITEMS}


def test_overall_rule_worst_bias_item_wins_and_reporting_items_do_not_count():
    assert rob.overall(ALL_YES) == "low"
    assert rob.overall(ALL_YES | {"Q10": "not_applicable"}) == "low"
    assert rob.overall(ALL_YES | {"Q4": "unclear"}) == "unclear"
    assert rob.overall(ALL_YES | {"Q4": "unclear", "Q5": "no"}) == "high"
    # Q6, Q7 and Q9 ask about reporting only
    assert rob.overall(ALL_YES | {"Q6": "no", "Q7": "unclear", "Q9": "no"}) == "low"
    with pytest.raises(ValueError, match="no judgement for item"):
        rob.overall({"Q1": "yes"})
    with pytest.raises(ValueError, match="choose one of yes, no, unclear, not_applicable"):
        rob.overall(ALL_YES | {"Q1": "probably"})


def test_every_cohort_is_assessed_on_every_item_once_and_loads():
    ev = load_evidence()
    table = ev.risk_of_bias
    assert set(table["study_id"]) == set(ev.studies["study_id"])
    assert all(sorted(items) == sorted(rob.ITEMS) for items in table.groupby("study_id")["item"].apply(list))
    assert not table.duplicated(["study_id", "item"]).any()
    # only full texts support a judgement other than unclear
    judged = table[table["judgement"] != "unclear"]
    assert (judged["basis"] == "full_text").all()
    overall = rob.overall_table(table).set_index("study_id")["overall"]
    assert set(overall) <= set(rob.OVERALL) and len(overall) == len(ev.studies)


def _drop_rows(path, keep):
    rows = read_rows(path)
    write_rows(path, [rows[0]] + [r for r in rows[1:] if keep(r)])


def test_a_pooled_cohort_without_an_assessment_fails_validation(data_copy):
    _drop_rows(data_copy.path("risk_of_bias.csv"), lambda r: not (r[0] == "wirth2021" and r[1] in ("Q3", "Q8")))
    line = data_copy.line("studies.csv", "wirth2021")
    messages = [str(p) for p in validate(data_copy.dir) if p.severity == "error"]
    assert messages == [f"data/studies.csv:{line}: study_id: cohort 'wirth2021' (it enters a pooled analysis) has "
                        "no risk-of-bias judgement for Q3, Q8 (add one row per item to data/risk_of_bias.csv)"]


def test_unknown_cohort_duplicate_item_bad_vocabulary_and_guessed_judgement(data_copy):
    path = data_copy.path("risk_of_bias.csv")
    rows = read_rows(path)
    rows.append(["nobody2020"] + rows[1][1:])          # unknown cohort
    rows.append(rows[1])                                # ha2010 Q1 twice
    rows[2][2] = "Yes"                                  # not the vocabulary (ha2010 Q2)
    rows[3][2] = "no"                                   # judged from an abstract (ha2010 Q3)
    write_rows(path, rows)
    messages = [str(p) for p in validate(data_copy.dir) if p.severity == "error"]
    n = len(rows)
    assert f"data/risk_of_bias.csv:{n - 1}: study_id: 'nobody2020' is not a study_id of studies.csv (correct the id " \
           "or add the cohort)" in messages
    assert any(m.startswith(f"data/risk_of_bias.csv:{n}: study_id+item: 'ha2010, Q1' repeats line 2") for m in messages)
    assert any(m.startswith("data/risk_of_bias.csv:3: judgement: 'Yes' is not allowed") and "did you mean 'yes'" in m
               for m in messages)
    assert ("data/risk_of_bias.csv:4: judgement: 'no' rests on 'abstract': only a full text supports a judgement "
            "(write unclear and say what was read in support)") in messages


def test_a_locator_citing_an_unknown_source_is_an_error(data_copy):
    path = data_copy.path("risk_of_bias.csv")
    rows = read_rows(path)
    rows[1][5] = "Ha 2010 abstract (P-999)"
    write_rows(path, rows)
    messages = [str(p) for p in validate(data_copy.dir)]
    assert ("data/risk_of_bias.csv:2: source: cites source P-999, which is not in sources.csv (add the source or "
            "correct the code)") in messages
