"""Chapters executed in kernels forked from one warm interpreter.

Starting a kernel and importing numpy, scipy, pandas and matplotlib costs each chapter one
to two seconds before it computes anything. :class:`WarmPool` starts one interpreter, the
pool, that imports those third-party modules once (:data:`~living_review.book.forked_kernels.PRELOAD`) and then forks, for
each chapter, a process that runs the notebook with nbclient against a kernel forked in
turn from it, so that a chapter pays only for its own work.

What the fork inherits is never the review's own state: the pool imports no module of
the package and reads no data (:mod:`living_review.book.forked_kernels`, which it runs,
imports only the standard library and is run by its path, not as a module of the package),
and each kernel starts the run-time read recording (:mod:`living_review.provenance.reads`) before its first cell, exactly as a
kernel started from scratch does. Each chapter gets a new kernel, the environment and
working folder of the build at the time it is asked for, and the kernel talks to the
client over IPC sockets in the build's temporary folder (no TCP port is opened).

:func:`~living_review.book.forked_kernels.execute_notebook` is also what a chapter executed without the pool runs
(``python -m living_review.book.execution``); ``LIVING_REVIEW_WARM=0`` turns the pool off.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

from living_review.book import forked_kernels
SWITCH = "LIVING_REVIEW_WARM"
OWN_VARIABLES = "LIVING_REVIEW_"  # read by the package only, which the pool never imports
# run this file by its path: sys.path[0] (the current folder) is dropped, the package is not imported
BOOT = "import runpy, sys; sys.path.pop(0); runpy.run_path(sys.argv[1], run_name='__main__')"


def enabled() -> bool:
    """Whether chapters run in the pool (``LIVING_REVIEW_WARM`` unset, or anything but ``0``)."""
    return os.environ.get(SWITCH, "1").strip() != "0"


class PoolStopped(RuntimeError):
    """The pool's interpreter ended while chapters were waiting for it."""


def _third_party(environ) -> dict:
    return {k: v for k, v in environ.items() if not k.startswith(OWN_VARIABLES)}


class WarmPool:
    """The client side: one pool interpreter, started when first asked to run a chapter, then
    asked from any thread. An interpreter serves only the environment it was started in (the
    modules it imported may have read it), but for the package's own ``LIVING_REVIEW_*``
    variables, which each chapter gets as they are: when it changed, the next chapter gets a
    new interpreter, and the old one ends once its chapters have."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self._log = self.folder / "warm-pool.log"
        self._process: subprocess.Popen | None = None
        self._env: dict = {}
        self._lock = threading.Lock()
        self._waiting: dict[int, tuple] = {}
        self._count = 0
        self._readers: list[threading.Thread] = []
        self._retired: list[subprocess.Popen] = []

    def _start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self._env = _third_party(os.environ)
        with self._log.open("a") as log:
            self._process = subprocess.Popen(
                [sys.executable, "-c", BOOT, forked_kernels.__file__], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=log, cwd=self.folder, text=True, bufsize=1,
            )
        reader = threading.Thread(target=self._read, args=(self._process,), daemon=True)
        reader.start()
        self._readers.append(reader)

    def _read(self, process: subprocess.Popen) -> None:
        for line in process.stdout:
            answer = json.loads(line)
            with self._lock:
                event, box, _ = self._waiting.pop(answer["id"])
            box.append(answer["returncode"])
            event.set()
        with self._lock:
            left = [key for key, (_, _, owner) in self._waiting.items() if owner is process]
            for key in left:
                event, box, _ = self._waiting.pop(key)
                box.append(None)
                event.set()

    def _fresh(self) -> subprocess.Popen:
        """The interpreter for this environment (under the lock)."""
        if self._process is not None and _third_party(os.environ) != self._env:
            self._retire(self._process)
            self._process = None
        if self._process is None:
            self._start()
        return self._process

    def _retire(self, process: subprocess.Popen) -> None:
        self._retired.append(process)
        try:
            process.stdin.close()
        except OSError:
            pass

    def run(self, argv: list[str], stderr: str | Path) -> int:
        """Run :func:`~living_review.book.forked_kernels.execute_notebook` with ``argv`` in a
        forked process; its output goes to ``stderr``; the exit code."""
        event, box = threading.Event(), []
        request = {"argv": [str(a) for a in argv], "stderr": str(stderr), "cwd": os.getcwd(), "env": dict(os.environ)}
        with self._lock:
            process = self._fresh()
            if process.poll() is not None:
                raise PoolStopped(f"the interpreter that executes the chapters stopped:\n{self._tail()}")
            self._count += 1
            request["id"] = self._count
            self._waiting[self._count] = (event, box, process)
            try:
                process.stdin.write(json.dumps(request) + "\n")
                process.stdin.flush()
            except (BrokenPipeError, OSError):
                self._waiting.pop(self._count)
                box.append(None)
                event.set()
        event.wait()
        if box[0] is None:
            raise PoolStopped(f"the interpreter that executes the chapters stopped:\n{self._tail()}")
        return box[0]

    def _tail(self) -> str:
        return self._log.read_text(encoding="utf-8", errors="replace")[-3000:] if self._log.is_file() else ""

    def close(self) -> None:
        if self._process is not None:
            self._retire(self._process)
            self._process = None
        for process in self._retired:
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for reader in self._readers:
            reader.join(timeout=5)

    def __enter__(self) -> WarmPool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
