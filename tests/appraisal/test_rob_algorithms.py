"""RoB 2 and ROBINS-I: signalling answers -> domain judgement -> overall judgement.

Reference: the algorithms of the RoB 2 full guidance document (Higgins, Savović, Page,
Sterne, 22 August 2019; one flow chart per domain, effect of assignment), and the ROBINS-I
confounding criteria (Sterne et al. BMJ 2016;355:i4919, detailed guidance, domain 1). Each
case below is one path through a flow chart, written out by hand from the chart, not from
the code.
"""

import pytest

from living_review.data import load_evidence
from living_review.data import risk_of_bias as rob
from living_review.appraisal.rob_algorithms import QUESTIONS, domain_judgement
from living_review.appraisal.rob_tools import comparative_overall


def _d(tool, domain, **answers):
    return domain_judgement(tool, domain, {k.replace("_", "."): v for k, v in answers.items()})


@pytest.mark.parametrize(("answers", "expected"), [
    (dict(D1_1="y", D1_2="y", D1_3="n"), "low"),
    (dict(D1_1="ni", D1_2="py", D1_3="ni"), "low"),              # sequence NI, concealed, no imbalance
    (dict(D1_1="y", D1_2="y", D1_3="y"), "some_concerns"),       # concealed but baseline problem
    (dict(D1_1="n", D1_2="y", D1_3="n"), "some_concerns"),       # not random, concealed, no imbalance
    (dict(D1_1="n", D1_2="py", D1_3="py"), "high"),              # not random, concealed, imbalance
    (dict(D1_1="y", D1_2="n", D1_3="n"), "high"),                # not concealed
    (dict(D1_1="ni", D1_2="ni", D1_3="ni"), "some_concerns"),    # 'randomised' and nothing more
    (dict(D1_1="y", D1_2="ni", D1_3="py"), "high"),              # concealment NI and imbalance
])
def test_rob2_d1_randomisation(answers, expected):
    assert _d("rob2", "D1", **answers) == expected


@pytest.mark.parametrize(("answers", "expected"), [
    (dict(D2_1="n", D2_2="pn", D2_6="y"), "low"),
    (dict(D2_1="y", D2_2="y", D2_3="n", D2_6="py"), "low"),
    (dict(D2_1="y", D2_2="n", D2_3="ni", D2_6="y"), "some_concerns"),
    (dict(D2_1="y", D2_2="y", D2_3="y", D2_4="n", D2_6="y"), "some_concerns"),
    (dict(D2_1="y", D2_2="y", D2_3="y", D2_4="y", D2_5="y", D2_6="y"), "some_concerns"),
    (dict(D2_1="y", D2_2="y", D2_3="y", D2_4="ni", D2_5="n", D2_6="y"), "high"),
    (dict(D2_1="n", D2_2="n", D2_6="n", D2_7="n"), "some_concerns"),   # part 2 only
    (dict(D2_1="n", D2_2="n", D2_6="ni", D2_7="ni"), "high"),
    (dict(D2_1="n", D2_2="n", D2_6="pn", D2_7="py"), "high"),
])
def test_rob2_d2_deviations_effect_of_assignment(answers, expected):
    assert _d("rob2", "D2", **answers) == expected


@pytest.mark.parametrize(("answers", "expected"), [
    (dict(D3_1="y"), "low"),
    (dict(D3_1="n", D3_2="py"), "low"),
    (dict(D3_1="ni", D3_2="n", D3_3="pn"), "low"),
    (dict(D3_1="n", D3_2="n", D3_3="y", D3_4="n"), "some_concerns"),
    (dict(D3_1="n", D3_2="n", D3_3="ni", D3_4="pn"), "some_concerns"),
    (dict(D3_1="n", D3_2="n", D3_3="y", D3_4="ni"), "high"),
])
def test_rob2_d3_missing_outcome_data(answers, expected):
    assert _d("rob2", "D3", **answers) == expected


