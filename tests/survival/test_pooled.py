"""Tests for living_review.survival.pooled. Patient data are SIMULATED
(tests/survival/fixtures/pooled_simulated_ipd.csv: studies S1 and S2 with arms A and B, true HR of B
vs A 0.6; S3 single-arm A; exponential times, uniform censoring, follow-up 24 months).

References: the product-limit estimate computed directly with numpy; the stratified Cox model
refitted with statsmodels PHReg (an independent implementation, Efron ties). R survival is not
installed in this environment, so no R reference is used here.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from statsmodels.duration.hazard_regression import PHReg

from living_review.survival.pooled import landmark_table, pooled_km, stratified_cox

IPD = pd.read_csv(Path(__file__).parent / "fixtures" / "pooled_simulated_ipd.csv")


def _product_limit(time, event, at):
    s = 1.0
    for t in np.unique(time[event == 1]):
        if t > at:
            break
        s *= 1 - np.sum((time == t) & (event == 1)) / np.sum(time >= t)
    return s


def test_pooled_km_matches_direct_product_limit(tol):
    km = pooled_km(IPD, endpoint="OS")
    at = km.survival_at([3, 6, 12])
    for t, s in zip([3, 6, 12], at["survival"]):
        assert s == pytest.approx(_product_limit(IPD["time"].to_numpy(), IPD["event"].to_numpy(), t), abs=1e-12)
    assert km.n_patients == 300 and km.n_events == IPD["event"].sum()
    assert km.median_ci_low < km.median < km.median_ci_high
    assert at["ci_low"].lt(at["survival"]).all() and at["ci_high"].gt(at["survival"]).all()


def test_landmark_table_layout_of_cao_table2():
    km = pooled_km(IPD, endpoint="OS")
    table = landmark_table({"OS": km, "PFS": km})
    assert table.index.name == "Survival rates (%)"
    assert list(table.index) == ["3 mo", "6 mo", "9 mo", "12 mo", "15 mo", "18 mo", "21 mo", "24 mo"]
    assert list(table.columns) == ["OS", "PFS"]
    assert table.loc["3 mo", "OS"] == round(100 * km.survival_at([3])["survival"][0], 2)
    assert np.isnan(table.loc["24 mo", "OS"]) or table.loc["24 mo", "OS"] <= table.loc["21 mo", "OS"]
    assert "(" in landmark_table({"OS": km}, with_ci=True).iloc[0, 0]


def test_stratified_cox_matches_statsmodels(tol):
    res = stratified_cox(IPD, "drug", reference="A")
    x = (IPD["drug"] == "B").astype(float).to_numpy()[:, None]
    sm = PHReg(IPD["time"].to_numpy(), x, status=IPD["event"].to_numpy(), strata=IPD["study_id"].to_numpy(),
               ties="efron").fit()
    row = res.hazard_ratios.iloc[0]
    assert row["level"] == "B"
    assert np.log(row["hr"]) == pytest.approx(sm.params[0], abs=1e-5)
    ci = np.exp(sm.conf_int()[0])
    assert row["ci_low"] == pytest.approx(ci[0], abs=1e-4) and row["ci_high"] == pytest.approx(ci[1], abs=1e-4)
    assert row["ci_low"] < 0.6 < row["ci_high"]  # the simulated truth
    assert "HR" in res.summary()


def test_ph_check_flags_crossing_hazards_only():
    assert not stratified_cox(IPD, "drug").ph_violated
    rng = np.random.default_rng(7)
    n = 300  # SIMULATED: arm B has early deaths then a long plateau, arm A a constant hazard
    a = rng.exponential(6, n)
    b = np.where(rng.uniform(size=n) < 0.5, rng.exponential(0.7, n), rng.exponential(60, n))
    cross = pd.DataFrame({"study_id": "X", "drug": np.r_[["A"] * n, ["B"] * n],
                          "time": np.minimum(np.r_[a, b], 24), "event": (np.r_[a, b] < 24).astype(int)})
    res = stratified_cox(cross, "drug")
    assert res.ph_violated and "rejected" in res.summary()


def test_single_arm_studies_cannot_be_compared_within_strata():
    single = IPD[IPD["study_id"] == "S3"].assign(drug="A")
    other = IPD[IPD["study_id"] == "S1"].assign(drug="B")
    with pytest.raises(ValueError, match="no study_id holds more than one level of 'drug'"):
        stratified_cox(pd.concat([single, other]), "drug")
    with pytest.raises(ValueError, match="reference 'C' is not a level"):
        stratified_cox(IPD, "drug", reference="C")


def test_bad_patient_data():
    with pytest.raises(ValueError, match="lacks column"):
        pooled_km(IPD.drop(columns="event"))
    with pytest.raises(ValueError, match="event 0 or 1"):
        pooled_km(IPD.assign(event=2))
