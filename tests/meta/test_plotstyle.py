"""Figure saving is byte-reproducible."""

from __future__ import annotations

from matplotlib.figure import Figure

from living_review.meta.plotstyle import save


def test_pdf_has_no_creation_date(tmp_path):
    fig = Figure(figsize=(2, 2))
    fig.add_subplot().plot([0, 1], [0, 1])
    path = save(fig, tmp_path / "a.pdf")
    assert b"CreationDate" not in path.read_bytes()
