"""Tests for living_review.analyses.survival_curves (ledger records, figure without numbers at risk, counts)."""

import json

import numpy as np
import pandas as pd
import pytest

from living_review.analyses import survival_curves as sc
from living_review.survival.guyot import ReconstructionWarning
from living_review.survival.study_curves import study_curves


@pytest.fixture(scope="module")
def curves():
    cohorts = pd.DataFrame({"study_id": list("abcd"), "label": list("ABCD"), "drug": ["x", "x", "y", "y"],
                            "setting": ["trial", "real_world", "trial", "real_world"], "n_enrolled": [30, 40, 25, 50],
                            "os_median_months": [4.0, 6.0, 3.0, 5.0], "pfs_median_months": [2.0, 3.0, 2.5, 2.2]})
    lm = pd.DataFrame(columns=["study_id", "endpoint", "time_months", "rate_pct"])
    return study_curves(cohorts, lm, "OS")


def test_the_figure_draws_no_numbers_at_risk(curves):
    """Numbers at risk of modelled curves would be the models' N S(t), not patients anyone counted."""
    fig = sc.survival_figure(curves, sc.pool(curves, 0.95), title="OS")
    assert len(fig.axes) == 1  # no risk-table panel under the plot
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    texts += [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert not any("at risk" in t.lower() for t in texts)
    assert not hasattr(sc, "at_risk") and not hasattr(sc, "strata_table") and not hasattr(sc, "cao_table")


def test_counts_text_says_how_many_curves_are_digitised_and_modelled(curves):
    assert sc.counts_text(curves) == "OS: 0 of 4 cohort curves digitised, 4 modelled through reported values"


def test_records_every_landmark_and_the_median(curves, tmp_path):
    (tmp_path / "_build").mkdir()
    res = sc.pool(curves, 0.95)
    keys = sc.record_curve(res, curves, key="survival.os.test", chapter="06_survival", root=tmp_path)
    assert keys[:4] == [f"survival.os.test.survival_{m}m" for m in (3, 6, 12, 24)]
    rec = json.loads((tmp_path / "_build" / "ledger" / "survival.os.test.survival_12m.json").read_text())
    assert rec["estimate"] == pytest.approx(res.random.set_index("time").loc[12.0, "survival"])
    assert rec["params"]["approximated"] == 4


def test_strata_and_figure(curves):
    by_setting, left = sc.strata(curves, "setting", 0.95)
    assert left == [] and set(by_setting.strata) == {"trial", "real_world"}
    fig = sc.survival_figure(curves, sc.pool(curves, 0.95), title="OS")
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "cohort, reconstructed from a digitised curve" not in labels  # nothing reconstructed is drawn
    assert np.isfinite(fig.axes[0].get_ylim()).all()


def test_ledger_sentence_quotes_the_records_or_says_there_are_none(curves, tmp_path):
    from living_review.provenance.ledger import collect

    (tmp_path / "_build").mkdir(exist_ok=True)
    res = sc.pool(curves, 0.95)
    sc.record_curve(res, curves, key="survival.os.drug_x", chapter="06_survival", root=tmp_path)
    records = collect(tmp_path)
    text = sc.ledger_sentence(records, "survival.os.drug_x", "OS")
    r12 = records["survival.os.drug_x.survival_12m"]
    want = f"OS at 12 months {100 * r12['estimate']:.1f} ({100 * r12['ci_low']:.1f}–{100 * r12['ci_high']:.1f})%"
    assert want in text
    assert "(4 of 4 cohort curves approximated)" in text
    assert sc.ledger_sentence(records, "survival.os.drug_y", "OS").startswith("no pooled OS curve for this group")


def _digitised(study_id, n, median, seed):
    """A SIMULATED digitised OS curve: the Kaplan-Meier steps of n exponential patients (given median),
    censored uniformly over 0-30 months, as a digitiser would read them off the figure."""
    from living_review.survival.digitised import DigitisedCurve
    from living_review.survival.km import km_on_grid

    rng = np.random.default_rng(seed)
    t_event, t_cens = rng.exponential(median / np.log(2), n), rng.uniform(0, 30, n)
    time, event = np.minimum(t_event, t_cens), (t_event <= t_cens).astype(int)
    grid = np.round(np.arange(0.25, 24.01, 0.25), 2)
    steps = km_on_grid(time, event, grid)
    curve = pd.DataFrame({"time": np.concatenate([[0.0], steps["time"].to_numpy()]),
                          "survival": np.concatenate([[1.0], steps["survival"].to_numpy()])})
    return DigitisedCurve(study_id, "OS", "all", curve, n, int(event.sum()),
                          {"survival_scale": "proportion", "source": "simulated"})


def test_the_analysis_without_approximated_curves_pools_the_reconstructed_cohorts_only(tmp_path):
    cohorts = pd.DataFrame({"study_id": list("abcd"), "label": list("ABCD"), "drug": ["x", "x", "y", "y"],
                            "setting": ["trial", "real_world", "trial", "real_world"],
                            "n_enrolled": [150, 120, 25, 50], "os_median_months": [5.0, 5.0, 3.0, 9.0],
                            "pfs_median_months": [2.0, 3.0, 2.5, 2.2]})
    lm = pd.DataFrame(columns=["study_id", "endpoint", "time_months", "rate_pct"])
    digitised = [_digitised("a", 150, 5.0, 1), _digitised("b", 120, 5.0, 2)]
    with pytest.warns(ReconstructionWarning):  # no at-risk table, only N: the reconstruction says so
        curves = study_curves(cohorts, lm, "OS", digitised=digitised)
    assert (curves.n_reconstructed, curves.n_approximated) == (2, 2)
    only, res = sc.reconstructed_only(curves, 0.95)
    assert set(only.rows["study_id"]) == {"a", "b"} and set(only.rows["source"]) == {"reconstructed"}
    direct = sc.pool(curves.subset("source", "reconstructed"), 0.95)
    pd.testing.assert_frame_equal(res.random, direct.random)
    # two simulated cohorts with a true median of 5 months (270 patients): the pooled median is near it
    assert abs(res.median_random - 5.0) < 1.0
    assert abs(res.median_random - sc.pool(curves, 0.95).median_random) > 0  # the approximated cohorts moved it
    assert sc.reconstructed_text(only, res).startswith("OS from the 2 reconstructed curves alone: median ")
    keys = sc.record_curve(res, only, key="survival.os.reconstructed_only", chapter="06_survival", root=tmp_path)
    rec = json.loads((tmp_path / "_build" / "ledger" / f"{keys[-1]}.json").read_text())
    assert keys[-1] == "survival.os.reconstructed_only.median"
    assert rec["params"]["reconstructed"] == 2 and rec["params"]["approximated"] == 0
    assert [i["study_id"] for i in rec["inputs"]] == ["a", "b"]
    # with one reconstructed curve the analysis is not run, and the text says why
    with pytest.warns(ReconstructionWarning):
        one = study_curves(cohorts, lm, "OS", digitised=digitised[:1])
    only, res = sc.reconstructed_only(one, 0.95)
    assert res is None and sc.reconstructed_text(only, res) == "1 reconstructed OS curves, and pooling needs 2"


def test_no_page_prints_numbers_at_risk_tests_or_estimates_from_model_curves():
    """The chapters draw model curves as illustrations only: no risk table, no between-strata test, no value read
    off them (the survival estimates are the reported landmarks and medians)."""
    from living_review.core.paths import project_root

    root = project_root()
    pages = sorted((root / "notebooks").glob("*.md")) + [root / "notebooks/templates/drug_results.md",
                                                       root / "book/index.md"]
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for banned in ("Number at risk", "at_risk(", "Between strata", "sc.strata_table(", "q_between",
                       "read_curve(", ".median_random", "cao_table("):
            assert banned not in text, f"{page.name} has {banned!r}"
    survival = (root / "notebooks/06_survival.md").read_text(encoding="utf-8")
    assert survival.count("model-based illustration") >= 2  # both figure captions say what they are
    assert "does not carry the models' own uncertainty" in survival
