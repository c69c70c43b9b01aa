"""The living loop end to end through the command line, against the replay server:
search run -> search dedupe -> screen (two reviewers, prompt and CSV) -> conflicts -> resolve
-> status and PRISMA counts from the resolved decisions."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd

from living_review.cli import main

ROOT = Path(__file__).resolve().parents[2]


def answer(monkeypatch, *lines):
    monkeypatch.setattr("sys.stdin", io.StringIO("".join(f"{x}\n" for x in lines)))


def test_living_loop(project, replay, monkeypatch, capsys, tmp_path):
    replay.on("/pubmed/esearch.fcgi", replay.Reply.file("esearch-3.xml"))
    replay.on("/pubmed/efetch.fcgi", replay.Reply.file("efetch-1.medline"), replay.Reply.file("efetch-2.medline"))
    replay.on("/ctgov/studies", replay.Reply.file("ctgov-0.json"))
    records_before = (project / "records.csv").read_bytes()
    # PubMed's page size is 200 in the strategy file: one efetch page holds all three... so
    # the replay serves page 1 (2 records) and the runner must say the page is incomplete.
    assert main(["search", "run", "pubmed", "--to", "2025-12-31"]) == 1
    assert "expected 3 records" in capsys.readouterr().err
    assert (project / "records.csv").read_bytes() == records_before
    both = (Path(__file__).parent / "replay" / "efetch-1.medline").read_text() + \
        (Path(__file__).parent / "replay" / "efetch-2.medline").read_text()
    replay.on("/pubmed/efetch.fcgi", replay.Reply(both))
    replay.on("/europepmc/search", replay.Reply.file("europepmc-1.json"), replay.Reply.file("europepmc-2.json"))
    assert main(["search", "run", "--to", "2025-12-31"]) == 0
    out = capsys.readouterr().out
    assert "PubMed: 3 records from 2023-09-03 to 2025-12-31" in out
    assert "Europe PMC: 3 records" in out and "ClinicalTrials.gov: 0 records" in out

    # Europe PMC's first record is PubMed's first (same PMID and DOI): a duplicate.
    assert main(["search", "dedupe"]) == 0
    merge = pd.read_csv(project / "merge_log.csv", dtype=str)
    assert merge[["removed_id", "kept_id", "rule"]].values.tolist() == [
        ["europepmc-2025-12-31-00001", "pubmed-2025-12-31-00001", "doi"]]
    capsys.readouterr()

    # Reviewer AB at the prompt: include, exclude (case report, by number), skip, then quits.
    from living_review.search.screening import EXCLUSION_REASONS
    case = list(EXCLUSION_REASONS).index("case_report") + 1
    answer(monkeypatch, "i", "e", str(case), "x", "e", "case_report", "q")
    assert main(["screen", "--reviewer", "ab", "--date", "2026-01-05"]) == 0
    shown = capsys.readouterr().out
    assert "5 records await AB's decision at title_abstract" in shown
    assert "Why matched: PubMed run 2025-12-31 (edat 2023-09-03 to 2025-12-31); query terms in " \
           "title/abstract: anaplastic thyroid cancer, anaplastic thyroid, lenvatinib" in shown
    assert "Identifiers: DOI 10.9999/test.2025.001, PMID 90000001" in shown
    assert "answer i, e, s or q" in shown
    decisions = pd.read_csv(project / "screening_decisions.csv", dtype=str, keep_default_na=False)
    assert decisions[["record_id", "decision", "reason", "reviewer"]].values.tolist() == [
        ["pubmed-2025-12-31-00001", "include", "", "AB"],
        ["pubmed-2025-12-31-00002", "exclude", "case_report", "AB"],
        ["pubmed-2025-12-31-00003", "exclude", "case_report", "AB"]]

    # AB finishes in a spreadsheet; CD screens everything in a spreadsheet.
    for who, picks in (("AB", {4: ("exclude", "not_antiangiogenic_tki"), 5: ("exclude", "review_or_letter")}),
                       ("CD", {1: ("include", ""), 2: ("include", ""), 3: ("exclude", "case_report"),
                               4: ("exclude", "not_antiangiogenic_tki"), 5: ("exclude", "review_or_letter")})):
        sheet = tmp_path / f"{who}.csv"
        assert main(["screen", "--reviewer", who, "--export", str(sheet)]) == 0
        table = pd.read_csv(sheet, dtype=str, keep_default_na=False)
        # the export says, on every row, which values its decision columns take
        assert table.how_to_fill.str.startswith("decision: include or exclude (empty: not yet decided); "
                                                "reason: required with exclude, one of ").all()
        ids = {k: rid for k, rid in enumerate(
            ["pubmed-2025-12-31-00001", "pubmed-2025-12-31-00002", "pubmed-2025-12-31-00003",
             "europepmc-2025-12-31-00002", "europepmc-2025-12-31-00003"], start=1)}
        for k, (decision, reason) in picks.items():
            table.loc[table.record_id == ids[k], ["decision", "reason"]] = decision, reason
        table.to_csv(sheet, index=False)
        assert main(["screen", "--reviewer", who, "--import", str(sheet), "--date", "2026-01-06"]) == 0
    out = capsys.readouterr().out
    assert "2 records to screen" in out and "5 records to screen" in out
    assert "4 resolved, 1 in conflict" in out

    assert main(["screen", "--conflicts"]) == 0
    assert "pubmed-2025-12-31-00002 title_abstract AB: exclude (case_report); CD: include" in capsys.readouterr().out
    assert main(["status"]) == 0
    status = capsys.readouterr().out
    assert "PubMed: 2025-12-31 (run 2025-12-31, 3 records)" in status
    assert "conflicts to resolve: 1" in status and "awaiting title/abstract screening: 1" in status
    assert "awaiting full-text screening: 1" in status

    answer(monkeypatch, "e", "case_report")
    assert main(["screen", "--reviewer", "EF", "--resolve", "--date", "2026-01-07"]) == 0
    resolved = capsys.readouterr().out
    assert "5 resolved, 0 in conflict" in resolved
    # the conflict is shown with its record's title and abstract, not only the two decisions
    assert "Sorafenib after lenvatinib in anaplastic thyroid carcinoma: an invented cohort." in resolved
    assert "Abstract:" in resolved
    log = pd.read_csv(project / "screening_log.csv", dtype=str, keep_default_na=False)
    row = log[log.record_id == "pubmed-2025-12-31-00002"].iloc[0]
    assert (row.decision, row.reason, row.note) == ("exclude", "case_report", "conflict of AB, CD resolved by EF")

    # Full text of the one record both included: AB and CD exclude it, for the same reason.
    for who in ("AB", "CD"):
        answer(monkeypatch, "e", "fewer_than_5_atc")
        assert main(["screen", "--reviewer", who, "--stage", "full_text", "--date", "2026-01-08"]) == 0
    capsys.readouterr()
    assert main(["prisma", "--json"]) == 0
    counts = json.loads(capsys.readouterr().out)
    assert counts["database_specific_results"] == {"Europe PMC": 3, "PubMed": 3}
    assert (counts["duplicates"], counts["records_screened"], counts["records_excluded"]) == (1, 5, 4)
    assert counts["dbr_assessed"] == 1 and counts["dbr_excluded"] == {"Fewer than 5 ATC patients": 1}
    assert main(["status"]) == 0
    status = capsys.readouterr().out
    assert "awaiting title/abstract screening: 0" in status and "awaiting full-text screening: 0" in status
    assert "Book: no build found" in status


def test_status_says_when_the_build_is_stale(project, capsys):
    from living_review.core.fingerprint import data_fingerprint

    html = project.parents[1] / "_build" / "html"
    html.mkdir(parents=True)
    root = project.parents[1]
    stamp = data_fingerprint(root)[:12]
    (html / "index.html").write_text(f"<footer>data fingerprint <code>{stamp}</code></footer>")
    assert main(["status"]) == 0
    assert f"Book: up to date with the data ({stamp})" in capsys.readouterr().out
    (project / "records.csv").write_bytes((project / "records.csv").read_bytes() + b"")
    (project / "merge_log.csv").write_text((project / "merge_log.csv").read_text() + "\n")
    assert main(["status"]) == 0
    assert "Book: STALE: built from data" in capsys.readouterr().out


def test_screen_needs_initials(project, capsys):
    assert main(["screen"]) == 1
    assert "give --reviewer" in capsys.readouterr().err
    assert main(["screen", "--reviewer", "A1"]) == 1
    assert "2 to 4 letters" in capsys.readouterr().err
