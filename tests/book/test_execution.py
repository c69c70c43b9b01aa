"""Which chapters execute, and their parallel execution with progress and the reads on record."""

from __future__ import annotations

import json

import pytest
from tests.book.conftest import code_notebook

from living_review.book import execution as ex
from living_review.provenance import ledger, ledger_state
from living_review.provenance.reads import Reads


@pytest.fixture
def root(tmp_path):
    root = tmp_path / "project"
    for name, text in {"data/a.csv": "x\n1\n", "data/b.csv": "y\n2\n", "src/m.py": "a = 1\n",
                       "review.yml": "x: 1\n", "notebooks/ch.md": "# ch\n", "_toc.yml": "root: x\n"}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def _executed(root, chapter, files=(), wrote=(), written=(), read_ledger=False):
    reads = Reads(tuple(files), tuple(wrote), tuple(written), read_ledger)
    done = ex.Executed(chapter.docname, chapter.notebook, reads, 0.1)
    return ex.write_manifest(root, chapter, done, ex.code_fingerprint(root), ex.ledger_fingerprint(root))


def test_a_chapter_is_stale_for_each_kind_of_change_and_fresh_otherwise(root):
    chapter = ex.Chapter("notebooks/ch", root / "notebooks" / "ch.md", code_notebook("1"))
    code = ex.code_fingerprint(root)
    assert ex.why_stale(root, chapter, code) == "not executed before"
    _executed(root, chapter, files=["data/a.csv", "review.yml"])
    assert ex.why_stale(root, chapter, code) is None
    (root / "data" / "b.csv").write_text("y\n3\n")  # not read: still fresh
    assert ex.why_stale(root, chapter, code) is None
    (root / "data" / "a.csv").write_text("x\n2\n")
    assert ex.why_stale(root, chapter, code) == "data/a.csv changed"
    _executed(root, chapter, files=["data/a.csv", "review.yml"])
    (root / "review.yml").write_text("x: 2\n")
    assert ex.why_stale(root, chapter, code) == "review.yml changed"
    _executed(root, chapter, files=["data/a.csv", "review.yml"])
    (root / "src" / "m.py").write_text("a = 2\n")
    assert ex.why_stale(root, chapter, ex.code_fingerprint(root)) == "the package code changed"
    (root / "notebooks" / "ch.md").write_text("# changed\n")
    assert ex.why_stale(root, chapter, code) == "its source changed"


def test_missing_outputs_and_ledger_records_make_it_stale_and_fresh_records_are_confirmed(root):
    chapter = ex.Chapter("notebooks/ch", root / "notebooks" / "ch.md", code_notebook("1"))
    ledger.record("ch.one", outcome="x", estimate=0.5, ci_low=0.1, ci_high=0.9, k=1, n=3, params={}, inputs=[],
                  root=root)
    _executed(root, chapter, files=["data/a.csv"], written=["ch.one"], wrote=["_build/ledger/ch.one.json"])
    code = ex.code_fingerprint(root)
    (root / "data" / "b.csv").write_text("y\n3\n")  # not read by the chapter, but part of the build inputs
    assert ledger.stale_keys(root) == ["ch.one"]
    assert ex.why_stale(root, chapter, code) is None
    assert ledger.stale_keys(root) == []  # confirmed: computed from the same inputs the chapter uses
    (root / "_build" / "ledger" / "ch.one.json").unlink()
    assert ex.why_stale(root, chapter, code) == "_build/ledger/ch.one.json is missing"


def test_a_consumer_is_stale_when_the_ledger_changed(root):
    chapter = ex.Chapter("notebooks/ch", root / "notebooks" / "ch.md", code_notebook("1"), consumer=True)
    _executed(root, chapter, read_ledger=True)
    code = ex.code_fingerprint(root)
    assert ex.why_stale(root, chapter, code) is None
    assert ex.is_consumer(root, "notebooks/ch", []) and ex.is_consumer(root, "other", ["other"])
    assert not ex.is_consumer(root, "other", [])
    writer = ex.Chapter("notebooks/writer", root / "notebooks" / "ch.md", code_notebook("2"))
    _executed(root, writer, written=["ch.one"])
    ledger.record("ch.one", outcome="x", estimate=0.5, ci_low=0.1, ci_high=0.9, k=1, n=3, params={}, inputs=[],
                  root=root)
    assert ex.why_stale(root, chapter, code) == "the ledger it reads changed"
    _executed(root, chapter, read_ledger=True, written=["ch.mine"])
    ledger.record("ch.mine", outcome="x", estimate=0.5, ci_low=0.1, ci_high=0.9, k=1, n=3, params={}, inputs=[],
                  root=root)
    assert ex.why_stale(root, chapter, code) is None  # a reader's own records are not what it reads


def test_jobs_come_from_the_environment(monkeypatch):
    monkeypatch.setenv(ex.JOBS_VARIABLE, "3")
    assert ex.jobs() == 3
    monkeypatch.setenv(ex.JOBS_VARIABLE, "zero")
    with pytest.raises(ValueError, match="LIVING_REVIEW_JOBS='zero'"):
        ex.jobs()
    monkeypatch.delenv(ex.JOBS_VARIABLE)
    assert ex.jobs() >= 1