@pytest.mark.parametrize(("answers", "expected"), [
    (dict(D4_1="y", D4_2="n"), "high"),
    (dict(D4_1="n", D4_2="py"), "high"),
    (dict(D4_1="n", D4_2="n", D4_3="n"), "low"),
    (dict(D4_1="ni", D4_2="pn", D4_3="y", D4_4="n"), "low"),
    (dict(D4_1="n", D4_2="n", D4_3="y", D4_4="y", D4_5="n"), "some_concerns"),
    (dict(D4_1="n", D4_2="n", D4_3="y", D4_4="py", D4_5="ni"), "high"),
    (dict(D4_1="n", D4_2="ni", D4_3="n"), "some_concerns"),
    (dict(D4_1="n", D4_2="ni", D4_3="y", D4_4="n"), "some_concerns"),
    (dict(D4_1="n", D4_2="ni", D4_3="y", D4_4="y", D4_5="pn"), "some_concerns"),
    (dict(D4_1="n", D4_2="ni", D4_3="ni", D4_4="ni", D4_5="ni"), "high"),
])
def test_rob2_d4_measurement_of_the_outcome(answers, expected):
    assert _d("rob2", "D4", **answers) == expected


@pytest.mark.parametrize(("answers", "expected"), [
    (dict(D5_1="y", D5_2="n", D5_3="pn"), "low"),
    (dict(D5_1="ni", D5_2="pn", D5_3="ni"), "some_concerns"),
    (dict(D5_1="y", D5_2="ni", D5_3="n"), "some_concerns"),
    (dict(D5_1="y", D5_2="py", D5_3="n"), "high"),
    (dict(D5_1="n", D5_2="n", D5_3="y"), "high"),
])
def test_rob2_d5_selection_of_the_reported_result(answers, expected):
    assert _d("rob2", "D5", **answers) == expected


@pytest.mark.parametrize(("answers", "expected"), [
    (dict(D1_1="n"), "low"),
    (dict(D1_1="ni"), "no_information"),
    (dict(D1_1="y", D1_2="n", D1_4="pn"), "serious"),       # treated v untreated, no adjustment
    (dict(D1_1="y", D1_2="n", D1_4="ni"), "no_information"),
    (dict(D1_1="y", D1_2="pn", D1_4="y", D1_5="y", D1_6="n"), "moderate"),
    (dict(D1_1="y", D1_2="pn", D1_4="y", D1_5="ni", D1_6="n"), "serious"),
    (dict(D1_1="y", D1_2="pn", D1_4="y", D1_5="y", D1_6="y"), "serious"),  # adjusted for a mediator
    (dict(D1_1="py", D1_2="y", D1_7="py", D1_8="py", D1_6="pn"), "moderate"),
    (dict(D1_1="py", D1_2="y", D1_4="y", D1_7="n"), "serious"),  # time-varying analysis decides on 1.7
])
def test_robins_i_d1_confounding(answers, expected):
    assert _d("robins_i", "D1", **answers) == expected


def test_answers_to_overall_for_the_assessed_comparisons():
    """The whole chain on the data: signalling answers -> domains -> overall (RoB 2: worst domain)."""
    ev = load_evidence()
    table = ev.risk_of_bias
    sig = rob.signalling_rows(table)
    for (tool, cid, outcome), rows in rob.domain_rows(table[table["tool"] != rob.JBI]).groupby(
            ["tool", "comparison_id", "outcome"]):
        domains = dict(zip(rows["item"], rows["judgement"]))
        for dom in domains:
            if (tool, dom) in QUESTIONS:
                mine = sig[(sig["comparison_id"] == cid) & (sig["outcome"] == outcome)
                           & sig["item"].str.startswith(dom + ".")]
                assert domain_judgement(tool, dom, dict(zip(mine["item"], mine["judgement"]))) == domains[dom]
        expected = {("rob2", "OS"): "some_concerns", ("rob2", "treatment_related_ae"): "some_concerns",
                    ("robins_i", "OS"): "serious"}[tool, outcome]
        assert comparative_overall(tool, domains) == expected, (cid, outcome, domains)


def test_bad_answers_are_refused_with_what_to_do():
    with pytest.raises(ValueError, match="no signalling algorithm for robins_i D2"):
        domain_judgement("robins_i", "D2", {"D2.1": "y"})
    with pytest.raises(ValueError, match="D2.1 not a signalling question of rob2 D1"):
        domain_judgement("rob2", "D1", {"D1.1": "y", "D1.2": "y", "D1.3": "n", "D2.1": "y"})
    with pytest.raises(ValueError, match="answer"):
        domain_judgement("rob2", "D1", {"D1.1": "yes", "D1.2": "y", "D1.3": "n"})
    with pytest.raises(ValueError, match="needs an answer \\(not na\\) to D1.3"):
        domain_judgement("rob2", "D1", {"D1.1": "y", "D1.2": "y", "D1.3": "na"})
