"""Comparative risk of bias for the book: assessments per tool, display tables, figures with captions and alt text."""

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from living_review.data import load_evidence  # noqa: E402
from living_review.appraisal import rob_tools  # noqa: E402
from living_review.report import comparative_risk_of_bias as crb  # noqa: E402
from living_review.analyses import risk_of_bias as rb  # noqa: E402


def test_each_tool_assesses_what_its_design_needs(ev):
    # judged from the signalling answers on what the sources say
    assert crb.overall_by_comparison(ev) == {"rtog0912": "some_concerns", "iwasaki2020_palliative": "serious",
                                             "iwasaki2023_paclitaxel": "serious"}
    a = crb.tool_assessment(ev, "rob2")
    assert a.tool == "rob2" and a.key == "comparison_id" and set(a.items["tool"]) == {"rob2"}
    assert a.judgement("rtog0912", "D3") == "low" and a.judgement("rtog0912", "D1") == "some_concerns"
    assert set(a.items["item"]) == set(rob_tools.TOOLS["rob2"].item_codes)  # domains only, no signalling rows
    # the JBI assessment the GRADE rows read is unchanged by the comparative rows
    jbi = crb.tool_assessment(ev, "jbi_case_series")
    assert jbi.overall == rb.assessment(ev).overall and set(jbi.items["tool"]) == {"jbi_case_series"}
    # an outcome nobody assessed: no comparison
    assert crb.overall_by_comparison(ev, outcome="PFS") == {}


def test_comparison_rows_count_the_patients_of_both_arms(ev):
    rows = crb.comparison_rows(ev, "robins_i").set_index("comparison_id")
    # 16 lenvatinib (studies.csv) + 16 palliative; 36 lenvatinib + 12 weekly paclitaxel (comparisons.csv)
    assert rows["n"].to_dict() == {"iwasaki2020_palliative": 32, "iwasaki2023_paclitaxel": 48}
    rtog = crb.comparison_rows(ev, "rob2").iloc[0]
    assert rtog["n"] == 36 + 35 and rtog["label"] == ("Sherman 2023 (NRG/RTOG 0912): pazopanib v placebo + weekly "
                                                      "paclitaxel + IMRT")


def test_tables_give_every_domain_with_support_and_the_overall(ev):
    table = crb.comparative_rob_table(ev, "robins_i")
    assert list(table.columns) == list(crb.TABLE_COLUMNS)
    assert len(table) == 2 * (7 + 1)
    domains = table[table["Domain"] != "Overall"]
    # confounding judged serious from the answers; the other ROBINS-I domains are not answered by the abstracts
    assert set(domains["Judgement"]) == {"No information", "Serious"} and (domains["Source"].str.contains("P-")).all()
    assert set(domains.loc[domains["Domain"] == "D1 confounding", "Judgement"]) == {"Serious"}
    assert "ROBINS-I's definition" in table.loc[table["Domain"] == "Overall", "Support"].iat[0]
    rob2 = crb.comparative_rob_table(ev, "rob2")
    assert rob2["Domain"].tolist()[:5] == [f"{c} {n.lower()}" for c, n in rob_tools.TOOLS["rob2"].items]
    assert "signalling answers by the RoB 2 algorithm" in rob2["Support"].iat[-1]
    overall = crb.comparative_overall_frame(ev)
    assert overall["Tool"].tolist() == ["RoB 2", "ROBINS-I", "ROBINS-I"]
    assert overall["Overall risk of bias"].tolist() == ["Some concerns", "Serious", "Serious"]


def test_options_are_closed_sets(ev):
    with pytest.raises(ValueError, match="choose one of rob2, robins_i"):
        crb.comparative_rob_table(ev, "jbi_case_series")
    with pytest.raises(ValueError, match="choose one of jbi_case_series, rob2, robins_i"):
        crb.tool_figures(ev, "robvis")
    with pytest.raises(ValueError, match="choose one of OS, PFS, treatment_related_ae"):
        crb.overall_by_comparison(ev, outcome="ORR")


@pytest.mark.parametrize("tool", rob_tools.TOOL_CODES)
def test_figures_of_each_tool_have_caption_and_alt_text(ev, tool):
    f = crb.tool_figures(ev, tool)
    t = rob_tools.TOOLS[tool]
    ax = f.traffic_light.axes[0]
    assert [x.get_text() for x in ax.get_xticklabels()] == list(t.item_codes) + ["Overall"]
    n_rows = len(ax.get_yticklabels())
    assert len(ax.texts) == n_rows * (len(t.item_codes) + 1)
    assert t.short in f.traffic_light_caption and all(c in f.traffic_light_caption for c in t.item_codes)
    assert f"One row per {'cohort' if tool == 'jbi_case_series' else 'comparison'} ({n_rows})" in f.traffic_light_alt
    assert f.summary.axes[0].get_xlabel().startswith("Share of patients")
    assert "Overall: " in f.summary_alt and "<" not in f.summary_alt + f.traffic_light_alt


def test_hostile_text_in_the_new_rows_is_covered_and_shown_literally(tmp_path):
    import shutil

    from living_review.core.paths import project_root
    from living_review.report.tables import markdown_source
    from tests.book.test_hostile_values import HOSTILE, _free_columns, poison

    root = tmp_path / "project"
    shutil.copytree(project_root() / "data", root / "data")
    shutil.copytree(project_root() / "book", root / "book")
    # the free-text columns the hostile build poisons include the support and source of every tool's rows
    free = _free_columns(root / "data")["risk_of_bias.csv"]
    assert {"support", "source"} <= set(free) and not {"tool", "comparison_id", "outcome", "item"} & set(free)
    poison(root / "data")
    ev = load_evidence(root / "data")
    table = crb.comparative_rob_table(ev, "rob2")
    assert table["Support"].str.endswith(HOSTILE).sum() == 5
    source = markdown_source(table, caption="RoB 2", name="tbl-x")
    assert "<script>" not in source and "\\<script\\>" in source  # escaped for MyST
    f = crb.tool_figures(ev, "robins_i")
    assert HOSTILE not in f.traffic_light_alt + f.summary_alt + f.traffic_light_caption


def test_the_tables_by_outcome_follow_what_risk_of_bias_csv_assesses(ev):
    assert crb.assessed_outcomes(ev, "rob2") == ("OS", "treatment_related_ae")  # RTOG 0912: OS and toxicity
    assert crb.assessed_outcomes(ev, "robins_i") == ("OS",)
    table = crb.by_outcome(crb.comparative_rob_table, ev, "rob2")
    assert len(table) == sum(len(crb.comparative_rob_table(ev, "rob2", outcome=o)) for o in ("OS", "treatment_related_ae"))
    assert set(crb.overall_table(ev)["Outcome"]) == {"OS", "treatment-related adverse events"}
