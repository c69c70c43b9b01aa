"""make html/pdf: validation comes first, and a failed build, at any step, leaves _build/INCOMPLETE."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.book.conftest import COPY_IGNORE
from living_review.core.paths import project_root

VENV = Path(sys.executable).parent.parent


@pytest.fixture
def broken_project(tmp_path):
    root = tmp_path / "project"
    shutil.copytree(project_root(), root, ignore=COPY_IGNORE)
    studies = root / "data" / "studies.csv"
    studies.write_text(studies.read_text(encoding="utf-8").replace(",11,8,11,", ",11111111111111111111,8,11,", 1),
                       encoding="utf-8")
    return root


@pytest.mark.skipif(shutil.which("make") is None, reason="make not installed")
@pytest.mark.parametrize("target", ["html", "pdf"])
def test_invalid_data_stop_the_build_before_any_chapter_and_leave_the_marker(broken_project, target):
    ledger = broken_project / "_build" / "ledger"
    ledger.mkdir(parents=True)
    (ledger / "kept.json").write_text("{}")
    env = {**os.environ, "PYTHONPATH": str(broken_project / "src"), "LIVING_REVIEW_ROOT": str(broken_project)}
    # the environment and the MathJax copy are taken as they are: only the build steps run
    done = subprocess.run(["make", "--no-print-directory", target, f"VENV={VENV}", "-o", f"{VENV}/.installed",
                           "-o", "node_modules/mathjax/es5/tex-chtml.js"],
                          cwd=broken_project, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode != 0
    assert "data/studies.csv:2: n_enrolled: " in done.stderr and "Traceback" not in done.stderr
    marker = broken_project / "_build" / "INCOMPLETE"
    assert marker.is_file() and "not finished" in marker.read_text()
    assert not (broken_project / "notebooks" / "generated").exists()  # nothing generated, nothing executed
    assert [p.name for p in ledger.iterdir()] == ["kept.json"]
