"""Figure files are byte-identical across builds and carry no date."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from living_review.report.figures import publish  # noqa: E402


def _figure():
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.plot([0, 1, 2], [1, 0.6, 0.3], marker="o")
    ax.set_title("survival")
    return fig


def test_two_saves_are_identical_and_undated(tmp_path):
    a = publish(_figure(), "km-demo", folder=tmp_path / "a")
    b = publish(_figure(), "km-demo", folder=tmp_path / "b")
    assert a is not None and b is not None
    one, two = (tmp_path / "a" / "km-demo.svg").read_bytes(), (tmp_path / "b" / "km-demo.svg").read_bytes()
    assert one == two
    assert b"<dc:date>" not in one


@pytest.mark.parametrize("name", ["Bad Name", "../x", ""])
def test_names_are_checked(tmp_path, name):
    with pytest.raises(ValueError, match="figure name"):
        publish(_figure(), name, folder=tmp_path)


def test_data_text_with_dollars_is_drawn_literally(tmp_path):
    from matplotlib.figure import Figure

    from living_review.report.figures import publish

    fig = Figure()
    ax = fig.add_subplot()
    ax.set_title("cost $5 & {x ^ \\ $")  # two dollars around text mathtext cannot parse
    ax.set_yticks([0, 1], ["<b>x</b> $", "$a_b$ $c^d$"])
    publish(fig, "hostile", folder=tmp_path)  # with mathtext: ParseFatalException, "Expected '}'"
    assert not any(t.get_parse_math() for t in fig.findobj(lambda a: hasattr(a, "get_parse_math")))
    assert (tmp_path / "hostile.svg").stat().st_size > 0
