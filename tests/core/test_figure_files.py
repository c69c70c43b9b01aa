"""Figure files carry no date and no random id, so rewriting one gives the same bytes."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from living_review.core.figure_files import save_reproducibly  # noqa: E402


def _figure():
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.plot([0, 1, 2], [1, 0.6, 0.3], marker="o")
    return fig


@pytest.mark.parametrize("suffix", ["svg", "pdf", "png"])
def test_saving_twice_gives_identical_bytes(tmp_path, suffix):
    one = save_reproducibly(_figure(), tmp_path / f"a.{suffix}").read_bytes()
    two = save_reproducibly(_figure(), tmp_path / f"b.{suffix}").read_bytes()
    assert one == two


def test_pdf_has_no_creation_date(tmp_path):
    path = save_reproducibly(_figure(), tmp_path / "x.pdf")
    assert b"CreationDate" not in path.read_bytes()


def test_unknown_format_is_refused(tmp_path):
    with pytest.raises(ValueError, match="use .svg, .pdf or .png"):
        save_reproducibly(_figure(), tmp_path / "x.jpg")