def test_run_executes_in_parallel_then_the_consumers_records_reads_and_shows_progress(root, monkeypatch):
    monkeypatch.setenv(ex.JOBS_VARIABLE, "2")
    monkeypatch.setenv("LIVING_REVIEW_ROOT", str(root))
    read_a = f"print(open({str(root / 'data' / 'a.csv')!r}).read().split()[1])"
    chapters = [ex.Chapter("notebooks/one", root / "notebooks" / "ch.md", code_notebook(read_a)),
                ex.Chapter("notebooks/two", root / "notebooks" / "ch.md", code_notebook("x = 6 * 7", "print(x)")),
                ex.Chapter("notebooks/last", root / "notebooks" / "ch.md",
                           code_notebook("from living_review.provenance import ledger; print(len(ledger.collect()))"),
                           consumer=True)]
    stored, lines = {}, []
    done = ex.run(chapters, root, timeout=120, store=lambda c, d: stored.update({c.docname: d}), say=lines.append)
    assert [d.docname for d in done][-1] == "notebooks/last"
    assert stored["notebooks/one"].notebook.cells[0].outputs[0]["text"] == "1\n"
    assert stored["notebooks/two"].notebook.cells[1].outputs[0]["text"] == "42\n"
    assert "execution" not in stored["notebooks/two"].notebook.cells[0].metadata  # no timings: same bytes
    assert stored["notebooks/one"].reads.files == ("data/a.csv",)
    assert stored["notebooks/last"].reads.read_ledger
    assert lines[-1].startswith("[3/3] Executed notebook in") and lines[-1].endswith("notebooks/last (0 left)")
    manifest = json.loads(ex.manifest_path(root, "notebooks/one").read_text())
    assert manifest["files"] == {"data/a.csv": ex.digest(root / "data" / "a.csv")}


def test_a_chapter_that_raises_stops_the_run_with_its_error(root):
    chapters = [ex.Chapter("notebooks/bad", root / "notebooks" / "ch.md", code_notebook("raise ValueError('data/a.csv:2: bad')"))]
    with pytest.raises(ex.ChapterFailed, match=r"(?s)notebooks/bad \(ch.md\) raised:\n(?!\[IPKernelApp).*ValueError: data/a.csv:2: bad"):
        ex.run(chapters, root, timeout=120, store=lambda c, d: None, say=lambda line: None)
    assert not ex.manifest_path(root, "notebooks/bad").exists()


def test_a_ledger_reader_that_raises_is_deferred_when_asked(root, monkeypatch):
    monkeypatch.setenv("LIVING_REVIEW_ROOT", str(root))
    early = ex.Chapter("notebooks/early", root / "notebooks" / "ch.md",
                       code_notebook("from living_review.provenance.ledger import collect; collect()['not.yet']"))
    deferred, lines = [], []
    assert ex.run([early], root, timeout=120, store=lambda c, d: None, say=lines.append, deferred=deferred) == []
    assert deferred == [early] and "run again after the others" in lines[-1]
    with pytest.raises(ex.ChapterFailed, match="KeyError"):  # without a list to defer to, it fails the run
        ex.run([early], root, timeout=120, store=lambda c, d: None, say=lines.append)


def _keyed(root, docname, written=(), ledger_reads=()):
    chapter = ex.Chapter(docname, root / "notebooks" / "ch.md", code_notebook("1"))
    reads = Reads((), (), tuple(written), False, tuple(ledger_reads))
    done = ex.Executed(docname, chapter.notebook, reads, 0.1)
    ex.write_manifest(root, chapter, done, ex.code_fingerprint(root), ex.ledger_fingerprint(root))
    return chapter


def test_a_reader_of_some_records_waits_only_for_the_chapters_that_wrote_them(root):
    ledger.record("surv.os", outcome="x", estimate=0.5, ci_low=0.1, ci_high=0.9, k=1, n=3, params={}, inputs=[],
                  root=root)
    state = ledger_state.state(ledger.collect(root, prefix="surv"), ledger_state.current_fingerprint(root))
    _keyed(root, "notebooks/survival", written=["surv.os"])
    _keyed(root, "notebooks/other", written=["orr.all"])
    reader = _keyed(root, "notebooks/drug", ledger_reads=[("surv", state)])
    assert ex.reads_records_only(root, "notebooks/drug") and not ex.reads_records_only(root, "notebooks/survival")
    assert ex.is_consumer(root, "notebooks/drug", [])
    assert ex.waits_for(root, "notebooks/drug", {"notebooks/survival", "notebooks/other"})
    assert not ex.waits_for(root, "notebooks/drug", {"notebooks/other"})
    assert ex.why_stale(root, reader, ex.code_fingerprint(root)) is None
    assert not ex.read_too_early(root, "notebooks/drug")
    ledger.record("surv.os.x", outcome="x", estimate=0.5, ci_low=0.1, ci_high=0.9, k=1, n=3, params={}, inputs=[],
                  root=root)
    assert ex.why_stale(root, reader, ex.code_fingerprint(root)) == "the ledger records surv it read changed"
    assert ex.read_too_early(root, "notebooks/drug")
