"""Tests of the PRISMA 2020 flow diagram (living_review.search.prisma_figure)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import FancyBboxPatch  # noqa: E402

from living_review.search.prisma import compute_prisma  # noqa: E402
from living_review.search.prisma_figure import prisma_figure, save_prisma_figure  # noqa: E402

from .test_prisma import PREVIOUS, STUDIES, scenario  # noqa: E402


@pytest.fixture(scope="module")
def counts():
    return compute_prisma(*scenario(), PREVIOUS, STUDIES)


def texts(fig):
    return [t.get_text().replace("\u00a0", " ") for t in fig.axes[0].texts]


def test_every_count_is_drawn(counts):
    fig = prisma_figure(counts)
    assert isinstance(fig, Figure)
    body = " ".join(" ".join(texts(fig)).split())
    # Values worked out by hand in test_prisma.test_counts_of_every_box.
    for phrase in ("previous version of review (n = 2)", "Databases (n = 9)", "Registers (n = 1)",
                   "PubMed (n = 6)", "Embase (n = 3)", "Duplicate records removed (n = 1)",
                   "(already in previous version) (n = 1)", "Records screened (n = 8)", "Records excluded (n = 3)",
                   "retrieval (n = 5)", "Reports not retrieved (n = 1)", "eligibility (n = 4)",
                   "Fewer than 5 ATC patients (n = 1)", "Already included in previous version (n = 1)",
                   "(hand searching) (n = 3)", "Citation searching (n = 3)", "Duplicate records (n = 2)",
                   "retrieval (n = 3)", "eligibility (n = 3)", "meta-analysis) (n = 1)",
                   "New studies included in review (n = 3)", "Reports of new included studies (n = 4)",
                   "Total studies included in review (n = 5)", "Reports of total included studies (n = 6)",
                   "New studies give 4 cohorts"):
        assert phrase in body, phrase
    assert "No database or register was searched" not in body


def test_text_stays_inside_its_box_and_the_figure(counts):
    fig = prisma_figure(counts)
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(fig).get_renderer()
    fig_box = fig.bbox
    boxes = [p.get_window_extent(renderer) for p in fig.axes[0].patches if isinstance(p, FancyBboxPatch)]
    for text in fig.axes[0].texts:
        extent = text.get_window_extent(renderer)
        assert fig_box.x0 - 1 <= extent.x0 and extent.x1 <= fig_box.x1 + 1, text.get_text()[:40]
        if text.get_rotation() == 0 and text.get_va() == "top" and text.get_position()[0] > 0.2:
            inside = [b for b in boxes if b.x0 - 1 <= extent.x0 and extent.x1 <= b.x1 + 1
                      and b.y0 - 1 <= extent.y0 and extent.y1 <= b.y1 + 1]
            assert inside, f"text overflows its box: {text.get_text()[:40]!r}"
        assert text.get_fontsize() >= 8


def test_save_formats(counts, tmp_path):
    assert save_prisma_figure(counts, tmp_path / "f.pdf").read_bytes()[:4] == b"%PDF"
    assert save_prisma_figure(counts, tmp_path / "f.png").read_bytes()[:4] == b"\x89PNG"
    with pytest.raises(ValueError, match="unsupported figure format"):
        save_prisma_figure(counts, tmp_path / "f.gif")
