"""Values from data are shown literally on every page of the HTML site and in the PDF.

The book is built (once; slow) from a project copy in which every free-text cell of the
evidence data and of the search logs ends with :data:`HOSTILE`: HTML that would run a
script or make text bold, and every character LaTeX, MyST or matplotlib's mathtext treat
as markup. No page may hold a ``<script>`` or ``<b>`` element from data, and the value
must be visible as written in the HTML pages and in the PDF text.
"""

from __future__ import annotations

import csv
import html
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.book.conftest import build, copy_project, toc_files

pytestmark = pytest.mark.slow

HOSTILE = r"<script>alert(1)</script><b>x</b> & % $ # _ { } ~ ^ \ | *e* `c`"
# Columns whose free text is read by the package (names of other columns, numbers): not free text.
NOT_FREE = {"field"}
SEARCH_TEXT = {"search/records.csv": ("title", "authors", "journal", "abstract"),
               "search/screening_log.csv": ("note",)}
# pages that show free text from data in a table or in prose (the five pages of the report, and more)
PAGES_WITH_DATA = ("notebooks/generated/drug_lenvatinib", "notebooks/08_safety", "notebooks/07_trials_versus_real_world",
                   "notebooks/04_search_and_selection", "book/changelog")


def _free_columns(data: Path) -> dict[str, tuple[str, ...]]:
    package = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    out = dict(SEARCH_TEXT)
    for res in package["resources"]:
        out[res["path"]] = tuple(f["name"] for f in res["schema"]["fields"]
                                 if f.get("type", "string") == "string" and f["name"] not in NOT_FREE
                                 and not {"enum", "pattern"} & set(f.get("constraints", {})))
    return out


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def poison(data: Path) -> int:
    """Append HOSTILE to every non-empty free-text cell under ``data``; return how many cells changed."""
    changed = 0
    for name, columns in _free_columns(data).items():
        path = data / name
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        for row in rows[1:]:
            for column in columns:
                i = rows[0].index(column)
                if row[i] and not _is_number(row[i]):
                    row[i] = f"{row[i]} {HOSTILE}"
                    changed += 1
        with path.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle, lineterminator="\n").writerows(rows)
    return changed


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.scripts: list[str] = []
        self.bold: list[str] = []
        self.text: list[str] = []
        self._open: list[str] = []

    def handle_starttag(self, tag, attrs):
        self._open.append(tag)

    def handle_endtag(self, tag):
        if tag in self._open:
            del self._open[len(self._open) - 1 - self._open[::-1].index(tag):]

    def handle_data(self, data):
        if self._open and self._open[-1] == "script":
            self.scripts.append(data)
        elif self._open and self._open[-1] == "b":
            self.bold.append(data)
        self.text.append(data)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text.replace("˜", "~").replace("ˆ", "^").replace("\u2019", "'"))


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory):
    root = copy_project(tmp_path_factory.mktemp("hostile") / "project")
    assert poison(root / "data") > 100
    return root, build(root, "html"), build(root, "pdflatex")


def test_hostile_data_still_build(hostile_build):
    _, html_run, pdf_run = hostile_build
    assert html_run.returncode == 0, (html_run.stdout + html_run.stderr)[-5000:]
    assert pdf_run.returncode == 0, (pdf_run.stdout + pdf_run.stderr)[-5000:]


def test_no_page_holds_markup_from_data_and_the_value_reads_as_written(hostile_build):
    root = hostile_build[0]
    site = root / "_build" / "html"
    shown = []
    for page in toc_files(root):
        source = (site / f"{page}.html").read_text(encoding="utf-8")
        parsed = _Elements()
        parsed.feed(source)
        assert not [s for s in parsed.scripts if "alert(1)" in s], f"{page}: a <script> element from data"
        assert "x" not in [b.strip() for b in parsed.bold], f"{page}: a <b> element from data"
        assert "<script>alert(1)" not in source, page
        if _squash(HOSTILE) in _squash("".join(parsed.text)):
            shown.append(page)
        else:
            assert "alert(1)" not in "".join(parsed.text), f"{page}: the value is shown, but not as written"
    assert set(PAGES_WITH_DATA) <= set(shown), sorted(set(PAGES_WITH_DATA) - set(shown))


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) not installed")
def test_the_pdf_shows_the_value_as_written(hostile_build):
    pdf = hostile_build[0] / "_build" / "latex" / "living-review.pdf"
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    squashed = _squash(text)
    assert squashed.count(_squash(HOSTILE)) >= 10
    assert _squash(html.escape("<script>")) not in squashed  # not double-escaped either
