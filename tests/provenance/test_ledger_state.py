"""The state of ledger records as a reader sees them, and its note when a chapter reads them."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from living_review.provenance import ledger, ledger_state
from living_review.book.execution import changed_ledger_read
from living_review.provenance.reads import read_log

RECORD = {"key": "s.m", "estimate": 0.5, "n": 3, "inputs_fingerprint": "a"}


def test_state_ignores_the_fingerprint_but_not_whether_it_is_current():
    same = ledger_state.state({"s.m": RECORD}, "a")
    assert ledger_state.state({"s.m": {**RECORD, "inputs_fingerprint": "b"}}, "b") == same  # confirmed record
    assert ledger_state.state({"s.m": RECORD}, "b") != same  # no longer current: a reader recomputes
    assert ledger_state.state({"s.m": {**RECORD, "estimate": 0.6}}, "a") != same
    assert ledger_state.state({}, "a") != same  # missing
    assert ledger_state.state({"s.m": RECORD, "s.m.x": RECORD}, "a") != same


def test_collect_under_a_prefix_reads_only_those_records(tmp_path):
    for key in ("s.m", "s.m.x", "s.mm", "t"):
        ledger.record(key, outcome="x", estimate=0.5, ci_low=0.1, ci_high=0.9, k=1, n=3, params={}, inputs=[],
                      root=tmp_path)
    assert list(ledger.collect(tmp_path, prefix="s.m")) == ["s.m", "s.m.x"]
    assert list(ledger.collect(tmp_path)) == ["s.m", "s.m.x", "s.mm", "t"]
    assert not list(tmp_path.rglob("*.partial"))  # written whole, by renaming


def test_a_keyed_read_is_noted_with_its_state_and_a_change_is_found(tmp_path):
    root = tmp_path / "project"
    (root / "data").mkdir(parents=True)
    (root / "data" / "a.csv").write_text("x\n1\n")
    log = tmp_path / "reads.log"
    script = textwrap.dedent(f"""
        import os
        from pathlib import Path
        os.environ["LIVING_REVIEW_ROOT"] = {str(root)!r}
        from living_review.provenance import reads, ledger
        reads.start({str(log)!r}, {str(root)!r})
        os.chdir({str(root)!r})
        ledger.record("s.m", outcome="x", estimate=0.5, ci_low=0.1, ci_high=0.9, k=1, n=3, params={{}},
                      inputs=[], root=Path.cwd())
        ledger.collect(Path.cwd(), prefix="s.m")
    """)
    subprocess.run([sys.executable, "-c", script], check=True)
    seen = read_log(log)
    assert not seen.read_ledger and [p for p, _ in seen.ledger_reads] == ["s.m"]
    assert seen.wrote == ("_build/ledger/s.m.json",)
    assert changed_ledger_read(root, seen.ledger_reads) is None
    ledger.record("s.m", outcome="x", estimate=0.7, ci_low=0.1, ci_high=0.9, k=1, n=3, params={}, inputs=[],
                  root=root)
    assert changed_ledger_read(root, seen.ledger_reads) == "s.m"
