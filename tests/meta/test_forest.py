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


def test_one_study_has_no_diamond():
    # k = 1: nothing is pooled, so the forest shows the study row and no diamond (polygon)
    from matplotlib.patches import Polygon

    from living_review.meta import metaprop
    from living_review.meta.forest import forest

    fig = forest(metaprop([0], [15], studies=["Pazopanib"]))
    ax = fig.axes[0]
    assert not any(isinstance(p, Polygon) for p in ax.patches)
    assert any("one study" in t.get_text() for t in ax.texts)
