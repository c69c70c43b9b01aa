"""``living-review validate``: exit 0 with an OK line, or exit 1 listing every problem."""

from __future__ import annotations

from living_review.cli import main
from tests.data.conftest import REAL_DATA


def test_valid_data_exit_zero_with_one_line_summary(capsys):
    assert main(["validate", str(REAL_DATA)]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1
    assert out[0].startswith("OK data: 22 studies, 8 landmarks, 37 adverse events, 50 discrepancies, "
                             "12 previous-version inputs, 75 sources;")
    assert "fingerprint " in out[0]


def test_invalid_data_exit_one_listing_every_problem(data_copy, capsys):
    a = data_copy.set("studies.csv", "kim2021", "histology", "atc")
    b = data_copy.set("landmarks.csv", "pms_japan2020", "time_unit", "")
    assert main(["validate", str(data_copy.dir)]) == 1
    err = capsys.readouterr().err
    assert f"data/studies.csv:{a}: histology: 'atc' is not allowed" in err
    assert "did you mean 'ATC'?" in err
    assert f"data/landmarks.csv:{b}: time_unit: required value is empty" in err
    assert err.strip().splitlines()[-1].startswith("FAILED: 2 error(s)")


def test_missing_folder_exit_one(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "nowhere")]) == 1
    assert "data package missing" in capsys.readouterr().err
