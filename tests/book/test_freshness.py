"""No stale chapter: a change in data/ re-executes the chapters on the next incremental build."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.slow


def _executed(log: str) -> int:
    """How many notebooks the build executed."""
    return len(re.findall(r"Executed notebook in", log))


def test_data_change_marks_every_page_stale_and_no_change_marks_none(project_copy, run_build):
    first = run_build(project_copy, "html")
    assert first.returncode == 0, first.stdout[-3000:]
    unchanged = run_build(project_copy, "html")
    assert unchanged.returncode == 0
    assert _executed(unchanged.stdout) == 0, [l for l in unchanged.stdout.splitlines() if "environment" in l or "WARN" in l]
    (project_copy / "data" / "extra.csv").write_text("x\n1\n")
    changed = run_build(project_copy, "html")
    assert changed.returncode == 0, changed.stdout[-3000:]
    assert _executed(changed.stdout) == _executed(first.stdout) > 0


def test_configuration_or_code_change_re_executes_through_the_extension(project_copy, run_build):
    """A change that Sphinx cannot see (not in any page, not in conf) is caught by the fingerprint."""
    assert run_build(project_copy, "html").returncode == 0
    review = project_copy / "review.yml"
    review.write_text(review.read_text() + "\n# touched\n")
    rebuilt = run_build(project_copy, "html")
    assert rebuilt.returncode == 0
    assert "re-executing" in rebuilt.stdout
    assert _executed(rebuilt.stdout) > 0
