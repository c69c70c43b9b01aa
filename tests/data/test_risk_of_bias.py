"""Risk-of-bias data: the overall rules and the checks, each shown on a copy of the data with one defect."""

import pytest

from living_review.data import load_evidence
from living_review.validation import validate
from living_review.data import risk_of_bias as rob
from living_review.appraisal import rob_algorithms, rob_tools
from tests.data.conftest import read_rows, write_rows

ALL_YES = {q: "yes" for q in rob.ITEMS}
JBI_HEADER = ["tool", "study_id", "comparison_id", "outcome", "item", "judgement", "basis", "support", "source"]


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


def _rob2(**changes):
    return {"D1": "low", "D2": "low", "D3": "low", "D4": "low", "D5": "low"} | changes


def _robins(**changes):
    return {f"D{i}": "low" for i in range(1, 8)} | changes


# (tool, domain judgements, overall): worst domain; no information unless a decisive level is reached
OVERALL_CASES = [
    ("rob2", _rob2(), "low"),
    ("rob2", _rob2(D3="some_concerns"), "some_concerns"),
    ("rob2", _rob2(D2="some_concerns", D4="some_concerns", D5="some_concerns"), "some_concerns"),
    ("rob2", _rob2(D1="some_concerns", D5="high"), "high"),
    ("rob2", _rob2(D1="no_information"), "no_information"),
    ("rob2", _rob2(D1="no_information", D2="some_concerns"), "no_information"),
    ("rob2", _rob2(D1="no_information", D2="high"), "high"),
    ("rob2", {f"D{i}": "no_information" for i in range(1, 6)}, "no_information"),
    ("robins_i", _robins(), "low"),
    ("robins_i", _robins(D6="moderate"), "moderate"),
    ("robins_i", _robins(D1="moderate", D2="serious"), "serious"),
    ("robins_i", _robins(D1="serious", D7="critical"), "critical"),
    ("robins_i", _robins(D5="no_information"), "no_information"),
    ("robins_i", _robins(D5="no_information", D1="moderate"), "no_information"),
    ("robins_i", _robins(D5="no_information", D1="serious"), "serious"),
    ("robins_i", _robins(D5="no_information", D1="critical"), "critical"),
    ("robins_i", {f"D{i}": "no_information" for i in range(1, 8)}, "no_information"),
]


@pytest.mark.parametrize(("tool", "judgements", "expected"), OVERALL_CASES)
def test_comparative_overall_rule(tool, judgements, expected):
    assert rob_tools.comparative_overall(tool, judgements) == expected


def test_comparative_overall_refuses_what_its_tool_does_not_define():
    with pytest.raises(ValueError, match="choose one of rob2, robins_i"):
        rob_tools.comparative_overall("jbi_case_series", ALL_YES)
    with pytest.raises(ValueError, match="no RoB 2 judgement for domain\\(s\\) D5"):
        rob_tools.comparative_overall("rob2", {f"D{i}": "low" for i in range(1, 5)})
    with pytest.raises(ValueError, match="D6, D7 not a domain of RoB 2"):
        rob_tools.comparative_overall("rob2", _robins())
    with pytest.raises(ValueError, match="not allowed in ROBINS-I; choose one of low, moderate, serious, critical"):
        rob_tools.comparative_overall("robins_i", _robins(D1="some_concerns"))
    with pytest.raises(ValueError, match="tool='cochrane' is not allowed"):
        rob_tools.get_tool("cochrane")


def test_every_cohort_is_assessed_on_every_item_once_and_loads():
    ev = load_evidence()
    table = rob.jbi_rows(ev.risk_of_bias)
    assert len(table) == 10 * len(ev.studies)
    assert set(table["study_id"]) == set(ev.studies["study_id"])
    assert all(sorted(items) == sorted(rob.ITEMS) for items in table.groupby("study_id")["item"].apply(list))
    assert not table.duplicated(["study_id", "item"]).any()
    assert table["comparison_id"].isna().all() and table["outcome"].isna().all()
    # a judgement other than unclear rests on a full text, or on an abstract whose words it quotes
    # (the rule was full texts only; the appraisal issue asks for items the abstract answers)
    judged = table[table["judgement"] != "unclear"]
    from_abstract = judged[judged["basis"] != "full_text"]
    assert (from_abstract["basis"] == "abstract").all() and from_abstract["support"].str.contains("'").all()
    assert set(from_abstract["study_id"] + " " + from_abstract["item"]) == {"sparano2021 Q5"}
    overall = rob.overall_table(ev.risk_of_bias).set_index("study_id")["overall"]
    assert set(overall) <= set(rob.OVERALL) and len(overall) == len(ev.studies)


