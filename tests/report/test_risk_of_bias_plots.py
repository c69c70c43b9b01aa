"""robvis-style figures: weighted shares worked by hand; every cell carries a letter as well as a colour."""

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from living_review.data import risk_of_bias as tool  # noqa: E402
from living_review.report import risk_of_bias as rb  # noqa: E402
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
