"""Tests for living_review.survival.digitised. Curve files here are SIMULATED or hand-made and
written to a temporary folder; nothing is written to data/km."""

import pandas as pd
import pytest

from living_review.core.paths import data_dir
from living_review.survival.digitised import (
    INDEX_COLUMNS, load_digitised_curves, missing_curves, read_index, read_wpd_csv,
)


def test_single_dataset_export(tmp_path):
    p = tmp_path / "curve.csv"
    p.write_text("0,1.0\n30.4375,0.8\n60.875,0.5\n")
    out = read_wpd_csv(p, time_unit="days")
    assert out["time"].tolist() == pytest.approx([0.0, 1.0, 2.0])  # 30.4375 days = 1 month exactly
    assert out.index.tolist() == [1, 2, 3] and out.attrs["source"].endswith("curve.csv")


def test_all_datasets_export_with_padding(tmp_path):
    p = tmp_path / "both.csv"
    p.write_text("lenvatinib,,placebo,\nX,Y,X,Y\n0,100,0,100\n2,80,2,60\n4,55,,\n")
    len_ = read_wpd_csv(p, dataset="lenvatinib")
    pla = read_wpd_csv(p, dataset="placebo")
    assert len(len_) == 3 and len(pla) == 2 and pla.index.tolist() == [3, 4]
    with pytest.raises(ValueError, match="pass dataset="):
        read_wpd_csv(p)


def test_bad_line_is_named(tmp_path):
    p = tmp_path / "bad.csv"
    p.write_text("0,1\n1;0,9\n")
    with pytest.raises(ValueError, match=r"bad\.csv row 2"):
        read_wpd_csv(p)


def test_real_index_is_empty_and_well_formed():
    index = read_index(data_dir() / "km")
    assert tuple(index.columns) == INDEX_COLUMNS
    assert len(index) == 0  # no curve has been digitised; none may be invented


def _write_index(folder, **row):
    base = {c: "" for c in INDEX_COLUMNS}
    base.update(row)
    pd.DataFrame([base]).to_csv(folder / "index.csv", index=False)


def test_load_curve_with_provenance_and_reconstruct(tmp_path):
    # SIMULATED curve and table
    (tmp_path / "SIM_OS_a.csv").write_text("0,100\n1,100\n1,90\n2,90\n2,75\n4,75\n4,60\n6,60\n")
    (tmp_path / "SIM_OS_a_atrisk.csv").write_text("time,n_risk\n0,20\n3,13\n")
    _write_index(tmp_path, curve_file="SIM_OS_a.csv", at_risk_file="SIM_OS_a_atrisk.csv", study_id="SIM",
                 endpoint="OS", arm="a", figure="2A", page="5", source="simulated", time_unit="months",
                 survival_scale="percent", digitised_by="XX", digitised_on="2026-11-22", software="test")
    [curve] = load_digitised_curves(tmp_path)
    assert "figure 2A, page 5" in curve.summary()
    ipd = curve.reconstruct()
    assert len(ipd) == 20 and set(ipd["study_id"]) == {"SIM"}
    needed = pd.DataFrame({"study_id": ["SIM", "SIM", "OTHER"], "endpoint": ["OS", "PFS", "OS"]})
    assert missing_curves(needed, [curve]).values.tolist() == [["SIM", "PFS"], ["OTHER", "OS"]]


def test_index_row_without_provenance_is_rejected(tmp_path):
    _write_index(tmp_path, curve_file="x.csv", study_id="S", endpoint="OS", arm="a", time_unit="months",
                 n_patients="10")
    with pytest.raises(ValueError, match=r"index\.csv row 2: provenance field\(s\) \['figure', 'page'"):
        read_index(tmp_path)
