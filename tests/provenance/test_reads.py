"""What a run read and wrote, recorded at run time through an audit hook, in a separate process."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from living_review.provenance.reads import read_log


def _run(tmp_path, body: str):
    root = tmp_path / "project"
    (root / "data").mkdir(parents=True)
    (root / "data" / "a.csv").write_text("x\n1\n")
    (root / "data" / "b.csv").write_text("y\n2\n")
    (root / "review.yml").write_text("x: 1\n")
    log = tmp_path / "reads.log"
    script = textwrap.dedent(f"""
        import os
        from pathlib import Path
        from living_review.provenance import reads, ledger
        reads.start({str(log)!r}, {str(root)!r})
        os.chdir({str(root)!r})
    """) + textwrap.dedent(body)
    subprocess.run([sys.executable, "-c", script], check=True)
    return read_log(log)


def test_reads_and_writes_under_the_root_are_recorded_and_nothing_else(tmp_path):
    reads = _run(tmp_path, """
        Path("data/a.csv").read_text()            # relative path
        open(Path.cwd() / "review.yml").read()    # absolute path, twice: one entry
        open("review.yml").read()
        Path("/etc/hostname").exists() and open("/etc/hostname").read()  # outside the project
        Path("_build/figures").mkdir(parents=True)
        Path("_build/figures/f.svg").write_text("<svg/>")
        Path("src").mkdir()
        Path("src/m.py").write_text("x = 1")
        open("src/m.py").read()                   # package code: fingerprinted as a whole
        try:
            open("data/missing.csv")
        except FileNotFoundError:
            pass
    """)
    assert reads.files == ("data/a.csv", "data/missing.csv", "review.yml")
    assert reads.wrote == ("_build/figures/f.svg",)
    assert reads.ledger_written == () and not reads.read_ledger


def test_ledger_records_and_reads_are_noted_and_its_fingerprint_is_no_dependency(tmp_path):
    reads = _run(tmp_path, """
        ledger.record("probe.one", outcome="x", estimate=0.5, ci_low=0.1, ci_high=0.9, k=1, n=3,
                      params={}, inputs=[], root=Path.cwd())
        ledger.collect(Path.cwd())
    """)
    assert reads.ledger_written == ("probe.one",) and reads.read_ledger
    # the record's inputs fingerprint hashed data/ and review.yml, but that is bookkeeping
    assert "data/b.csv" not in reads.files and "review.yml" not in reads.files
    assert reads.wrote == ("_build/ledger/probe.one.json",)


def test_without_start_nothing_is_recorded(tmp_path):
    from living_review.provenance import reads

    reads.note("ledger-read")  # outside a recorded run: nothing happens, nothing fails
    assert "log" not in reads._STATE
