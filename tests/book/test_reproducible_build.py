"""Two builds of the same commit give the same release summary and the same figure files."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow

SUMMARY = (
    "import os, sys; from pathlib import Path; from living_review.versions.summary import build_summary;"
    "sys.stdout.write(build_summary(Path(os.environ['LIVING_REVIEW_ROOT'])).to_json())"
)


def _digests(folder):
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _summary(root) -> str:
    env = {**os.environ, "LIVING_REVIEW_ROOT": str(root)}
    return subprocess.run([sys.executable, "-c", SUMMARY], env=env, capture_output=True, text=True,
                          check=True).stdout


def test_second_build_gives_identical_figures_and_summary(book_build, project_copy, run_build):
    second = run_build(project_copy, "html")
    assert second.returncode == 0, second.stdout[-3000:]
    first_figures = _digests(book_build.root / "_build" / "figures")
    assert first_figures, "the book published no figure file"
    # SVG for the site, PDF for the LaTeX builder: both must be byte-identical across builds
    assert {name.rsplit(".", 1)[-1] for name in first_figures} == {"svg", "pdf"}
    assert _digests(project_copy / "_build" / "figures") == first_figures
    first_summary = _summary(book_build.root)
    assert '"estimates"' in first_summary
    assert _summary(project_copy) == first_summary
