"""Citation metadata: one source (CITATION.cff), valid, in sync with the version and .zenodo.json."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pybtex.database
import pytest
import rispy
import yaml

import living_review
from living_review.versions.citation import bibtex, load_citation, ris, write_zenodo_json, zenodo_json
from living_review.core.paths import project_root

ROOT = project_root()


def _cffconvert() -> Path | None:
    venv = os.environ.get("CFF_VENV")
    candidates = [Path(venv) / "bin" / "cffconvert"] if venv else []
    candidates.append(ROOT / ".venv-cff" / "bin" / "cffconvert")
    return next((c for c in candidates if c.is_file()), None)


CFFCONVERT = _cffconvert()
needs_cffconvert = pytest.mark.skipif(
    CFFCONVERT is None,
    reason="cffconvert not found: set CFF_VENV to a venv made from requirements-cff.txt, or create .venv-cff",
)


def _cff_copy(tmp_path, **changes) -> Path:
    raw = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    raw.update(changes)
    (tmp_path / "CITATION.cff").write_text(yaml.safe_dump(raw, sort_keys=False, allow_unicode=True))
    return tmp_path


def test_cff_version_is_the_package_version():
    assert str(yaml.safe_load((ROOT / "CITATION.cff").read_text())["version"]) == living_review.__version__


def test_committed_zenodo_json_is_what_the_generator_produces():
    assert (ROOT / ".zenodo.json").read_text(encoding="utf-8") == zenodo_json(ROOT), (
        "regenerate it: python -m living_review.versions.citation"
    )


def test_zenodo_carries_the_cff_metadata():
    raw = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    meta = json.loads(zenodo_json(ROOT))
    assert meta["title"] == raw["title"] and meta["version"] == raw["version"]
    assert meta["keywords"] == raw["keywords"] and meta["license"] == {"id": raw["license"]}
    assert meta["description"] == " ".join(raw["abstract"].split())
    assert [c["name"] for c in meta["creators"]] == [a.get("name") or a["family-names"] for a in raw["authors"]]


def test_persons_dois_and_repository_become_creators_and_related_identifiers(tmp_path):
    root = _cff_copy(
        tmp_path,
        authors=[{"family-names": "Doe", "given-names": "Jane", "orcid": "https://orcid.org/0000-0002-1825-0097"}],
        references=[{"type": "article", "title": "x", "authors": [{"name": "y"}], "doi": "10.1097/MD.0000000000038679"}],
        **{"repository-code": "https://example.org/review"},
    )
    meta = json.loads(write_zenodo_json(root).read_text())
    assert meta["creators"] == [{"name": "Doe, Jane", "orcid": "0000-0002-1825-0097"}]
    assert {"identifier": "10.1097/MD.0000000000038679", "relation": "references", "scheme": "doi"} in meta["related_identifiers"]
    assert "author = {Doe, Jane}" in bibtex(root)


def test_bibtex_parses_and_names_the_version():
    entry = next(iter(pybtex.database.parse_string(bibtex(ROOT), "bibtex").entries.values()))
    citation = load_citation(ROOT)
    assert entry.type == "misc"
    assert entry.fields["version"] == citation.version
    assert entry.fields["year"] == citation.year
    assert citation.title in entry.fields["title"]


def test_ris_parses_with_the_same_metadata():
    (record,) = rispy.loads(ris(ROOT))
    citation = load_citation(ROOT)
    assert record["type_of_reference"] == "COMP"
    assert record["title"] == citation.title
    assert record["edition"] == citation.version
    assert record["keywords"] == list(citation.keywords)
    assert record["authors"] == [a.display for a in citation.authors]


def test_missing_title_is_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match="'title' is missing"):
        load_citation(_cff_copy(tmp_path, title=""))


@needs_cffconvert
def test_cff_is_valid_against_the_cff_1_2_schema():
    result = subprocess.run([str(CFFCONVERT), "--validate", "-i", str(ROOT / "CITATION.cff")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


@needs_cffconvert
def test_the_schema_check_catches_an_invalid_file(tmp_path):
    """The validation above can fail: a malformed date is rejected by the same command."""
    root = _cff_copy(tmp_path, **{"date-released": "22 November 2026"})
    result = subprocess.run([str(CFFCONVERT), "--validate", "-i", str(root / "CITATION.cff")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0


@needs_cffconvert
def test_zenodo_agrees_with_cffconvert_on_shared_fields():
    result = subprocess.run([str(CFFCONVERT), "-f", "zenodo", "-i", str(ROOT / "CITATION.cff")],
                            capture_output=True, text=True, timeout=60, check=True)
    theirs, ours = json.loads(result.stdout), json.loads(zenodo_json(ROOT))
    shared = sorted(set(theirs) & set(ours))
    assert {"title", "version", "creators", "license", "keywords", "description"} <= set(shared)
    assert {k: theirs[k] for k in shared} == {k: ours[k] for k in shared}



def test_hostile_metadata_stays_valid_bibtex_and_literal_on_the_page(tmp_path):
    from markdown_it import MarkdownIt

    from living_review.core.markup import code_block

    title = "A {review ``` <script>alert(1)</script> & 50% $x_1$ # ~ ^ \\ }} end"
    root = _cff_copy(tmp_path, title=title, authors=[{"name": "Team {x"}])
    text = bibtex(root)
    entry = next(iter(pybtex.database.parse_string(text, "bibtex").entries.values()))  # braces balanced
    assert "<script>" in entry.fields["title"]
    tokens = MarkdownIt("commonmark").parse(code_block(text, "bibtex"))
    assert [t.type for t in tokens] == ["fence"] and tokens[0].content == text
    tokens = MarkdownIt("commonmark").parse(code_block(ris(root), "text"))
    assert [t.type for t in tokens] == ["fence"] and f"TI  - {title}" in tokens[0].content


def test_a_citation_file_with_a_syntax_error_is_located(tmp_path):
    (tmp_path / "CITATION.cff").write_text("title: x\nauthors:\n\t- name: y\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"^CITATION.cff:3:1: a tab is used for indentation"):
        load_citation(tmp_path)


def _git_repo(tmp_path, version: str, released: dict[str, str]):
    """A checkout whose CITATION.cff says ``version`` and whose releases were committed on the given dates."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    root = _cff_copy(tmp_path, version=version)

    def git(*args, date=None):
        env = {**os.environ, **({"GIT_COMMITTER_DATE": date, "GIT_AUTHOR_DATE": date} if date else {})}
        subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args], cwd=root, env=env,
                       check=True, capture_output=True)

    git("init", "-q")
    for release, date in released.items():
        (root / "releases" / release).mkdir(parents=True)
        (root / "releases" / release / "summary.json").write_text("{}\n")
        git("add", ".")
        git("commit", "-q", "-m", f"Release {release}", date=f"{date}T23:30:00+00:00")
    return root


def test_a_development_build_says_it_is_not_a_release_and_cites_the_latest_release_first(tmp_path):
    from living_review.versions.citation import citation_status

    root = _git_repo(tmp_path, "1.3.0.dev0", {"1.1.0": "2026-12-01", "1.2.0": "2026-12-02"})
    status = citation_status(root)
    assert not status.is_release and status.latest.version == "1.2.0" and status.latest.date_released == "2026-12-02"
    sentence = status.sentence()
    assert sentence.startswith("This build (1.3.0.dev0) is a development build, not a release")
    assert "The latest release is version 1.2.0, released 2026-12-02; cite that version" in sentence
    assert "version = {1.2.0}" in bibtex(citation=status.latest) and "ET  - 1.2.0" in ris(citation=status.latest)
    assert "1.3.0.dev0" not in bibtex(citation=status.latest)


def test_a_release_build_cites_itself_and_a_build_before_any_release_says_there_is_none(tmp_path):
    from living_review.versions.citation import citation_status

    release = citation_status(_git_repo(tmp_path / "a", "1.3.0", {"1.2.0": "2026-12-02"}))
    assert release.is_release and release.latest == release.current and release.current.version == "1.3.0"
    assert release.sentence().startswith("This is release 1.3.0")
    nothing = citation_status(_git_repo(tmp_path / "b", "0.1.0.dev0", {}))
    assert nothing.latest is None and "no version has been released yet" in nothing.sentence()


def test_release_dates_come_from_the_commit_that_added_the_summary(tmp_path):
    from living_review.versions.dates import is_release_version, latest_release, release_date

    root = _git_repo(tmp_path, "1.3.0.dev0", {"1.0.0": "2026-11-22", "1.1.0": "2026-12-01"})
    assert release_date("1.0.0", root) == "2026-11-22" and release_date("9.0.0", root) is None
    assert latest_release(root) == ("1.1.0", "2026-12-01")
    assert not is_release_version("1.3.0.dev0") and not is_release_version("2.0.0rc1") and is_release_version("1.2.0")
