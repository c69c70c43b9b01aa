"""A release is the same byte for byte wherever it is built, and ``living-review verify`` says so.

A small book (the welcome page and one chapter that pools, records an estimate and draws a
figure) is committed into a git repository and cloned into another folder, each with other
untracked files, and released from both as ``make release`` does: the checksums are
identical. Then ``living-review verify`` rebuilds the release in a temporary worktree and
every checksum passes, in the releasing folder and in a fresh clone without tags
(tests/release/test_verify.py checks that a difference fails it).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from living_review._version import __version__

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(shutil.which("git") is None or shutil.which("make") is None,
                                 reason="needs git and make")]

ROOT = Path(__file__).resolve().parents[2]
PROBE = """---
jupytext:
  text_representation: {extension: .md, format_name: myst, format_version: 0.13}
kernelspec: {display_name: Python 3, language: python, name: python3}
---

# Probe

```{code-cell} ipython3
:tags: [remove-cell]
from myst_nb import glue
from living_review.provenance.ledger import record_result
from living_review.data import load_evidence
from living_review.meta import metaprop
from living_review.meta.forest import forest
from living_review.report import figures

figures.use_book_style()
studies = load_evidence().studies.head(3)
result = metaprop(studies["n_enrolled"] * 0 + 3, studies["n_enrolled"], studies=studies["study_id"])
record_result("probe.orr", result, outcome="ORR", chapter="probe")
glue("k", int(result.k), display=False)
```

The probe pools {glue:}`k` studies.

