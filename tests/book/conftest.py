"""Fixtures that copy the project and build the book from the copy.

The book is built once per test session into a temporary folder, from a copy of the
project without any build output or execution cache, so that what is tested is a cold
build exactly as a fresh clone would make it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
import yaml

from living_review.core.paths import project_root

COPY_IGNORE = shutil.ignore_patterns(
    ".git", ".venv", ".venv-cff", "_build", "runs", "*.tar.gz", "generated", "__pycache__", ".pytest_cache",
    ".hypothesis", "*.egg-info", ".ipynb_checkpoints", "test-artifacts", ".lock-venv",
)
JB_FLAGS = ["-W", "-n", "--keep-going"]


@dataclass(frozen=True)
class BookBuild:
    root: Path
    html_log: str
    pdf_log: str
    html_returncode: int
    pdf_returncode: int

    @property
    def html_dir(self) -> Path:
        return self.root / "_build" / "html"

    @property
    def pdf(self) -> Path:
        return self.root / "_build" / "latex" / "living-review.pdf"


def jupyter_book() -> str:
    return str(Path(sys.executable).with_name("jupyter-book"))


def copy_project(target: Path) -> Path:
    """Copy the project without build output, then generate its drug chapters as make does."""
    shutil.copytree(project_root(), target, ignore=COPY_IGNORE)
    env = {**os.environ, "LIVING_REVIEW_ROOT": str(target)}
    subprocess.run([sys.executable, "-m", "living_review.book.chapters"], cwd=target, env=env, check=True)
    return target


def build(root: Path, builder: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "LIVING_REVIEW_ROOT": str(root)}
    return subprocess.run(
        [jupyter_book(), "build", str(root), "--builder", builder, "--path-output", str(root), *JB_FLAGS],
        cwd=root, env=env, capture_output=True, text=True, timeout=1800,
    )


def toc_files(root: Path) -> list[str]:
    """Every page named in ``_toc.yml``, root first, in reading order."""
    toc = yaml.safe_load((root / "_toc.yml").read_text())
    files = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                files.append(entry["file"])
            walk(entry.get("sections"))
            walk(entry.get("chapters"))

    walk(toc.get("parts"))
    walk(toc.get("chapters"))
    return files


def _build_book(folder: Path) -> BookBuild:
    root = copy_project(folder / "project")
    html = build(root, "html")
    pdf = build(root, "pdflatex")
    return BookBuild(root, html.stdout + html.stderr, pdf.stdout + pdf.stderr, html.returncode, pdf.returncode)


@pytest.fixture(scope="session")
def book_build(tmp_path_factory) -> BookBuild:
    """The book, built once per test run: with pytest-xdist, the first worker that needs it
    builds it into the run's shared temporary folder while the others wait, then all read it."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return _build_book(tmp_path_factory.mktemp("book"))
    import fcntl
    import json

    shared = tmp_path_factory.getbasetemp().parent / "shared-book-build"  # one per run, for every worker
    shared.mkdir(exist_ok=True)
    with (shared / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
        done = shared / "build.json"
        if not done.is_file():
            made = _build_book(shared)
            done.write_text(json.dumps({**made.__dict__, "root": str(made.root)}), encoding="utf-8")
        found = json.loads(done.read_text(encoding="utf-8"))
    return BookBuild(**{**found, "root": Path(found["root"])})


@pytest.fixture(scope="session")
def toc() -> list[str]:
    return toc_files(project_root())


@pytest.fixture
def project_copy(tmp_path) -> Path:
    return copy_project(tmp_path / "project")


@pytest.fixture
def run_build():
    return build


def code_notebook(*sources: str) -> nbformat.NotebookNode:
    """A notebook of code cells with the Python 3 kernelspec, for tests that execute one."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb
