"""robvis-style figures: weighted shares worked by hand; every cell carries a letter as well as a colour."""

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from living_review.data import risk_of_bias as tool  # noqa: E402
from living_review.analyses import risk_of_bias as rb  # noqa: E402
from living_review.report import risk_of_bias_plots as rbp  # noqa: E402

ROWS = [("a", q, "yes") for q in tool.ITEMS] + [("b", q, "no" if q == "Q4" else "unclear") for q in tool.ITEMS]
ITEMS = pd.DataFrame(ROWS, columns=["study_id", "item", "judgement"])
A = rb.Assessment(ITEMS, {"a": "low", "b": "high"})
STUDIES = pd.DataFrame({"study_id": ["a", "b"], "label": ["A 2020", "B 2021"]})


def test_summary_shares_weigh_each_judgement():
    shares = rbp.summary_shares(A, STUDIES, [30, 10])
    assert shares.loc["Q1"].to_dict() == {"yes": 0.75, "not_applicable": 0.0, "unclear": 0.25, "no": 0.0}
    assert shares.loc["Q4", "no"] == 0.25 and shares.loc["Overall", "no"] == 0.25
    assert shares.sum(axis=1).tolist() == pytest.approx([1.0] * len(shares))
    with pytest.raises(ValueError, match="one weight"):
        rbp.summary_shares(A, STUDIES, [0, 0])


def test_traffic_light_marks_every_cell_with_a_letter():
    fig = rbp.traffic_light(A, STUDIES)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert len(texts) == 2 * (len(tool.ITEMS) + 1)
    assert texts.count("Y") == 10 and texts.count("N") == 1 and texts.count("H") == 1 and texts.count("L") == 1
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels == ["A 2020", "B 2021"]
    fig = rbp.summary_plot(A, STUDIES, [30, 10], weight_label="patients")
    assert fig.axes[0].get_xlabel() == "Share of patients"


ROBINS = pd.DataFrame([("c1", f"D{i}", "serious" if i == 1 else "low") for i in range(1, 8)]
                      + [("c2", f"D{i}", "no_information" if i == 5 else "moderate") for i in range(1, 8)],
                      columns=["comparison_id", "item", "judgement"])
B = rb.Assessment(ROBINS, {"c1": "serious", "c2": "no_information"}, "robins_i")
COMPARISONS = pd.DataFrame({"comparison_id": ["c1", "c2"], "label": ["C1: TKI v care", "C2: TKI v chemotherapy"]})


def test_a_comparative_tool_is_drawn_with_its_domains_and_symbols():
    shares = rbp.summary_shares(B, COMPARISONS, [30, 10])
    assert list(shares.columns) == ["low", "moderate", "serious", "critical", "no_information"]
    assert shares.loc["D1"].to_dict() == {"low": 0.0, "moderate": 0.25, "serious": 0.75, "critical": 0.0,
                                          "no_information": 0.0}
    assert shares.loc["D5", "no_information"] == 0.25 and shares.loc["D5", "low"] == 0.75
    assert shares.loc["Overall"].to_dict() == {"low": 0.0, "moderate": 0.0, "serious": 0.75, "critical": 0.0,
                                               "no_information": 0.25}
    fig = rbp.traffic_light(B, COMPARISONS)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == [f"D{i}" for i in range(1, 8)] + ["Overall"]
    texts = [t.get_text() for t in ax.texts]
    assert len(texts) == 16 and texts.count("×") == 2 and texts.count("?") == 2 and texts.count("−") == 6
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["+ Low", "− Moderate", "× Serious", "! Critical",
                                                                   "? No information"]
    alt = rbp.traffic_light_alt(B, COMPARISONS)
    assert "One row per comparison (2), one column per domain D1 to D7" in alt
    assert "Of the 14 domain judgements, 6 low, 6 moderate, 1 serious, 1 no information" in alt
    fig = rbp.summary_plot(B, COMPARISONS, [30, 10], weight_label="patients compared")
    assert fig.axes[0].get_yticklabels()[0].get_text() == "D1 confounding"
    assert rbp.summary_alt(B, COMPARISONS, [30, 10], weight_label="patients compared").endswith(
        "Overall: 75% serious, 25% no information.")


def test_rob2_levels_and_the_jbi_legend_stay_as_they_were():
    assert rbp.order("rob2") == ("low", "some_concerns", "high", "no_information")
    assert rbp.order("jbi_case_series") == ("yes", "not_applicable", "unclear", "no")
    fig = rbp.traffic_light(A, STUDIES)
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == [
        "Y Yes", "NA Not applicable", "? Unclear", "N No", "L Low (overall)", "H High (overall)"]
    with pytest.raises(ValueError, match="tool='rob3' is not allowed"):
        rbp.order("rob3")
