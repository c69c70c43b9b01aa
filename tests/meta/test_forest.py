"""Forest plot: layout content (columns, diamonds, heterogeneity lines) and reproducible files."""

from __future__ import annotations

import hashlib

from matplotlib.figure import Figure
from matplotlib.patches import Polygon, Rectangle

from living_review.meta import metaprop
from living_review.meta.forest import forest
from living_review.meta.plotstyle import save

N = [8, 15, 20, 17, 34, 42]
ORR = [2, 0, 2, 4, 1, 5]  # Cao 2024, Figure 3
DRUG = ["Imatinib", "Pazopanib", "Sorafenib", "Lenvatinib", "Lenvatinib", "Lenvatinib"]
NAMES = ["Ha", "Bible", "Savvides", "Tahara", "Wirth", "Higashiyama"]


def _texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def test_subgroup_forest_has_meta_layout():
    r = metaprop(ORR, N, studies=NAMES, subgroups=DRUG)
    fig = forest(r, title="ORR")
    assert isinstance(fig, Figure)
    texts = _texts(fig)
    for name in NAMES:
        assert name in texts
    assert "subgroup = Lenvatinib" in texts
    assert "[0.03; 0.65]" in texts  # Ha 2/8, Clopper-Pearson as printed in Cao 2024
    assert "[0.02; 0.17]" in texts and "[0.02; 0.23]" in texts  # overall and lenvatinib diamonds
    assert any(t.startswith("Heterogeneity: I\u00b2 = 46%") for t in texts)
    assert any(t.startswith("Test for subgroup differences: \u03c7\u00b2 = 4.36, df = 3") for t in texts)
    diamonds = [p for p in fig.axes[0].patches if isinstance(p, Polygon)]
    assert len(diamonds) == 2  # lenvatinib subgroup (k = 3) and overall
    assert any(isinstance(p, Rectangle) for p in fig.axes[0].patches)  # prediction bar


def test_forest_without_subgroups_and_sizes_fit_page():
    fig = forest(metaprop(ORR, N, studies=NAMES))
    w, h = fig.get_size_inches()
    assert w <= 7.0 and 2 < h < 6


def test_saved_files_are_byte_identical(tmp_path):
    r = metaprop(ORR, N, studies=NAMES, subgroups=DRUG)
    digests = []
    for i in range(2):
        for ext in ("png", "svg", "pdf"):
            path = save(forest(r), tmp_path / f"f{i}.{ext}")
            digests.append((ext, hashlib.sha256(path.read_bytes()).hexdigest()))
    assert digests[:3] == digests[3:]


def test_sequential_forest_rows_and_labels():
    from living_review.meta.forest import forest_sequential
    from living_review.meta.influence import cumulative, leave_one_out

    years = [2010, 2012, 2013, 2017, 2021, 2022]  # publication years of the Cao 2024 trials
    fig = forest_sequential(cumulative(ORR, N, years, studies=NAMES), title="Cumulative ORR")
    texts = _texts(fig)
    assert "Ha (2010)" in texts and "Higashiyama (2022)" in texts
    assert "Adding (in order of date)" in texts
    fig = forest_sequential(leave_one_out(ORR, N, studies=NAMES))
    assert "Omitting" in _texts(fig) and len(fig.axes[0].lines) == 2 * len(NAMES)


def test_axis_covers_the_prediction_interval():
    # heterogeneous cohorts: the prediction interval runs past every CI (as the lenvatinib ORR's did)
    r = metaprop([10, 40, 20, 45], [100] * 4)
    fig = forest(r)
    assert r.pi_high > max(r.studies["ci_high"].max(), r.ci_high) + 0.2
    lo, hi = fig.axes[0].get_xlim()
    bar = next(p for p in fig.axes[0].patches if isinstance(p, Rectangle))
    assert lo <= bar.get_x() and bar.get_x() + bar.get_width() <= hi
    assert hi >= r.pi_high