def test_every_comparison_is_assessed_with_the_tool_for_its_allocation():
    ev = load_evidence()
    table = ev.risk_of_bias
    for cid, group in ev.comparisons.groupby("comparison_id"):
        tool = rob_tools.TOOL_FOR_ALLOCATION[group["allocation"].iat[0]]
        mine = table[table["comparison_id"] == cid]
        assert set(mine["tool"]) == {tool} and set(mine["study_id"]) == {group["study_id"].iat[0]}
        for _, per_outcome in rob.domain_rows(mine).groupby("outcome"):  # one row per domain for each outcome
            assert sorted(per_outcome["item"]) == sorted(rob_tools.TOOLS[tool].item_codes)
        assert set(mine["outcome"]) <= set(group["endpoint"])
        # only abstracts and records were read for these comparisons: every judgement other than no
        # information quotes them (the signalling answers carry the quotes of RoB 2 and ROBINS-I D1)
        domains = rob.domain_rows(mine)
        assert (domains["basis"] == "abstract").all() and (domains["support"].str.len() > 80).all()
    # judged from the signalling answers (issue: the RTOG 0912 sources report randomisation, blinding and
    # exclusions; Iwasaki's groups are compared as treated without adjustment)
    overall = rob.comparative_overall_table(table, "rob2").set_index(["comparison_id", "outcome"])["overall"]
    assert overall.to_dict() == {("rtog0912", "OS"): "some_concerns",
                                 ("rtog0912", "treatment_related_ae"): "some_concerns"}
    overall = rob.comparative_overall_table(table, "robins_i").set_index("comparison_id")["overall"]
    assert overall.to_dict() == {"iwasaki2020_palliative": "serious", "iwasaki2023_paclitaxel": "serious"}
    assert set(table.loc[table["tool"] == "rob2", "comparison_id"]) == {"rtog0912"}
    assert set(table.loc[table["tool"] == "robins_i", "comparison_id"]) == {"iwasaki2020_palliative",
                                                                             "iwasaki2023_paclitaxel"}


def _edit(path, change):
    rows = read_rows(path)
    head = rows[0]
    out = [head] + [r for r in (change(dict(zip(head, r))) for r in rows[1:]) if r is not None]
    write_rows(path, [out[0]] + [[r[c] for c in head] for r in out[1:]])


def _errors(folder):
    return [str(p) for p in validate(folder) if p.severity == "error"]


def test_a_pooled_cohort_without_an_assessment_fails_validation(data_copy):
    _edit(data_copy.path("risk_of_bias.csv"),
          lambda r: None if r["study_id"] == "wirth2021" and r["item"] in ("Q3", "Q8") else r)
    line = data_copy.line("studies.csv", "wirth2021")
    assert _errors(data_copy.dir) == [f"data/studies.csv:{line}: study_id: cohort 'wirth2021' (it enters a pooled "
                                      "analysis) has no risk-of-bias judgement for Q3, Q8 (add one row per item to "
                                      "data/risk_of_bias.csv)"]


def test_unknown_cohort_duplicate_item_bad_vocabulary_and_guessed_judgement(data_copy):
    path = data_copy.path("risk_of_bias.csv")
    rows = read_rows(path)
    assert rows[0] == JBI_HEADER
    rows.append(rows[1][:1] + ["nobody2020"] + rows[1][2:])  # unknown cohort
    rows.append(rows[1])                                      # ha2010 Q1 twice
    rows[2][5] = "Yes"                                        # not the vocabulary (ha2010 Q2)
    rows[3][5] = "no"                                         # judged from an abstract (ha2010 Q3)
    rows[4][5] = "low"                                        # another tool's answer (ha2010 Q4)
    rows[5][4] = "D1"                                         # another tool's item (ha2010 Q5)
    write_rows(path, rows)
    messages = _errors(data_copy.dir)
    n = len(rows)
    assert f"data/risk_of_bias.csv:{n - 1}: study_id: 'nobody2020' is not a study_id of studies.csv (correct the id " \
           "or add the cohort)" in messages
    assert (f"data/risk_of_bias.csv:{n}: tool+study_id+comparison_id+outcome+item: 'jbi_case_series, ha2010, , , Q1' "
            "repeats line 2 (each key must be unique; merge or rename the rows)") in messages
    assert any(m.startswith("data/risk_of_bias.csv:3: judgement: 'Yes' is not allowed") and "did you mean 'yes'" in m
               for m in messages)
    assert ("data/risk_of_bias.csv:4: support: 'no' rests on 'abstract' and quotes no passage: a judgement from less "
            "than a full text quotes the words it rests on (quote them, or write unclear)") in messages
    assert ("data/risk_of_bias.csv:5: judgement: 'low' is not a JBI judgement (use one of: yes, not_applicable, "
            "unclear, no)") in messages
    assert ("data/risk_of_bias.csv:6: item: 'D1' is not an item of JBI (use one of: Q1, Q2, Q3, Q4, Q5, Q6, Q7, Q8, "
            "Q9, Q10)") in messages


