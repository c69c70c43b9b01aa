"""A digitised curve added under ``data/km/`` replaces the model for its cohort, and the survival chapter says so.

The curve here is SIMULATED (a hand-made step curve with its at-risk table, written to a copy of the
data folder in a temporary directory); nothing is written to the project's ``data/km``.
"""

from __future__ import annotations

import shutil
import warnings

import pandas as pd
import pytest

from living_review.data import load_evidence
from living_review.core.paths import project_root
from living_review.analyses import selection
from living_review.analyses import survival_curves as sc
from living_review.analyses import survival_source as ss
from living_review.survival.digitised import INDEX_COLUMNS
from living_review.survival.study_curves import APPROXIMATED, RECONSTRUCTED


def _add_curve(data, study_id: str, n: int) -> None:
    km = data / "km"
    (km / f"{study_id}_OS_all.csv").write_text("0,100\n1,100\n1,85\n2,85\n2,65\n3,65\n3,50\n5,50\n5,35\n8,35\n"
                                               "8,20\n12,20\n12,10\n18,10\n")
    (km / f"{study_id}_OS_all_atrisk.csv").write_text(f"time,n_risk\n0,{n}\n6,{n // 3}\n12,{n // 10}\n")
    row = {c: "" for c in INDEX_COLUMNS}
    row.update(curve_file=f"{study_id}_OS_all.csv", at_risk_file=f"{study_id}_OS_all_atrisk.csv", study_id=study_id,
               endpoint="OS", arm="all", figure="2A", page="4", source="simulated for a test", time_unit="months",
               survival_scale="percent", digitised_by="XX", digitised_on="2026-11-22", software="test")
    index = pd.read_csv(km / "index.csv", dtype=str, keep_default_na=False)
    pd.concat([index, pd.DataFrame([row])], ignore_index=True).to_csv(km / "index.csv", index=False)


@pytest.fixture(scope="module")
def with_curve(tmp_path_factory):
    data = tmp_path_factory.mktemp("copy") / "data"
    shutil.copytree(project_root() / "data", data)
    _add_curve(data, "wirth2021", 34)
    return load_evidence(data)


def test_the_project_has_no_digitised_curve_so_every_curve_is_modelled():
    ev = load_evidence()
    c = ss.endpoint_curves(ev, "OS")
    assert c.n_reconstructed == 0 and c.n_approximated == len(c.cohorts)
    assert sc.counts_text(c) == f"OS: 0 of {len(c.cohorts)} cohort curves digitised, {len(c.cohorts)} modelled through reported values"


def test_an_added_curve_replaces_the_model_for_its_cohort(with_curve):
    before = ss.endpoint_curves(load_evidence(), "OS")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the reconstruction's notes on the simulated table
        after = ss.endpoint_curves(with_curve, "OS", selection.select_cohorts(with_curve.studies))
    src = after.cohorts.set_index("study_id")["source"]
    assert src["wirth2021"] == RECONSTRUCTED
    assert (src.drop("wirth2021") == APPROXIMATED).all()
    assert len(after.cohorts) == len(before.cohorts)
    # the cohort's curve on the grid is the reconstructed Kaplan-Meier one, not the exponential model
    rows = after.rows[after.rows["study_id"] == "wirth2021"].set_index("time")["survival"]
    model = before.rows[before.rows["study_id"] == "wirth2021"].set_index("time")["survival"]
    assert rows.loc[1.0] == pytest.approx(0.85, abs=0.02) and abs(rows.loc[1.0] - model.loc[1.0]) > 0.01
    # what the chapter prints: the counts, and the figure's legend names both kinds of curve
    k = len(after.cohorts)
    assert sc.counts_text(after) == f"OS: 1 of {k} cohort curves digitised, {k - 1} modelled through reported values"
    fig = sc.survival_figure(after, sc.pool(after, 0.95), title="OS")
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "cohort, reconstructed from a digitised curve" in labels
    assert "cohort, model through reported values" in labels


def test_the_chapter_glues_the_counts_from_the_curves_it_draws():
    import inspect

    from living_review.analyses import survival_sections

    text = (project_root() / "notebooks" / "06_survival.md").read_text(encoding="utf-8")
    assert "survival_sections.illustrative_curves(evidence, cohorts, level, chapter=CHAPTER)" in text
    section = inspect.getsource(survival_sections.illustrative_curves)
    assert '"curve_counts": "; ".join(sc.counts_text(c) for c in curves.values())' in section
    assert "ss.endpoint_curves(evidence, ep, cohorts)" in section
