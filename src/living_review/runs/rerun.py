"""Parameterised reruns: execute a chapter with other parameters, checked against its own.

The parameters are read and checked by :mod:`living_review.runs.notebook_parameters`.
:func:`run_notebook` executes with papermill in the notebook's folder (its kernel talking over IPC
sockets, :func:`ipc_kernel_manager`) and writes, under
``runs/<UTC time>-<hash>/``, the executed notebook, an HTML export (rendered by myst-nb's
docutils writer, with images embedded) and ``run.json``: the parameters, the notebook,
the data fingerprint, the package version, the status and every number the notebook
glued (``myst_nb.glue``). While the notebook runs, ``LIVING_REVIEW_BUILD_DIR`` points
to the run folder's ``_build``, so the estimates it records in the ledger and the figures
it publishes stay with the run and never replace the book's. Settings of ``review.yml``
changed for the run (``settings={"meta_analysis.hakn": True}``, any chapter) are checked
first, written to the run folder's ``review.yml`` and recorded in ``run.json``. The hash is the first 10 hex digits of the SHA-256 of the
notebook path, the parameters and the data fingerprint.

Example
-------
>>> run = run_notebook("notebooks/templates/drug_results.md", {"drug": "sorafenib", "tau2_method": "DL"})  # doctest: +SKIP
>>> run.summary()  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import jupytext
import nbformat

from living_review._version import __version__
from living_review.core.fingerprint import data_fingerprint
from living_review.core.paths import BUILD_DIR_VARIABLE, project_root
from living_review.runs.notebook_parameters import read_parameters, validate_parameters

GLUE_MIME_PREFIX = "application/papermill.record/"
NUMBER_REPR = re.compile(r"^(?:np\.\w+\()?\s*([-+0-9.eEinfa]+)\s*\)?$")


@dataclass(frozen=True)
class RunResult:
    """One executed rerun: where it is, with what, and how it ended."""

    folder: Path
    notebook: Path
    html: Path | None
    parameters: dict
    status: Literal["ok", "failed"]
    error: str | None = None
    glued: dict = field(default_factory=dict)
    settings: dict = field(default_factory=dict)

    def summary(self) -> str:
        given = {**self.parameters, **self.settings}
        params = ", ".join(f"{k}={v!r}" for k, v in sorted(given.items())) or "defaults"
        tail = f": {self.error}" if self.error else ""
        return f"{self.status} [{params}] -> {self.folder.name}{tail}"


def _number(text: str) -> float | None:
    match = NUMBER_REPR.match(text.strip())
    if not match:
        return None
    try:
        return float(match.group(1))
    except ValueError:
        return None


def glued_numbers(notebook: nbformat.NotebookNode) -> dict[str, float]:
    """Numbers stored with ``myst_nb.glue`` (shown or not), by glue name; other values skipped.

    ``glue`` writes a display output whose metadata ``scrapbook`` holds the name and the MIME
    prefix (``application/papermill.record/`` when not displayed); the value's ``text/plain``
    repr (e.g. ``0.25`` or ``np.float64(0.25)``) is read back as a float.
    """
    found = {}
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            meta = output.get("metadata", {}).get("scrapbook")
            if not meta:
                continue
            text = output.get("data", {}).get(meta.get("mime_prefix", "") + "text/plain")
            number = _number(text) if isinstance(text, str) else None
            if number is not None:
                found[meta["name"]] = number
    return found


def export_html(executed: Path, target: Path) -> Path:
    """Render an executed ``.ipynb`` to one self-contained HTML file (myst-nb, images embedded)."""
    from docutils.core import publish_file
    from myst_nb.docutils_ import Parser

    with tempfile.TemporaryDirectory() as scratch:
        publish_file(
            source_path=str(executed), destination_path=str(target), parser=Parser(), writer_name="html5",
            settings_overrides={"nb_execution_mode": "off", "nb_output_folder": scratch, "report_level": 4,
                                "nb_builder_name": "html", "output_encoding": "utf-8", "image_loading": "embed"},
        )
        # image alt texts name the scratch folder, which no longer exists
        target.write_text(target.read_text(encoding="utf-8").replace(scratch + "/", ""), encoding="utf-8")
    return target


def run_id(notebook: str, parameters: dict, fingerprint: str) -> str:
    payload = json.dumps({"notebook": notebook, "parameters": parameters, "data": fingerprint}, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()[:10]


@contextmanager
def _environment(variables: dict[str, str]):
    saved = {name: os.environ.get(name) for name in variables}
    os.environ.update(variables)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def ipc_kernel_manager(sockets: Path) -> type:
    """A kernel manager whose kernel, on this machine, talks over IPC sockets named ``sockets-N``
    (no TCP port is opened, and ipykernel has no unencrypted transport to warn about)."""
    from jupyter_client.manager import AsyncKernelManager

    class IPCKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs):
            super().__init__(transport="ipc", ip=str(sockets), **kwargs)

    return IPCKernelManager


def run_notebook(path: Path, parameters: dict, *, runs_dir: Path | None = None, root: Path | None = None,
                 settings: dict | None = None, kernel_name: str = "python3", timeout: int = 900) -> RunResult:
    """Validate ``parameters``, execute the notebook and write its run folder.

    Parameters
    ----------
    path : the jupytext notebook (``.md``) to run.
    parameters : ``{name: value}``; text values are parsed as described in the module notes.
    runs_dir : where run folders go (default ``<root>/runs``).
    root : project root, whose ``data/`` is fingerprinted (default: the project root).
    settings : ``{"section.key": value}`` changes to ``review.yml`` for this run
        (:mod:`living_review.runs.settings_override`); the changed file is kept in the run folder.
    timeout : seconds allowed per cell.

    Returns
    -------
    RunResult, status ``"failed"`` with the error when the notebook raised. Invalid
    parameters raise ``ParameterError``, invalid settings ``SettingsError``, before anything runs.
    """
    import papermill

    from living_review.settings import SETTINGS_VARIABLE
    from living_review.runs.settings_override import override_text, parse_value

    path = Path(path).resolve()
    root = Path(root or project_root()).resolve()
    values = validate_parameters(read_parameters(path), parameters, path.name)
    changed = {str(k): parse_value(v) for k, v in (settings or {}).items()}
    config = override_text(root / "review.yml", changed) if changed else None
    fingerprint = data_fingerprint(root)
    shown = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.name
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S.%fZ")
    key = {**values, **{f"settings:{k}": v for k, v in changed.items()}}
    folder = Path(runs_dir or root / "runs") / f"{stamp}-{run_id(shown, key, fingerprint)}"
    folder.mkdir(parents=True)
    executed = folder / f"{path.stem}.ipynb"
    status, error = "ok", None
    # The run's ledger records and figures go to its own folder, never over the book's.
    variables = {BUILD_DIR_VARIABLE: str(folder / "_build")}
    if config is not None:
        (folder / "review.yml").write_text(config, encoding="utf-8")
        variables[SETTINGS_VARIABLE] = str(folder / "review.yml")
    with _environment(variables), tempfile.TemporaryDirectory(prefix="living-review-kernel-") as sockets:
        try:
            papermill.execute_notebook(jupytext.read(path), str(executed), parameters=values, cwd=str(path.parent),
                                       kernel_name=kernel_name, progress_bar=False, log_output=False,
                                       execution_timeout=timeout,
                                       kernel_manager_class=ipc_kernel_manager(Path(sockets) / "kernel"))
        except Exception as exc:  # a failed run is recorded, not raised: sweeps go on
            status = "failed"
            error = f"{getattr(exc, 'ename', type(exc).__name__)}: {getattr(exc, 'evalue', str(exc).strip())}"
    glued, html = {}, None
    if executed.is_file():
        notebook = nbformat.read(executed, as_version=4)
        glued = glued_numbers(notebook)
        html = export_html(executed, folder / f"{path.stem}.html")
    record = {"notebook": shown, "parameters": values, "settings": changed, "data_fingerprint": fingerprint,
              "version": __version__, "status": status, "error": error, "glued": glued, "utc": stamp}
    (folder / "run.json").write_text(json.dumps(record, sort_keys=True, indent=2, default=str) + "\n", encoding="utf-8")
    return RunResult(folder, executed, html, values, status, error, glued, changed)
