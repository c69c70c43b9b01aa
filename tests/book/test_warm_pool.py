"""Chapters executed in kernels forked from one warm interpreter: nothing stale, nothing unrecorded."""

from __future__ import annotations

import pytest
from tests.book.conftest import code_notebook

from living_review.book import execution as ex
from living_review.book import warm_pool
from living_review.book.warm_pool import WarmPool


@pytest.fixture
def root(tmp_path):
    root = tmp_path / "project"
    for name, text in {"data/value.csv": "v\n1\n", "lib/probe.py": "def value():\n    return 'one'\n",
                       "notebooks/ch.md": "# ch\n", "src/m.py": "a = 1\n"}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def _texts(done) -> list[str]:
    return [output["text"] for cell in done.notebook.cells for output in cell.outputs if "text" in output]


def test_a_chapter_in_a_warm_pool_sees_data_and_code_changed_since_the_pool_started(root, tmp_path, monkeypatch):
    monkeypatch.setenv("LIVING_REVIEW_ROOT", str(root))
    monkeypatch.setenv("LIVING_REVIEW_PROBE", "before")
    chapter = ex.Chapter("notebooks/ch", root / "notebooks" / "ch.md", code_notebook(
        f"print(open({str(root / 'data' / 'value.csv')!r}).read().split()[1])",
        f"import sys; sys.path.insert(0, {str(root / 'lib')!r}); import probe; print(probe.value())",
        "import os; print(os.environ['LIVING_REVIEW_PROBE'])",
        "print(sorted(m for m in ('living_review.book', 'living_review.data', 'probe') if m in sys.modules))",
    ))
    stored = {}

    def run(pool):
        ex.run([chapter], root, timeout=120, store=lambda c, d: stored.update({c.docname: d}),
               say=lambda line: None, pool=pool)
        return stored.pop("notebooks/ch")

    with WarmPool(tmp_path / "pool") as pool:
        first = run(pool)
        started = pool._process.pid
        (root / "data" / "value.csv").write_text("v\n2\n")
        (root / "lib" / "probe.py").write_text("def value():\n    return 'three'\n")  # another size: no stale .pyc
        monkeypatch.setenv("LIVING_REVIEW_PROBE", "after")  # the package's own variable: given as it is
        second = run(pool)
        assert pool._process.pid == started  # the same warm interpreter served both runs
        monkeypatch.setenv("MPLBACKEND", "agg")  # what a module imported by the pool may have read
        third = run(pool)
        assert pool._process.pid != started  # another environment: another interpreter
    assert _texts(first) == ["1\n", "one\n", "before\n", "['probe']\n"]
    assert _texts(second) == ["2\n", "three\n", "after\n", "['probe']\n"]
    assert _texts(third) == ["2\n", "three\n", "after\n", "['probe']\n"]
    for done in (first, second, third):  # every file the chapter opened is on record
        assert {"data/value.csv", "lib/probe.py"} <= set(done.reads.files)


def test_without_the_pool_a_chapter_runs_in_a_kernel_of_its_own(root, monkeypatch):
    monkeypatch.setenv(warm_pool.SWITCH, "0")
    monkeypatch.setenv("LIVING_REVIEW_ROOT", str(root))
    assert not warm_pool.enabled()
    chapter = ex.Chapter("notebooks/ch", root / "notebooks" / "ch.md", code_notebook("print(6 * 7)"))
    stored = {}
    ex.run([chapter], root, timeout=120, store=lambda c, d: stored.update({c.docname: d}), say=lambda line: None)
    assert _texts(stored["notebooks/ch"]) == ["42\n"]


def test_a_kernel_talks_over_ipc_and_says_nothing_about_tcp(root, monkeypatch):
    monkeypatch.setenv("LIVING_REVIEW_ROOT", str(root))
    chapter = ex.Chapter("notebooks/bad", root / "notebooks" / "ch.md", code_notebook("raise ValueError('data/value.csv:2: bad')"))
    with pytest.raises(ex.ChapterFailed) as raised:
        ex.run([chapter], root, timeout=120, store=lambda c, d: None, say=lambda line: None)
    message = str(raised.value)
    assert "ValueError: data/value.csv:2: bad" in message
    assert "TCP" not in message and "--existing" not in message


def test_a_pool_that_stopped_says_so(tmp_path):
    pool = WarmPool(tmp_path / "pool")
    pool._start()
    pool._process.kill()
    pool._process.wait()
    with pytest.raises(warm_pool.PoolStopped, match="stopped"):
        pool.run(["a", "b", "c", "d", "e", "1"], tmp_path / "err")
    pool.close()

