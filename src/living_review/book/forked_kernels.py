"""The pool's interpreter and the kernels it forks (:mod:`living_review.book.warm_pool`).

This file imports only the standard library and is run by its path, never imported as a
module of the package by the pool (it may be elsewhere, as :func:`execute_notebook`):
what a forked process inherits is third-party modules (:data:`PRELOAD`), never the review's
own state or data. :func:`_serve` imports them, then forks one process per request line on
its standard input, which runs one notebook with nbclient (:func:`execute_notebook`)
against a kernel forked in turn from it, listening on IPC sockets; each answer (the request's
id and exit code) is one line on its standard output.
"""

from __future__ import annotations

import json
import os
import select
import signal
import sys
import time
import traceback
from importlib import import_module
from pathlib import Path

#: third-party modules the chapters import, imported once by the pool; never the package's own
PRELOAD = (
    "numpy", "pandas", "scipy.stats", "scipy.optimize", "scipy.special", "scipy.integrate", "scipy.sparse",
    "matplotlib", "matplotlib.pyplot", "lifelines", "yaml", "myst_nb", "IPython", "ipykernel.kernelapp",
    "ipykernel.ipkernel", "jupyter_client", "nbclient", "nbformat",
)
INLINE = "module://matplotlib_inline.backend_inline"


def _serve() -> None:
    """The pool's interpreter: import :data:`PRELOAD`, then fork one process per request line."""
    os.environ.setdefault("MPLBACKEND", INLINE)  # as ipykernel sets it, before matplotlib reads it
    for name in PRELOAD:
        try:
            import_module(name)
        except ImportError:
            pass
    sys.stdout.flush()
    stdin, buffer, children, reading = sys.stdin.fileno(), b"", {}, True
    while reading or children:
        if reading and select.select([stdin], [], [], 0.05)[0]:
            chunk = os.read(stdin, 1 << 16)
            reading = bool(chunk)
            buffer += chunk
            while b"\n" in buffer:
                line, buffer = buffer.split(b"\n", 1)
                request = json.loads(line)
                pid = os.fork()
                if pid == 0:
                    _child(request)
                children[pid] = request["id"]
        elif not reading:
            time.sleep(0.05)
        while children:
            pid, status = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                break
            code = os.waitstatus_to_exitcode(status)
            sys.stdout.write(json.dumps({"id": children.pop(pid), "returncode": code}) + "\n")
            sys.stdout.flush()


def _child(request: dict) -> None:
    """A forked process: run one notebook as asked, with the build's environment and folder; never returns."""
    code = 1
    try:
        out = os.open(request["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(out, 1)
        os.dup2(out, 2)
        os.close(out)
        os.close(null)
        os.environ.clear()
        os.environ.update(request["env"])
        os.chdir(request["cwd"])
        backend = os.environ.get("MPLBACKEND") or INLINE
        if "matplotlib" in sys.modules and sys.modules["matplotlib"].rcParams["backend"] != backend:
            sys.modules["matplotlib"].rcParams["backend"] = backend
        code = execute_notebook(*request["argv"], forked=True)
    except BaseException:  # noqa: BLE001 - reported on stderr, as an interpreter would
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def _kernel(connection_file: str, cwd: str, arguments: list[str]) -> None:
    """A forked kernel, as ``python -m ipykernel_launcher -f FILE`` started in ``cwd``; never returns."""
    code = 0
    try:
        os.chdir(cwd)
        sys.path.insert(0, cwd)
        sys.argv = ["ipykernel_launcher", "-f", connection_file]
        os.environ["JPY_PARENT_PID"] = str(os.getppid())
        from ipykernel.kernelapp import IPKernelApp

        app = IPKernelApp.instance()
        # as jupyter_client starts it: the kernel ends with its client, and prints no banner
        app.initialize(["-f", connection_file, f"--IPKernelApp.parent_handle={os.getppid()}", *arguments])
        app.start()
    except BaseException:  # noqa: BLE001
        traceback.print_exc()
        code = 1
    finally:
        os._exit(code)


def _forked_kernel(folder: Path, stem: str, cwd: str, arguments: list[str]):
    """Fork a kernel listening on IPC sockets under ``folder``; its manager and process id."""
    from jupyter_client import AsyncKernelManager
    from jupyter_client.connect import write_connection_file

    connection, _ = write_connection_file(str(folder / f"{stem}.kernel.json"), transport="ipc",
                                          ip=str(folder / f"{stem}-ipc"))
    pid = os.fork()
    if pid == 0:
        _kernel(connection, cwd, arguments)

    class Attached(AsyncKernelManager):
        """The manager of a kernel this process forked: it is there already, and is stopped by its id."""

        @property
        def has_kernel(self) -> bool:
            return True

        async def _async_is_alive(self) -> bool:
            try:
                return os.waitpid(pid, os.WNOHANG)[0] == 0
            except ChildProcessError:
                return False

        async def _async_signal_kernel(self, signum: int) -> None:
            try:
                os.kill(pid, signum)
            except ProcessLookupError:
                pass

        async def _async_interrupt_kernel(self) -> None:
            await self._async_signal_kernel(signal.SIGINT)

        async def _async_shutdown_kernel(self, now: bool = False, restart: bool = False) -> None:
            _stop(pid)

        async def _async_cleanup_resources(self, restart: bool = False) -> None:
            pass  # the connection file and sockets are in the build's temporary folder

        is_alive, signal_kernel, interrupt_kernel = _async_is_alive, _async_signal_kernel, _async_interrupt_kernel
        shutdown_kernel, cleanup_resources = _async_shutdown_kernel, _async_cleanup_resources

    manager = Attached(connection_file=connection)
    manager.load_connection_file()
    return manager, pid


def _stop(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass


def execute_notebook(given: str, done: str, log: str, cwd: str, root: str, timeout: str, forked: bool = False) -> int:
    """Execute the notebook ``given`` in ``cwd`` into ``done``, recording its reads into ``log``
    (:func:`living_review.provenance.reads.start`); 1 with the error on stderr if a cell raised."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    start = f"from living_review.provenance import reads as _r; _r.start({log!r}, {root!r}); del _r"
    arguments = [f"--IPKernelApp.exec_lines={start}"]
    for attempt in (1, 2):  # a kernel that died while starting (before any cell ran) is started again once
        notebook = nbformat.read(given, as_version=4)
        options = dict(timeout=int(timeout), resources={"metadata": {"path": cwd}}, record_timing=False,
                       allow_errors=False)
        pid = None
        if forked:
            manager, pid = _forked_kernel(Path(log).parent, f"{Path(log).stem}-{attempt}", cwd,
                                          arguments + ["--HistoryManager.hist_file=:memory:"])
            client = NotebookClient(notebook, km=manager, **options)
        else:
            client = NotebookClient(notebook, kernel_name=notebook.metadata.get("kernelspec", {}).get("name", "python3"),
                                    extra_arguments=arguments, **options)
        try:
            client.execute()
        except CellExecutionError as error:
            sys.stderr.write(str(error))
            return 1
        except RuntimeError as error:
            if attempt == 2 or "before replying to kernel_info" not in str(error):
                raise
            continue
        finally:
            if pid is not None:
                _stop(pid)
        break
    nbformat.write(notebook, done)
    return 0


if __name__ == "__main__":  # pragma: no cover - the pool's interpreter
    _serve()
