"""Risk-of-bias data: the overall rules and the checks, each shown on a copy of the data with one defect."""

import pytest

from living_review.data import load_evidence, validate
from living_review.data import risk_of_bias as rob
from living_review.data import rob_tools
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
    # only full texts support a judgement other than unclear
    judged = table[table["judgement"] != "unclear"]
    assert (judged["basis"] == "full_text").all()
    overall = rob.overall_table(ev.risk_of_bias).set_index("study_id")["overall"]
    assert set(overall) <= set(rob.OVERALL) and len(overall) == len(ev.studies)


def test_every_comparison_is_assessed_with_the_tool_for_its_allocation():
    ev = load_evidence()
    table = ev.risk_of_bias
    for cid, group in ev.comparisons.groupby("comparison_id"):
        tool = rob_tools.TOOL_FOR_ALLOCATION[group["allocation"].iat[0]]
        mine = table[table["comparison_id"] == cid]
        assert set(mine["tool"]) == {tool} and set(mine["study_id"]) == {group["study_id"].iat[0]}
        for _, per_outcome in mine.groupby("outcome"):  # one row per domain for each outcome assessed
            assert sorted(per_outcome["item"]) == sorted(rob_tools.TOOLS[tool].item_codes)
        assert set(mine["outcome"]) <= set(group["endpoint"])
        # nothing beyond abstracts and records was read for these comparisons
        assert set(mine["judgement"]) == {"no_information"} and (mine["support"].str.len() > 80).all()
    for tool in rob_tools.COMPARATIVE_TOOLS:
        overall = rob.comparative_overall_table(table, tool)
        assert set(overall["overall"]) == {"no_information"}
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
    assert ("data/risk_of_bias.csv:4: judgement: 'no' rests on 'abstract': only a full text supports a judgement "
            "(write unclear and say what was read in support)") in messages
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
    assert _errors(data_copy.dir) == [f"data/risk_of_bias.csv:{_line(path, cid, item)}: judgement: {message}"]


@pytest.mark.parametrize(("cid", "item", "value"), [("rtog0912", "D1", "low"), ("rtog0912", "D5", "high"),
                                                    ("iwasaki2023_paclitaxel", "D1", "serious"),
                                                    ("iwasaki2020_palliative", "D6", "low")])
def test_full_text_rule_for_each_comparative_tool(data_copy, cid, item, value):
    path = data_copy.path("risk_of_bias.csv")
    _set(path, cid, item, judgement=value)
    line = _line(path, cid, item)
    assert _errors(data_copy.dir) == [f"data/risk_of_bias.csv:{line}: judgement: {value!r} rests on 'abstract': only "
                                      "a full text supports a judgement (write no_information and say what was read "
                                      "in support)"]
    _set(path, cid, item, basis="full_text")
    assert _errors(data_copy.dir) == []


def test_a_domain_of_another_tool_and_a_missing_domain(data_copy):
    path = data_copy.path("risk_of_bias.csv")
    _set(path, "rtog0912", "D5", item="D6")
    line = _line(path, "rtog0912", "D6")
    first = data_copy.line("comparisons.csv", "rtog0912", key="comparison_id")
    assert _errors(data_copy.dir) == [
        f"data/comparisons.csv:{first}: comparison_id: comparison 'rtog0912' has no RoB 2 judgement of OS for D5 "
        "(add one row per domain to data/risk_of_bias.csv)",
        f"data/risk_of_bias.csv:{line}: item: 'D6' is not an item of RoB 2 (use one of: D1, D2, D3, D4, D5)"]


def test_an_unassessed_comparison_and_an_unknown_comparison(data_copy):
    path = data_copy.path("risk_of_bias.csv")
    _edit(path, lambda r: r if r["comparison_id"] != "iwasaki2023_paclitaxel" or r["item"] == "D1"
          else None)
    _set(path, "iwasaki2023_paclitaxel", "D1", comparison_id="iwasaki2023_palliative")
    line = _line(path, "iwasaki2023_palliative", "D1")
    first = data_copy.line("comparisons.csv", "iwasaki2023_paclitaxel", key="comparison_id")
    cert = data_copy.line("comparative_certainty.csv", "iwasaki2023_paclitaxel", key="comparison_id")
    assert _errors(data_copy.dir) == [
        f"data/comparative_certainty.csv:{cert}: endpoint: the risk of bias of OS in comparison "
        "'iwasaki2023_paclitaxel' is not assessed (add its RoB 2 or ROBINS-I rows to risk_of_bias.csv)",
        f"data/comparisons.csv:{first}: comparison_id: non_randomised comparison 'iwasaki2023_paclitaxel' has no "
        "ROBINS-I assessment (add one row per domain D1, D2, D3, D4, D5, D6, D7 to data/risk_of_bias.csv, tool "
        "robins_i, with the outcome assessed)",
        f"data/risk_of_bias.csv:{line}: comparison_id: 'iwasaki2023_palliative' is not a comparison_id of "
        "comparisons.csv (correct the id or add the comparison)"]


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

    from living_review.paths import project_root

    package = json.loads((project_root() / "data" / "datapackage.json").read_text(encoding="utf-8"))
    res = next(r for r in package["resources"] if r["name"] == "risk_of_bias")
    fields = {f["name"]: f for f in res["schema"]["fields"]}
    assert fields["tool"]["constraints"]["enum"] == list(rob_tools.TOOL_CODES)
    assert set(fields["item"]["constraints"]["enum"]) == {c for t in rob_tools.TOOLS.values() for c in t.item_codes}
    assert set(fields["judgement"]["constraints"]["enum"]) == {j for t in rob_tools.TOOLS.values()
                                                               for j in t.judgements}
    assert res["schema"]["primaryKey"] == ["tool", "study_id", "comparison_id", "outcome", "item"]
