"""No stale result: a change in anything a chapter used re-executes it on the next
incremental build, and the new number is on the page; a change in what it did not use
leaves it alone.

These builds use a small book (the welcome page and probe chapters) so the mechanism is
tested quickly; the full book uses the same configuration and extension. One test per kind
of dependency: a data file read through the loader, a file read directly (never declared),
the settings, the package code, the chapter's own source, and the ledger records another
chapter wrote (read by a chapter that runs after it).
"""

from __future__ import annotations

import csv
import re

import pandas as pd

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
from living_review.settings import load_settings
studies = load_evidence().studies.set_index("study_id")
print("PROBE n_enrolled =", int(studies.loc["wirth2021", "n_enrolled"]))
print("PROBE level =", load_settings().meta_analysis.level)
```
"""

# reads one file straight with pandas: no loader, no declaration
SEARCH_PROBE = PROBE.split("# Probe")[0] + """# Search probe

```{code-cell} ipython3
import pandas as pd
from living_review.core.paths import data_dir
print("SEARCH first title =", pd.read_csv(data_dir() / "search" / "records.csv")["title"].iloc[0])
```
"""

# records an estimate from the data, and a consumer that reads it from the ledger
WRITER = PROBE.split("# Probe")[0] + """# Writer

```{code-cell} ipython3
from living_review.provenance.ledger import record
from living_review.data import load_evidence
n = int(load_evidence().studies.set_index("study_id").loc["wirth2021", "n_enrolled"])
record("probe.n", outcome="n", estimate=0.5, ci_low=0.1, ci_high=0.9, k=1, n=n, params={}, inputs=[],
       chapter="writer")
