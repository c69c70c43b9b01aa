"""The living loop keeps its state in the repository: a fresh clone of a repository that has had
a run knows when each source was last searched, and its next run starts from that date.

Genuine bodies: ``edited/esearch2__Count1.xml`` and ``pubmed/biopython__Tests_Entrez_efetch2.txt``
(one record, PMID 19304878), then ``pubmed/biopython__Tests_Entrez_esearch8.xml``-free: the
second run on another day is answered with ``edited/esearch2__Count1.xml`` and
``pubmed/biopython__Tests_Medline_pubmed_result1.txt`` (PMID 12230038).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from living_review.cli import main

ROOT = Path(__file__).resolve().parents[2]
PM = "pubmed/biopython__Tests_"


def git(*args, cwd):
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repository(project, monkeypatch):
    """The copied project as a git repository with the project's own ``.gitignore``."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    for key, value in {"GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "T",
                       "GIT_COMMITTER_EMAIL": "t@example.org", "GIT_CONFIG_GLOBAL": "/dev/null"}.items():
        monkeypatch.setenv(key, value)
    root = project.parents[1]
    shutil.copy(ROOT / ".gitignore", root / ".gitignore")
    git("init", "-q", "-b", "main", cwd=root)
    git("add", "-A", cwd=root)
    git("commit", "-qm", "project", cwd=root)
    return root


def test_a_fresh_clone_knows_the_last_search(repository, replay, samples, capsys, monkeypatch, tmp_path):
    replay.on("/pubmed/esearch.fcgi", replay.Reply.sample("edited/esearch2__Count1.xml"))
    replay.on("/pubmed/efetch.fcgi", replay.Reply.sample(PM + "Entrez_efetch2.txt"))
    assert main(["search", "run", "pubmed", "--to", "2025-11-26"]) == 0
    git("add", "-A", cwd=repository)
    git("commit", "-qm", "search run", cwd=repository)
    tracked = git("ls-files", "data/search/runs", cwd=repository).split()
    assert tracked == ["data/search/runs/pubmed/2025-11-26/efetch-001.medline",
                       "data/search/runs/pubmed/2025-11-26/esearch.xml",
                       "data/search/runs/pubmed/2025-11-26/run.json"]

    clone = tmp_path / "clone"
    git("clone", "-q", str(repository), str(clone), cwd=tmp_path)
    monkeypatch.setenv("LIVING_REVIEW_ROOT", str(clone))
    monkeypatch.setenv("LIVING_REVIEW_BUILD_DIR", str(clone / "_build"))
    capsys.readouterr()
    assert main(["status"]) == 0
    assert "PubMed: 2025-11-26 (run 2025-11-26, 1 record)" in capsys.readouterr().out

    # The same day again: a second run folder, no clash of record ids.
    assert main(["search", "run", "pubmed", "--to", "2025-11-26"]) == 0
    assert (clone / "data/search/runs/pubmed/2025-11-26-2/run.json").is_file()
    # Another day: the search starts from the last run's end date, not from first_date.
    replay.on("/pubmed/efetch.fcgi", replay.Reply.sample(PM + "Medline_pubmed_result1.txt"))
    assert main(["search", "run", "pubmed", "--to", "2025-12-10"]) == 0
    assert "PubMed: 1 record from 2025-11-26 to 2025-12-10" in capsys.readouterr().out
    assert replay.calls("/pubmed/esearch.fcgi")[-1]["mindate"] == "2025/11/26"


def test_export_of_an_empty_queue(project, replay, samples, capsys, tmp_path):
    """Europe PMC's genuine empty result: nothing new, so the queue is empty and its export a header."""
    replay.on("/europepmc/search", replay.Reply.sample("europepmc/pyEuropePMC__tests_fixtures_search_no_results.json"))
    assert main(["search", "run", "europepmc", "--to", "2025-12-31"]) == 0
    assert "Europe PMC: 0 records" in capsys.readouterr().out
    assert main(["search", "dedupe"]) == 0
    for order in ("recorded", "relevance"):
        sheet = tmp_path / f"q-{order}.csv"
        assert main(["screen", "--reviewer", "AB", "--export", str(sheet), "--order", order]) == 0
        out, err = capsys.readouterr()
        assert f"{sheet}: 0 records to screen at title_abstract" in out and err == ""
        assert sheet.read_text().splitlines()[0].startswith("record_id,")
        assert len(sheet.read_text().splitlines()) == 1


def test_prisma_and_validate_build_mid_screening(project, replay, samples, capsys):
    """Four genuine PubMed records, one screened: PRISMA counts the three others as awaiting."""
    replay.on("/pubmed/esearch.fcgi", replay.Reply.sample("edited/esearch2__Count4.xml"))
    replay.on("/pubmed/efetch.fcgi", replay.Reply.sample(PM + "Medline_pubmed_result2.txt"))
    assert main(["search", "run", "pubmed", "--to", "2025-11-26"]) == 0
    assert main(["search", "dedupe"]) == 0
    import io
    import json

    import pytest
    monkey = pytest.MonkeyPatch()
    for who in ("AB", "CD"):
        monkey.setattr("sys.stdin", io.StringIO("e\ncase_report\nq\n"))
        assert main(["screen", "--reviewer", who, "--date", "2025-11-27"]) == 0
    monkey.undo()
    capsys.readouterr()
    assert main(["prisma", "--json"]) == 0
    out, err = capsys.readouterr()
    counts = json.loads(out)
    ids = [f"pubmed-2025-11-26-0000{k}" for k in (2, 3, 4)]
    assert (counts["records_screened"], counts["records_excluded"], counts["records_awaiting_screening"]) == (1, 1, 3)
    assert counts["awaiting_ids"] == ids and all(i in err for i in ids)
    assert main(["status"]) == 0
    assert "The PRISMA counts show 3 records as awaiting screening" in capsys.readouterr().out
    assert main(["validate"]) == 0, capsys.readouterr().err


def test_validate_refuses_a_data_file_git_does_not_track(repository, capsys):
    (repository / "data" / "search" / "screening_decisions.csv").write_text(
        "record_id,stage,decision,reason,study_ids,date,note,reviewer,role\n", encoding="utf-8")
    assert main(["validate"]) == 1
    err = capsys.readouterr().err
    assert "not tracked by git: data/search/screening_decisions.csv" in err
    assert "git add data/search/screening_decisions.csv" in err
    git("add", "-A", cwd=repository)
    assert main(["validate"]) == 0
    from living_review.core.fingerprint import data_fingerprint

    # once every file is tracked, validate's fingerprint is the one the page footers print
    assert f"fingerprint {data_fingerprint(repository)}" in capsys.readouterr().out
