"""Tests for living_review.survival.km_plot. Patient data are SIMULATED; medians are the published OS
medians used in test_medians.py plus Bible 2012 (Cao 2024 Table 1, 111 days, no CI)."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from living_review.survival.approximate import approximate_curve  # noqa: E402
from living_review.survival.km_plot import plot_km  # noqa: E402
from living_review.survival.medians import pool_log_medians  # noqa: E402


def test_km_plot_has_risk_table_with_direct_counts(sim):
    a, b = sim.simulate_ipd(60, "exponential", 1), sim.simulate_ipd(40, "weibull", 2)
    approx = approximate_curve(pd.DataFrame({"label": ["x"], "n": [10], "median": [5.0]}))
    fig = plot_km({"simulated A": a, "simulated B": b}, approximation={"pooled": approx}, title="SIMULATED")
    main, table = fig.axes
    texts = [t.get_text() for t in table.texts]
    expected = [str((a["time"] >= t).sum()) for t in range(0, 25, 3)] + [str((b["time"] >= t).sum()) for t in range(0, 25, 3)]
    assert texts == expected  # numbers at risk computed directly from the simulated patients
    assert [t.get_text() for t in table.get_yticklabels()] == ["simulated B", "simulated A"]
    labels = main.get_legend_handles_labels()[1]
    assert labels == ["simulated A (n = 60)", "simulated B (n = 40)", "pooled: model-based approximation"]
    assert table.get_title(loc="left") == "Number at risk"
    matplotlib.pyplot.close(fig)


def test_km_plot_needs_something():
    with pytest.raises(ValueError, match="nothing to plot"):
        plot_km({})


def test_approximation_vs_cao_plot_is_labelled():
    from living_review.data import load_evidence
    from living_review.survival.approximate import published_survival
    from living_review.survival.km_plot import plot_approximation_vs_published

    curve = approximate_curve(pd.DataFrame({"label": ["x"], "n": [10], "median": [4.8]}))
    cao = published_survival(load_evidence().previous_version_results, source="Cao 2024")
    fig = plot_approximation_vs_published({"OS": curve}, cao)
    ax = fig.axes[0]
    assert "not patient data" in ax.get_title(loc="left")
    marker = ax.lines[1]
    # Cao 2024 Table 2 OS at 3 and 24 months: 62.46 % and 12.61 %
    assert marker.get_ydata()[0] == pytest.approx(0.6246) and marker.get_ydata()[-1] == pytest.approx(0.1261)
    matplotlib.pyplot.close(fig)


def test_approximation_alone_in_km_plot():
    curve = approximate_curve(pd.DataFrame({"label": ["x"], "n": [10], "median": [4.8]}))
    fig = plot_km({}, approximation={"OS": curve})
    assert fig.axes[0].get_legend_handles_labels()[1] == ["OS: model-based approximation"]
    matplotlib.pyplot.close(fig)