```
"""
# uses the adverse events (and, through their checks, the studies), as the safety chapter does
SAFETY_PROBE = PROBE.split("# Probe")[0] + """# Safety probe

```{code-cell} ipython3
from living_review.data import load_evidence
events = load_evidence().adverse_events
print("SAFETY first note =", events["notes"].iloc[0])
```
"""
# reads only the records under one key prefix, as the drug chapters read the survival chapter's
KEYED = PROBE.split("# Probe")[0] + """# Keyed reader

```{code-cell} ipython3
from living_review.provenance.ledger import collect
print("KEYED n =", collect(prefix="probe.n")["probe.n"]["n"])
```
"""
CONSUMER = PROBE.split("# Probe")[0] + """# Consumer

```{code-cell} ipython3
from living_review.provenance.ledger import collect
print("CONSUMER n =", collect()["probe.n"]["n"])
```
"""


def _executed(log: str) -> int:
    """How many notebooks the build executed."""
    return len(re.findall(r"Executed notebook in", log))


def _small_book(root):
    (root / "notebooks" / "probe.md").write_text(PROBE)
    (root / "_toc.yml").write_text("format: jb-book\nroot: book/index\nchapters:\n  - file: notebooks/probe\n")
    return root / "_build" / "html" / "notebooks" / "probe.html"


def _book(root, pages: dict[str, str], last: list[str] = ()):
    """A small book of ``pages`` ({name: MyST text}) under notebooks/; ``last`` read the ledger."""
    for name, text in pages.items():
        (root / "notebooks" / f"{name}.md").write_text(text)
    entries = "".join(f"  - file: notebooks/{name}\n" for name in pages)
    (root / "_toc.yml").write_text(f"format: jb-book\nroot: book/index\nchapters:\n{entries}")
    # a plain front page: the book's own (a notebook with the abstract) would be one more chapter to run
    (root / "book" / "index.md").write_text("# A small book\n\nThe pages of this test.\n")
    if last:
        config = root / "_config.yml"
        config.write_text(re.sub(r"living_review_read_last: \[[^\]]*\]",
                                 f"living_review_read_last: [{', '.join(f'notebooks/{n}' for n in last)}]",
                                 config.read_text()))
    return {name: root / "_build" / "html" / "notebooks" / f"{name}.html" for name in pages}


def _executed_pages(log: str) -> set[str]:
    return set(re.findall(r"Executed notebook in [0-9.]+ seconds: notebooks/(\w+)", log))


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
    if value >= 0:  # a correction changes the quote it stands on too (quotes.csv), or validate refuses it
        _set_quote(root, study_id, "n_enrolled", f"{value} patients enrolled")


def _set_quote(root, study_id: str, field: str, quote: str) -> None:
    path = root / "data" / "quotes.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    head = rows[0]
    hits = [r for r in rows[1:] if r[head.index("study_id")] == study_id and r[head.index("field")] == field]
    assert hits, f"no quote of {study_id}.{field} in {path}"
    for row in hits:
        row[head.index("quote")] = quote
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def _check_first_adverse_event(root) -> str:
    """Add '(checked)' to the notes of the first adverse-event row (the data stay valid); the new note."""
    path = root / "data" / "adverse_events.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    column = rows[0].index("notes")
    rows[1][column] = f"{rows[1][column]} (checked)".strip()
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    return rows[1][column]


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


def test_each_chapter_re_executes_only_for_what_it_read(project_copy, run_build):
    pages = _book(project_copy, {"probe": PROBE, "search_probe": SEARCH_PROBE, "safety_probe": SAFETY_PROBE})
    first = run_build(project_copy, "html")
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    assert _executed_pages(first.stdout) == {"probe", "search_probe", "safety_probe"}
    # a data file that only the safety probe used (the probe loads the studies alone, the search
    # probe no evidence table): only the safety probe is executed, and its page has the new text
    first_note = _check_first_adverse_event(project_copy)
    changed = run_build(project_copy, "html")
    assert changed.returncode == 0, changed.stdout[-3000:]
    assert _executed_pages(changed.stdout) == {"safety_probe"}
    assert "re-executing notebooks/safety_probe: data/adverse_events.csv changed" in changed.stdout
    assert f"SAFETY first note = {first_note}" in pages["safety_probe"].read_text()
    # a table the safety probe's checks read (adverse-event denominators against the cohorts)
    _set_n_enrolled(project_copy, "wirth2021", 35)
    studies = run_build(project_copy, "html")
    assert studies.returncode == 0, studies.stdout[-3000:]
    assert _executed_pages(studies.stdout) == {"probe", "safety_probe"}
    assert "PROBE n_enrolled = 35" in pages["probe"].read_text()
    # the file the search probe read straight with pandas, declared nowhere
    records = project_copy / "data" / "search" / "records.csv"
    before = pages["search_probe"].read_text()
    title = pd.read_csv(records, dtype=str, keep_default_na=False)["title"].iloc[0]
    records.write_text(records.read_text().replace(title, f"{title} edited", 1))
    rows = run_build(project_copy, "html")
    assert rows.returncode == 0, rows.stdout[-3000:] + rows.stderr[-3000:]
    assert "search_probe" in _executed_pages(rows.stdout)
    assert f"SEARCH first title = {title} edited" in pages["search_probe"].read_text() != before


def test_settings_code_and_source_changes_re_execute(project_copy, run_build):
    pages = _book(project_copy, {"probe": PROBE, "search_probe": SEARCH_PROBE})
    assert run_build(project_copy, "html").returncode == 0
    # settings: the probe read review.yml, the search probe did not
    review = project_copy / "review.yml"
    review.write_text(review.read_text().replace("level: 0.95", "level: 0.9", 1))
    settings = run_build(project_copy, "html")
    assert settings.returncode == 0, settings.stdout[-3000:]
    assert _executed_pages(settings.stdout) == {"probe"} and "PROBE level = 0.9" in pages["probe"].read_text()
    # package code: every chapter
    module = project_copy / "src" / "living_review" / "core" / "paths.py"
    module.write_text(module.read_text() + "\n# touched\n")
    code = run_build(project_copy, "html")
    assert _executed_pages(code.stdout) == {"probe", "search_probe"}
    assert "the package code changed" in code.stdout
    # the chapter's own source
    source = project_copy / "notebooks" / "search_probe.md"
    source.write_text(source.read_text().replace("SEARCH first title =", "SEARCH title ="))
    own = run_build(project_copy, "html")
    assert _executed_pages(own.stdout) == {"search_probe"}
    assert "SEARCH title =" in pages["search_probe"].read_text()


def test_a_ledger_reader_runs_after_the_writer_and_again_when_its_record_changes(project_copy, run_build, monkeypatch):
    monkeypatch.setenv("LIVING_REVIEW_JOBS", "2")
    undeclared = CONSUMER.replace("CONSUMER n", "UNDECLARED n")  # reads the ledger, declared nowhere
    pages = _book(project_copy, {"consumer": CONSUMER, "writer": WRITER, "search_probe": SEARCH_PROBE,
                                 "undeclared": undeclared}, last=["consumer"])
    first = run_build(project_copy, "html")
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    order = re.findall(r"\[(\d)/\d\] Executed notebook in [0-9.]+ seconds: notebooks/(\w+) \((\d) left\)", first.stdout)
    assert [name for _, name, _ in order][-1] == "consumer"  # after the two others, which ran in parallel
    assert "CONSUMER n = 34" in pages["consumer"].read_text()
    # found reading the ledger on its first run: run again after the writer
    assert "re-executing notebooks/undeclared: it reads the ledger, and chapters that write it ran in this build" in first.stdout
    assert "UNDECLARED n = 34" in pages["undeclared"].read_text()
    _set_n_enrolled(project_copy, "wirth2021", 36)
    changed = run_build(project_copy, "html")
    assert _executed_pages(changed.stdout) == {"writer", "consumer", "undeclared"}
    assert "UNDECLARED n = 36" in pages["undeclared"].read_text()
    assert "the ledger it reads changed" in changed.stdout
    assert "CONSUMER n = 36" in pages["consumer"].read_text()
    assert _executed(run_build(project_copy, "html").stdout) == 0


def test_a_reader_of_some_records_runs_once_when_it_read_them_last_and_not_for_their_fingerprint(
        project_copy, run_build, monkeypatch):
    # one process: the pages are executed in name order, so the keyed reader reads after the writer
    monkeypatch.setenv("LIVING_REVIEW_JOBS", "1")
    pages = _book(project_copy, {"writer": WRITER, "xkeyed": KEYED})
    first = run_build(project_copy, "html")
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    assert _executed(first.stdout) == 2  # each once: the records it read were already final
    assert "KEYED n = 34" in pages["xkeyed"].read_text()
    # the record changes: the writer, then the reader (known to read it), each once
    _set_n_enrolled(project_copy, "wirth2021", 36)
    changed = run_build(project_copy, "html")
    assert changed.returncode == 0, changed.stdout[-3000:]
    assert _executed_pages(changed.stdout) == {"writer", "xkeyed"} and _executed(changed.stdout) == 2
    assert "the ledger records probe.n it read changed" in changed.stdout
    assert "KEYED n = 36" in pages["xkeyed"].read_text()
    # data neither uses: the record's inputs fingerprint is brought up to date, nothing is executed
    _check_first_adverse_event(project_copy)
    other = run_build(project_copy, "html")
    assert other.returncode == 0, other.stdout[-3000:]
    assert _executed(other.stdout) == 0


def test_a_reader_of_some_records_that_read_them_too_early_runs_again(project_copy, run_build, monkeypatch):
    monkeypatch.setenv("LIVING_REVIEW_JOBS", "1")
    pages = _book(project_copy, {"akeyed": KEYED.replace('["probe.n"]["n"]', '.get("probe.n", {}).get("n")'),
                                 "writer": WRITER})
    first = run_build(project_copy, "html")
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    assert _executed_pages(first.stdout) == {"akeyed", "writer"} and _executed(first.stdout) == 3
    assert "KEYED n = 34" in pages["akeyed"].read_text()