def test_a_locator_citing_an_unknown_source_is_an_error(data_copy):
    path = data_copy.path("risk_of_bias.csv")
    rows = read_rows(path)
    rows[1][rows[0].index("source")] = "Ha 2010 abstract (P-999)"
    write_rows(path, rows)
    messages = [str(p) for p in validate(data_copy.dir)]
    assert ("data/risk_of_bias.csv:2: source: cites source P-999, which is not in sources.csv (add the source or "
            "correct the code)") in messages


def _line(path, comparison_id, item, outcome="OS"):
    rows = read_rows(path)
    c, i, o = rows[0].index("comparison_id"), rows[0].index("item"), rows[0].index("outcome")
    return next(n for n, r in enumerate(rows[1:], start=2)
                if r[c] == comparison_id and r[i] == item and r[o] == outcome)


def _set(path, cid, domain, of="OS", **cells):
    """Change the cells of one domain's row of one comparison (its row of outcome ``of``)."""
    def change(r):
        if r["comparison_id"] == cid and r["item"] == domain and r["outcome"] == of:
            r.update(cells)
        return r
    _edit(path, change)


@pytest.mark.parametrize(("cid", "item", "value", "message"), [
    ("rtog0912", "D2", "moderate", "'moderate' is not a RoB 2 judgement (use one of: low, some_concerns, high, "
                                   "no_information)"),
    ("iwasaki2020_palliative", "D3", "some_concerns", "'some_concerns' is not a ROBINS-I judgement (use one of: "
                                                      "low, moderate, serious, critical, no_information)"),
    ("rtog0912", "D4", "unclear", "'unclear' is not a RoB 2 judgement (use one of: low, some_concerns, high, "
                                  "no_information)"),
])
def test_each_comparative_tool_accepts_only_its_own_judgements(data_copy, cid, item, value, message):
    path = data_copy.path("risk_of_bias.csv")
    _set(path, cid, item, judgement=value)
    errors = _errors(data_copy.dir)
    assert f"data/risk_of_bias.csv:{_line(path, cid, item)}: judgement: {message}" in errors
    # a RoB 2 domain is also checked against its signalling answers (rob_signalling); nothing else breaks
    assert len(errors) == (2 if cid == "rtog0912" else 1), errors


@pytest.mark.parametrize(("cid", "item", "value"), [("iwasaki2020_palliative", "D6", "low"),
                                                    ("iwasaki2023_paclitaxel", "D5", "serious")])
def test_a_judgement_from_an_abstract_quotes_it(data_copy, cid, item, value):
    """The rule was 'only a full text supports a judgement'; the issue on appraisal asks for
    judgements where the abstract or record answers the question, with the passage quoted."""
    path = data_copy.path("risk_of_bias.csv")
    _set(path, cid, item, judgement=value, support="Reported in the abstract.")
    line = _line(path, cid, item)
    assert _errors(data_copy.dir) == [f"data/risk_of_bias.csv:{line}: support: {value!r} rests on 'abstract' and "
                                      "quotes no passage: a judgement from less than a full text quotes the words it "
                                      "rests on (quote them, or write no_information)"]
    _set(path, cid, item, support="The abstract says 'all deaths were recorded'.")
    assert _errors(data_copy.dir) == []
    _set(path, cid, item, basis="secondary")
    assert _errors(data_copy.dir) == [f"data/risk_of_bias.csv:{line}: judgement: {value!r} rests on another review's "
                                      "summary: the review judges a study from its own report only (write "
                                      "no_information)"]
    _set(path, cid, item, basis="full_text", support="Reported.")
    assert _errors(data_copy.dir) == []


