"""Tests of ``living-review prisma`` (living_review.cli.prisma)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import matplotlib
import pandas as pd
import pytest

matplotlib.use("Agg")

from living_review.cli import main  # noqa: E402
from living_review.cli import prisma as cli_prisma  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A copy of the search logs in a minimal project; study ids read from studies.csv."""
    (tmp_path / "_toc.yml").write_text("format: jb-book\n")
    shutil.copytree(ROOT / "data" / "search", tmp_path / "data" / "search")
    ids = ["ha2010", "bible2012", "savvides2013", "tahara2017", "wirth2021", "higashiyama2022", "ito2017_atc",
           "ito2017_mtc", "kim2021", "sparano2021", "pitoia2014", "iwasaki2018", "iwasaki2023", "koyama2018",
           "pms_japan2020", "dierks2021", "atlep2022", "anlotinib_chemo2023", "iwasaki2020",
           "sherman2023_pazopanib", "mikoshiba2025", "matsuo2025"]  # study identifiers fixed for the project
    pd.DataFrame({"study_id": ids}).to_csv(tmp_path / "data" / "studies.csv", index=False)
    monkeypatch.setenv("LIVING_REVIEW_ROOT", str(tmp_path))
    # The full evidence loader needs every data file; here only the study_id column matters.
    monkeypatch.setattr(cli_prisma, "study_ids", lambda data_dir: pd.read_csv(data_dir / "studies.csv")["study_id"].tolist())
    return tmp_path


def test_json_prints_every_count(project, capsys):
    assert main(["prisma", "--json"]) == 0
    counts = json.loads(capsys.readouterr().out)
    for key in ("previous_studies", "previous_reports", "database_results", "duplicates", "records_screened",
                "records_excluded", "dbr_assessed", "dbr_excluded", "other_results", "other_sought_reports",
                "other_assessed", "other_excluded", "new_studies", "new_reports", "total_studies", "total_reports"):
        assert key in counts
    assert counts["total_studies"] == counts["previous_studies"] + counts["new_studies"]
    assert counts["previous_version"]["records_identified"] == 1171


def test_figure_written(project, capsys):
    out = project / "flow.pdf"
    assert main(["prisma", "--out", str(out)]) == 0
    assert out.read_bytes()[:4] == b"%PDF"


def test_unknown_study_is_an_error(project, capsys):
    studies = project / "data" / "studies.csv"
    pd.read_csv(studies).query("study_id != 'kim2021'").to_csv(studies, index=False)
    assert main(["prisma", "--json"]) == 1
    assert "['kim2021'] are not in the study data" in capsys.readouterr().err


def test_study_ids_fallback_reads_the_column(tmp_path, monkeypatch):
    import builtins

    pd.DataFrame({"study_id": ["a1", "b2"], "x": [1, 2]}).to_csv(tmp_path / "studies.csv", index=False)
    real_import = builtins.__import__

    def no_data_package(name, *args, **kwargs):
        if name == "living_review.data":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_data_package)
    assert cli_prisma.study_ids(tmp_path) == ["a1", "b2"]