def _median_result(k=5):
    import pandas as pd

    from living_review.survival import pool_log_medians

    table = pd.DataFrame({
        "label": ["Savvides 2013", "Tahara 2017", "Wirth 2021", "Kim 2021", "Sparano 2021", "Bible 2012"][:k] + ["No CI"],
        "median": [3.9, 10.6, 3.2, 6.7, 3.1, 3.9][:k] + [4.0], "ci_low": [2.2, 3.8, 2.8, 3.0, 0.6, 2.0][:k] + [None],
        "ci_high": [7.1, 19.8, 8.2, 8.4, 5.5, 8.0][:k] + [None], "ci_level": [0.95] * (k + 1),
        "n": [20, 17, 34, 14, 23, 15][:k] + [11]})
    return pool_log_medians(table, no_ci="exclude")


def test_median_forest_has_the_layout_of_the_proportion_forest():
    from living_review.meta.forest import forest_medians
    from living_review.survival.median_prediction import median_prediction_interval

    res = _median_result()
    pi = median_prediction_interval(res)
    fig = forest_medians(res, prediction=pi)
    texts = _texts(fig)
    for column in ("Study", "N", "Median", "95%-CI", "Weight"):
        assert column in texts
    assert "Tahara 2017" in texts and "17" in texts and "[3.8; 19.8]" in texts
    assert "no CI" in texts and "not pooled" in texts  # the median without a CI stays listed
    assert "Random effects model" in texts and f"[{res.ci_low:.1f}; {res.ci_high:.1f}]" in texts
    assert "108" in texts  # patients of the five pooled cohorts: 20 + 17 + 34 + 14 + 23
    assert "Prediction interval" in texts and f"[{pi.low:.1f}; {pi.high:.1f}]" in texts
    assert any(t.startswith(f"Heterogeneity: I\u00b2 = {100 * res.i2:.0f}%") for t in texts)
    ax = fig.axes[0]
    assert ax.get_xscale() == "log"
    assert len([p for p in ax.patches if isinstance(p, Polygon)]) == 1
    lo, hi = ax.get_xlim()
    assert lo <= pi.low and pi.high <= hi and lo <= 0.6 and hi >= 19.8


def test_median_forest_without_prediction_for_two_cohorts():
    from living_review.meta.forest import forest_medians
    from living_review.survival.median_prediction import median_prediction_interval

    res = _median_result(k=2)
    texts = _texts(forest_medians(res, prediction=median_prediction_interval(res)))
    assert "Prediction interval" not in texts  # drawn for k >= 3, as for proportions


def test_one_study_has_no_diamond():
    # k = 1: nothing is pooled, so the forest shows the study row and no diamond (polygon)
    from matplotlib.patches import Polygon

    from living_review.meta import metaprop
    from living_review.meta.forest import forest

    fig = forest(metaprop([0], [15], studies=["Pazopanib"]))
    ax = fig.axes[0]
    assert not any(isinstance(p, Polygon) for p in ax.patches)
    assert any("one study" in t.get_text() for t in ax.texts)


def test_the_medians_forest_shows_every_study_including_one_without_a_ci(tmp_path):
    """One forest of medians for the whole package (the survival engine's second one is gone)."""
    import numpy as np
    import pandas as pd

    from living_review.meta.forest import forest_medians
    from living_review.survival import pool_log_medians

    df = pd.DataFrame({"label": ["Savvides 2013", "Tahara 2017", "Wirth 2021", "Bible 2012"],
                       "median": [3.9, 10.6, 3.2, 111 / 30.4375], "ci_low": [2.2, 3.8, 2.8, np.nan],
                       "ci_high": [7.1, 19.8, 8.2, np.nan], "ci_level": [0.95, 0.95, 0.95, np.nan]})
    res = pool_log_medians(df)
    fig = forest_medians(res)
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert [t for t in texts if t in set(df["label"])] == list(df["label"])
    assert "no CI" in texts and "not pooled" in texts
    assert f"{res.estimate:.1f}" in texts and "Random effects model" in texts
    fig.savefig(tmp_path / "forest.png", dpi=80)