@pytest.mark.parametrize(("cid", "item", "value", "derived"), [
    ("rtog0912", "D1", "low", "some_concerns"), ("rtog0912", "D5", "high", "some_concerns"),
    ("iwasaki2023_paclitaxel", "D1", "moderate", "serious"), ("iwasaki2020_palliative", "D1", "no_information",
                                                              "serious")])
def test_a_domain_judgement_is_the_one_its_signalling_answers_give(data_copy, cid, item, value, derived):
    path = data_copy.path("risk_of_bias.csv")
    _set(path, cid, item, judgement=value)
    line = _line(path, cid, item)
    errors = _errors(data_copy.dir)
    assert len(errors) == 1 and errors[0].startswith(
        f"data/risk_of_bias.csv:{line}: judgement: {value!r}, but the {'rob2' if cid == 'rtog0912' else 'robins_i'} "
        f"algorithm gives {derived!r} from the answers ("), errors


def test_signalling_answers_are_checked(data_copy):
    path = data_copy.path("risk_of_bias.csv")
    _set(path, "rtog0912", "D1.2", judgement="py", support="Concealed, we think.")   # no quote
    _set(path, "rtog0912", "D3.1", judgement="maybe")                                 # not an answer
    _set(path, "rtog0912", "D2.6", item="D2.9")                                       # no such question
    _edit(path, lambda r: None if r["comparison_id"] == "iwasaki2020_palliative" and r["item"].startswith("D1.")
          else r)                                                                     # D1 without its answers
    errors = _errors(data_copy.dir)
    assert (f"data/risk_of_bias.csv:{_line(path, 'rtog0912', 'D1.2')}: support: the answer 'py' quotes no passage "
            "(quote the source's words it rests on, or answer ni)") in errors
    assert any(e.startswith(f"data/risk_of_bias.csv:{_line(path, 'rtog0912', 'D3.1')}: judgement: 'maybe' is not")
               for e in errors), errors
    assert any(e.startswith(f"data/risk_of_bias.csv:{_line(path, 'rtog0912', 'D2.9')}: item: 'D2.9' is not")
               for e in errors), errors
    assert (f"data/risk_of_bias.csv:{_line(path, 'iwasaki2020_palliative', 'D1')}: item: robins_i D1 of "
            "iwasaki2020_palliative OS has no signalling answers (add one row per question D1.1, D1.2, D1.3, D1.4, "
            "D1.5, D1.6, D1.7, D1.8)") in errors
    # D2 without 2.6 cannot be derived: the algorithm says which answer is needed
    assert any("rtog0912 OS: rob2 D2 needs an answer (not na) to D2.6" in e for e in errors), errors


def test_a_domain_of_another_tool_and_a_missing_domain(data_copy):
    path = data_copy.path("risk_of_bias.csv")
    _set(path, "rtog0912", "D5", item="D6")
    line = _line(path, "rtog0912", "D6")
    first = data_copy.line("comparisons.csv", "rtog0912", key="comparison_id")
    assert _errors(data_copy.dir) == [
        f"data/comparisons.csv:{first}: comparison_id: comparison 'rtog0912' has no RoB 2 judgement of OS for D5 "
        "(add one row per domain to data/risk_of_bias.csv)",
        # the D5 signalling answers now belong to no domain row
        f"data/risk_of_bias.csv:{_line(path, 'rtog0912', 'D5.1')}: item: signalling answers of rob2 D5 for rtog0912 "
        "OS but no D5 row (add the domain's judgement)",
        f"data/risk_of_bias.csv:{line}: item: 'D6' is not an item of RoB 2 (use one of: D1, D2, D3, D4, D5)"]


