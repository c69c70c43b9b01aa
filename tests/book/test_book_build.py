"""The book build is a test: a cold build executes every chapter with no error and no warning."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

pytestmark = pytest.mark.slow

# Sphinx reports as "<where>: WARNING: ..." or "WARNING: ..."; LaTeX errors start with "!".
PROBLEM = re.compile(r"(^|: )(WARNING|ERROR|CRITICAL): |Traceback \(most recent call last\)|CellExecutionError|^! ")
# ipykernel 7 announces on stderr that it uses TCP on loopback: kernel start-up noise, not the build.
NOISE = re.compile(r"^\[IPKernelApp\] WARNING \| Kernel is running over TCP")


def _problems(log: str) -> list[str]:
    return [line for line in log.splitlines() if PROBLEM.search(line) and not NOISE.search(line)]


def test_html_build_succeeds_without_warnings(book_build):
    assert book_build.html_returncode == 0, book_build.html_log[-5000:]
    assert _problems(book_build.html_log) == []


def test_every_toc_page_rendered_to_html(book_build, toc):
    missing = [f for f in toc if not (book_build.html_dir / f"{f}.html").is_file()]
    assert missing == []
    assert (book_build.html_dir / "index.html").is_file()


def test_no_execution_error_in_rendered_pages(book_build, toc):
    for page in toc:
        html = (book_build.html_dir / f"{page}.html").read_text(encoding="utf-8")
        assert "Traceback" not in html, page
        assert 'class="output traceback' not in html, page


def test_citations_link_to_the_bibliography_of_their_own_page(book_build, toc):
    """Several chapters cite the same key; each citation must resolve on its own page."""
    checked = 0
    for page in toc:
        html = (book_build.html_dir / f"{page}.html").read_text(encoding="utf-8")
        # a citation is an internal reference whose tooltip is the formatted reference
        for target, title in re.findall(r'<a class="reference internal" href="([^"]*)" title="([^"]*)">', html):
            if "#" not in target or not title:
                continue
            doc, anchor = target.split("#", 1)
            assert doc == "", f"{page}: citation '{title[:40]}' links to another page ({target})"
            assert f'id="{anchor}"' in html, f"{page}: citation anchor #{anchor} missing"
            checked += 1
    assert checked > 0


def test_pdf_build_succeeds_without_warnings(book_build):
    assert book_build.pdf_returncode == 0, book_build.pdf_log[-5000:]
    assert _problems(book_build.pdf_log) == []
    assert book_build.pdf.is_file()


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) not installed")
def test_pdf_holds_every_chapter_title(book_build, toc):
    text = subprocess.run(
        ["pdftotext", "-layout", str(book_build.pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = re.sub(r"\s+", " ", text)
    titles = []
    for page in toc:
        source = book_build.root / (page + (".ipynb" if "generated" in page else ".md"))
        match = re.search(r"^# (.+)$", source.read_text(encoding="utf-8").replace('"# ', "\n# "), re.M)
        assert match, f"no title in {page}"
        titles.append(match.group(1).strip().rstrip('",').replace("\\n", ""))
    missing = [t for t in titles if re.sub(r"\s+", " ", t) not in flat]
    assert missing == []
    pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(
        ["pdfinfo", str(book_build.pdf)], capture_output=True, text=True, check=True).stdout).group(1))
    # chapters run on from one page to the next (openany), so a page per toc entry is not owed;
    # fewer pages than parts would mean whole parts went missing
    assert pages >= 5


def test_a_failing_chapter_fails_the_build(project_copy, run_build):
    """A notebook that raises must make the build exit non-zero, not just warn."""
    chapter = project_copy / "notebooks" / "02_background.md"
    chapter.write_text(chapter.read_text() + "\n```{code-cell} ipython3\nraise RuntimeError('boom')\n```\n")
    toc = project_copy / "_toc.yml"
    toc.write_text(
        "format: jb-book\nroot: book/index\nchapters:\n  - file: notebooks/02_background\n"
    )
    result = run_build(project_copy, "html")
    assert result.returncode != 0
    assert "boom" in result.stdout + result.stderr