```{code-cell} ipython3
:tags: [remove-input]
figures.publish(forest(result, xlabel="proportion"), "probe")
```
"""


def _git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
                          cwd=root, check=True, capture_output=True, text=True).stdout.strip()


def _stray(target: Path, stray: dict[str, str]) -> None:
    """Untracked files: ignored only in this clone (.git/info/exclude), so the release guard lets them be."""
    for name, text in stray.items():
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        with (target / ".git" / "info" / "exclude").open("a") as handle:
            handle.write(f"/{name}\n")


def _small_project(target: Path) -> Path:
    shutil.copytree(ROOT, target, ignore=shutil.ignore_patterns(
        ".git", ".venv", ".venv-cff", "_build", "runs", "releases", "generated", "__pycache__", ".pytest_cache",
        ".hypothesis", "*.egg-info", ".ipynb_checkpoints", "test-artifacts", ".lock-venv", "notebooks"))
    (target / "notebooks" / "templates").mkdir(parents=True)
    for template in (ROOT / "notebooks" / "templates").iterdir():
        shutil.copy(template, target / "notebooks" / "templates" / template.name)
    (target / "notebooks" / "probe.md").write_text(PROBE)
    (target / "_toc.yml").write_text("format: jb-book\nroot: book/index\nchapters:\n  - file: notebooks/probe\n")
    config = yaml.safe_load((target / "review.yml").read_text())
    config["drug_chapters"]["drugs"] = []  # no generated drug chapter in the small book
    config["releases"]["scopes"] = {"update": {"description": "The probe.", "estimates": ["*"], "studies": "all",
                                               "headlines": {}}}
    (target / "review.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    _git(target, "init", "-q")
    _git(target, "add", "-A")
    _git(target, "commit", "-q", "-m", "small book")
    return target


def _env(root: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("SOURCE_DATE_EPOCH", "LIVING_REVIEW_BUILD_DIR")}
    return {**env, "LIVING_REVIEW_ROOT": str(root), "PYTHONPATH": str(root / "src")}


def _make_release(root: Path) -> subprocess.CompletedProcess:
    """``make release`` without its guard's test run and system packages: the build and the release step."""
    venv = Path(sys.prefix)
    make = ["make", "-C", str(root), f"VENV={venv}", "INSTALL=no"]
    build = subprocess.run([*make, "release-build"], env=_env(root), capture_output=True, text=True, timeout=1800)
    if build.returncode != 0:
        return build
    epoch = _git(root, "log", "-1", "--format=%ct")
    return subprocess.run([str(venv / "bin" / "living-review"), "release", "--skip-tests", "--tag"], cwd=root,
                          env={**_env(root), "SOURCE_DATE_EPOCH": epoch, "FORCE_SOURCE_DATE": "1", "TZ": "UTC",
                               "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"},
                          capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def two_releases(tmp_path_factory):
    base = tmp_path_factory.mktemp("release")
    one = _small_project(base / "one" / "project")
    two = base / "elsewhere" / "deeper" / "project"  # the same commit, cloned into another folder
    subprocess.run(["git", "clone", "-q", str(one), str(two)], check=True)
    _stray(one, {"data/scratch.csv": "stray\n", "src/living_review.egg-info/PKG-INFO": "Name: a\n"})
    _stray(two, {"notes.txt": "other\n", "src/living_review.egg-info/SOURCES.txt": f"{two}/src\n"})
    results = [_make_release(root) for root in (one, two)]
    for result in results:
        assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return one, two


def test_two_folders_with_other_untracked_files_give_identical_checksums(two_releases):
    one, two = two_releases
    sums = [(root / "releases" / __version__ / "SHA256SUMS").read_text() for root in (one, two)]
    assert sums[0] == sums[1]
    assert f"living-review-{__version__}.tar.gz" in sums[0] and "summary.json" in sums[0] and "MANIFEST.tsv" in sums[0]
    for root in (one, two):
        summary = (root / "releases" / __version__ / "summary.json").read_text()
        assert str(root) not in summary and '"probe.orr"' in summary


def _commit_release(root: Path) -> None:
    """Commit the release's summary and checksums, as the README's "Release" commit does (once)."""
    if _git(root, "status", "--porcelain", "--", "releases"):
        _git(root, "add", "-f", *(f"releases/{__version__}/{name}" for name in
                                   ("summary.json", "SHA256SUMS", "MANIFEST.tsv", "environment.json")))
        _git(root, "commit", "-q", "-m", "Release")


def _verify(root: Path) -> subprocess.CompletedProcess:
    command = [str(Path(sys.prefix) / "bin" / "living-review"), "verify", __version__]
    return subprocess.run(command, cwd=root, env=_env(root), capture_output=True, text=True, timeout=1800)


def test_the_release_is_tagged_and_verify_passes(two_releases):
    one, _ = two_releases
    assert _git(one, "rev-parse", f"v{__version__}^{{commit}}") == _git(one, "rev-parse", "HEAD")
    _commit_release(one)
    verified = _verify(one)
    assert verified.returncode == 0, verified.stdout[-4000:] + verified.stderr[-4000:]
    # summary, archive and its manifest; the environment record holds the one BLAS thread the release ran with
    environment = json.loads((one / "releases" / __version__ / "environment.json").read_text())
    assert environment["threads"]["OPENBLAS_NUM_THREADS"] == "1"
    assert verified.stdout.count("[pass]") == 3 and f"verify {__version__}: PASS (identical" in verified.stdout
    assert verified.returncode == 0 and "environment (published | rebuilt):" in verified.stdout
    assert "building with" in verified.stdout  # the pins are this environment's: reused, not reinstalled


def test_verify_passes_in_a_fresh_clone_without_tags_in_another_folder(two_releases, tmp_path):
    one, _ = two_releases
    _commit_release(one)
    fresh = tmp_path / "fresh" / "clone"  # no tag, no _build, no untracked file, another folder name
    subprocess.run(["git", "clone", "-q", "--no-tags", f"file://{one}", str(fresh)], check=True)
    assert _git(fresh, "tag", "-l") == "" and not (fresh / "_build").exists()
    verified = _verify(fresh)
    assert verified.returncode == 0, verified.stdout[-4000:] + verified.stderr[-4000:]
    assert f"no tag v{__version__} in this clone" in verified.stdout
    assert verified.stdout.count("[pass]") == 3 and f"verify {__version__}: PASS" in verified.stdout