def test_an_unassessed_comparison_and_an_unknown_comparison(data_copy):
    path = data_copy.path("risk_of_bias.csv")
    _edit(path, lambda r: r if r["comparison_id"] != "iwasaki2023_paclitaxel" or r["item"].split(".")[0] == "D1"
          else None)  # D1 is kept with its signalling answers
    _edit(path, lambda r: dict(r, comparison_id="iwasaki2023_palliative")
          if r["comparison_id"] == "iwasaki2023_paclitaxel" else r)
    lines = [_line(path, "iwasaki2023_palliative", item)
             for item in ("D1", *rob_algorithms.QUESTIONS["robins_i", "D1"])]
    first = data_copy.line("comparisons.csv", "iwasaki2023_paclitaxel", key="comparison_id")
    cert = data_copy.line("comparative_certainty.csv", "iwasaki2023_paclitaxel", key="comparison_id")
    assert _errors(data_copy.dir) == [
        f"data/comparative_certainty.csv:{cert}: endpoint: the risk of bias of OS in comparison "
        "'iwasaki2023_paclitaxel' is not assessed (add its RoB 2 or ROBINS-I rows to risk_of_bias.csv)",
        f"data/comparisons.csv:{first}: comparison_id: non_randomised comparison 'iwasaki2023_paclitaxel' has no "
        "ROBINS-I assessment (add one row per domain D1, D2, D3, D4, D5, D6, D7 to data/risk_of_bias.csv, tool "
        "robins_i, with the outcome assessed)",
        *(f"data/risk_of_bias.csv:{line}: comparison_id: 'iwasaki2023_palliative' is not a comparison_id of "
          "comparisons.csv (correct the id or add the comparison)" for line in sorted(lines))]


def test_tool_allocation_cohort_and_outcome_must_fit_the_comparison(data_copy):
    path = data_copy.path("risk_of_bias.csv")
    _set(path, "rtog0912", "D1", study_id="iwasaki2020")
    _set(path, "rtog0912", "D2", outcome="PFS")
    _set(path, "iwasaki2020_palliative", "D1", tool="rob2")
    _set(path, "iwasaki2020_palliative", "D2", outcome="")
    messages = _errors(data_copy.dir)
    l1, l2 = _line(path, "rtog0912", "D1"), _line(path, "rtog0912", "D2", outcome="PFS")
    l3, l4 = _line(path, "iwasaki2020_palliative", "D1"), _line(path, "iwasaki2020_palliative", "D2", outcome="")
    expected = [
        f"data/risk_of_bias.csv:{l1}: study_id: comparison 'rtog0912' is of 'sherman2023_pazopanib', not "
        "'iwasaki2020' (use the comparison's study_id)",
        f"data/risk_of_bias.csv:{l2}: outcome: comparison 'rtog0912' reports no PFS (it reports OS, "
        "treatment_related_ae; correct the outcome)",
        f"data/risk_of_bias.csv:{l3}: tool: comparison 'iwasaki2020_palliative' is non_randomised: assess it with "
        "robins_i, not rob2",
        f"data/risk_of_bias.csv:{l4}: outcome: a ROBINS-I row needs its outcome (fill it in)",
    ]
    assert set(expected) <= set(messages), messages
    # the rows left for each (comparison, outcome) no longer hold every domain
    assert any("comparison 'iwasaki2020_palliative' has no ROBINS-I judgement of OS for D1, D2" in m for m in messages)


def test_a_jbi_row_names_no_comparison(data_copy):
    path = data_copy.path("risk_of_bias.csv")
    rows = read_rows(path)
    rows[1][rows[0].index("comparison_id")] = "rtog0912"
    rows[1][rows[0].index("outcome")] = "OS"
    write_rows(path, rows)
    assert _errors(data_copy.dir) == [
        "data/risk_of_bias.csv:2: comparison_id: a JBI row assesses a cohort, not a comparison (empty comparison_id, "
        "or use the tool for the comparison's design)",
        "data/risk_of_bias.csv:2: outcome: a JBI row assesses a cohort, not a comparison (empty outcome, or use the "
        "tool for the comparison's design)"]


def test_the_file_vocabularies_are_the_union_of_the_tools():
    import json

    from living_review.core.paths import project_root

    package = json.loads((project_root() / "data" / "datapackage.json").read_text(encoding="utf-8"))
    res = next(r for r in package["resources"] if r["name"] == "risk_of_bias")
    fields = {f["name"]: f for f in res["schema"]["fields"]}
    assert fields["tool"]["constraints"]["enum"] == list(rob_tools.TOOL_CODES)
    # items: every tool's items and domains, and the signalling questions of RoB 2 and ROBINS-I
    assert set(fields["item"]["constraints"]["enum"]) == (
        {c for t in rob_tools.TOOLS.values() for c in t.item_codes}
        | {q for t in rob_tools.COMPARATIVE_TOOLS for q in rob_algorithms.signalling_codes(t)})
    assert set(fields["judgement"]["constraints"]["enum"]) == ({j for t in rob_tools.TOOLS.values()
                                                                for j in t.judgements} | set(rob_algorithms.ANSWERS))
    assert res["schema"]["primaryKey"] == ["tool", "study_id", "comparison_id", "outcome", "item"]
