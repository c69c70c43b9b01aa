"""No stale result: a change in data/, in the engine or in the configuration re-executes the
chapters on the next incremental build, and the new number is on the page.

These builds use a small book (the welcome page and one probe chapter that prints a number
read through the data loader) so the mechanism is tested quickly; the full book uses the
same configuration and extension.
"""

from __future__ import annotations

import csv
import re

import pytest

pytestmark = pytest.mark.slow

PROBE = """---
jupytext:
  text_representation: {extension: .md, format_name: myst, format_version: 0.13}
kernelspec: {display_name: Python 3, language: python, name: python3}
---

# Probe

```{code-cell} ipython3
from living_review.data import load_evidence
studies = load_evidence().studies.set_index("study_id")
print("PROBE n_enrolled =", int(studies.loc["wirth2021", "n_enrolled"]))
```
"""


def _executed(log: str) -> int:
    """How many notebooks the build executed."""
    return len(re.findall(r"Executed notebook in", log))


def _small_book(root):
    (root / "notebooks" / "probe.md").write_text(PROBE)
    (root / "_toc.yml").write_text("format: jb-book\nroot: book/index\nchapters:\n  - file: notebooks/probe\n")
    return root / "_build" / "html" / "notebooks" / "probe.html"


def _set_n_enrolled(root, study_id: str, value: int) -> None:
    path = root / "data" / "studies.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    column = rows[0].index("n_enrolled")
    for row in rows[1:]:
        if row[0] == study_id:
            row[column] = str(value)
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def test_a_changed_count_is_on_the_page_after_the_next_build(project_copy, run_build):
    page = _small_book(project_copy)
    first = run_build(project_copy, "html")
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    assert "PROBE n_enrolled = 34" in page.read_text()
    unchanged = run_build(project_copy, "html")
    assert unchanged.returncode == 0
    assert _executed(unchanged.stdout) == 0
    _set_n_enrolled(project_copy, "wirth2021", 35)
    changed = run_build(project_copy, "html")
    assert changed.returncode == 0, changed.stdout[-3000:] + changed.stderr[-3000:]
    assert _executed(changed.stdout) == _executed(first.stdout) > 0
    html = page.read_text()
    assert "PROBE n_enrolled = 35" in html and "PROBE n_enrolled = 34" not in html


def test_configuration_or_code_change_re_executes_through_the_extension(project_copy, run_build):
    """A change that Sphinx cannot see (not in any page, not in its configuration) is caught."""
    _small_book(project_copy)
    assert run_build(project_copy, "html").returncode == 0
    review = project_copy / "review.yml"
    review.write_text(review.read_text() + "\n# touched\n")
    rebuilt = run_build(project_copy, "html")
    assert rebuilt.returncode == 0
    assert "re-executing" in rebuilt.stdout
    assert _executed(rebuilt.stdout) > 0


def test_invalid_data_fails_the_build_before_rendering(project_copy, run_build):
    """A chapter that loads invalid data raises, so the build stops instead of rendering."""
    page = _small_book(project_copy)
    _set_n_enrolled(project_copy, "wirth2021", -1)
    result = run_build(project_copy, "html")
    assert result.returncode != 0
    assert "studies.csv" in result.stdout + result.stderr
    assert not page.exists()
