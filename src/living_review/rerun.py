"""Parameterised reruns: execute a chapter with other parameters, checked against its own.

A chapter's ``parameters`` cell (the code cell tagged ``parameters``) declares what may be
changed. It must hold literal assignments only (``name = <literal>``; text, numbers,
booleans, ``None``, lists, dicts); each defines an allowed name, its type (that of the
default) and the default. A value's allowed set comes from, in this order:

1. a comment on the assignment's line, ``# one of: a, b, c`` (each item read as YAML,
   so ``# one of: 0.9, 0.95`` allows two numbers);
2. otherwise the review's closed option sets in :mod:`living_review.settings`: a name equal
   to a settings field whose type is a ``Literal`` (``transform``, ``tau2_method``,
   ``model``, ``histology``), or equal, ignoring case and underscores, to one of its
   ``Literal`` aliases (``outcome`` -> ``Outcome``). For a list whose settings field is
   a tuple of a ``Literal`` (``outcomes``) the set applies to every item.

Values given on the command line are read with ``yaml.safe_load`` (``-p hakn true``,
``-p outcomes "[ORR]"``), except for text parameters, which take the value as written.
A whole number is accepted for a float parameter. A ``None`` default accepts any value.

:func:`run_notebook` executes with papermill in the notebook's folder and writes, under
``runs/<UTC time>-<hash>/``, the executed notebook, an HTML export (rendered by myst-nb's
docutils writer, with images embedded) and ``run.json``: the parameters, the notebook,
the data fingerprint, the package version, the status and every number the notebook
glued (``myst_nb.glue``). While the notebook runs, ``LIVING_REVIEW_BUILD_DIR`` points
to the run folder's ``_build``, so the estimates it records in the ledger and the figures
it publishes stay with the run and never replace the book's. The hash is the first 10 hex digits of the SHA-256 of the
notebook path, the parameters and the data fingerprint.

Example
-------
>>> run = run_notebook("notebooks/templates/drug_results.md", {"drug": "sorafenib", "tau2_method": "DL"})  # doctest: +SKIP
>>> run.summary()  # doctest: +SKIP
"""

from __future__ import annotations

import ast
import datetime as dt
import hashlib
import json
import os
import re
import tempfile
import typing
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any, Literal

import jupytext
import nbformat
import yaml

from living_review import settings as settings_module
from living_review._version import __version__
from living_review.fingerprint import data_fingerprint
from living_review.paths import BUILD_DIR_VARIABLE, project_root

ONE_OF = re.compile(r"#\s*one of:\s*(.+)$", re.IGNORECASE)
GLUE_MIME_PREFIX = "application/papermill.record/"
NUMBER_REPR = re.compile(r"^(?:np\.\w+\()?\s*([-+0-9.eEinfa]+)\s*\)?$")
TYPE_NAMES = {bool: "true/false", int: "whole number", float: "number", str: "text", list: "list", dict: "mapping"}


class ParameterError(ValueError):
    """A rerun parameter is unknown, of the wrong type or outside its allowed set."""


@dataclass(frozen=True)
class Parameter:
    """One entry of a notebook's parameters cell."""

    name: str
    default: Any
    allowed: tuple | None = None
    item_allowed: tuple | None = None

    @property
    def kind(self) -> type | None:
        return None if self.default is None else type(self.default)

    def describe(self) -> str:
        kind = TYPE_NAMES.get(self.kind, "any value")
        sets = f", one of {', '.join(map(str, self.allowed))}" if self.allowed else ""
        items = f", items one of {', '.join(map(str, self.item_allowed))}" if self.item_allowed else ""
        return f"{self.name} ({kind}{sets}{items}; default {self.default!r})"


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

    def summary(self) -> str:
        params = ", ".join(f"{k}={v!r}" for k, v in sorted(self.parameters.items())) or "defaults"
        tail = f": {self.error}" if self.error else ""
        return f"{self.status} [{params}] -> {self.folder.name}{tail}"


def _norm(name: str) -> str:
    return name.replace("_", "").lower()


def _settings_literals() -> tuple[dict[str, tuple], dict[str, tuple]]:
    """(scalar sets, list-item sets) by normalised name, from living_review.settings."""
    scalar: dict[str, tuple] = {}
    items: dict[str, tuple] = {}
    for name, value in vars(settings_module).items():
        if typing.get_origin(value) is Literal:
            scalar[_norm(name)] = typing.get_args(value)
        if isinstance(value, type) and is_dataclass(value):
            hints = typing.get_type_hints(value)
            for f in fields(value):
                hint = hints[f.name]
                if typing.get_origin(hint) is Literal:
                    scalar[_norm(f.name)] = typing.get_args(hint)
                elif typing.get_origin(hint) is tuple and typing.get_origin(typing.get_args(hint)[0]) is Literal:
                    items[_norm(f.name)] = typing.get_args(typing.get_args(hint)[0])
    return scalar, items


def parameters_cell(notebook: nbformat.NotebookNode, source: str = "notebook") -> str:
    cells = [c for c in notebook.cells if c.cell_type == "code" and "parameters" in c.metadata.get("tags", [])]
    if len(cells) != 1:
        raise ParameterError(f"{source}: expected one code cell tagged 'parameters', found {len(cells)}")
    return cells[0].source


def parse_parameters(code: str, source: str = "parameters cell") -> dict[str, Parameter]:
    """Parse a parameters cell's code into ``{name: Parameter}`` (see the module notes)."""
    try:
        tree = ast.parse(code)
    except SyntaxError as error:
        raise ParameterError(f"{source}: not valid Python ({error.msg}, line {error.lineno})") from None
    lines = code.splitlines()
    scalar_sets, item_sets = _settings_literals()
    found = {}
    for node in tree.body:
        target = node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1 else getattr(node, "target", None)
        if not isinstance(node, (ast.Assign, ast.AnnAssign)) or not isinstance(target, ast.Name) or node.value is None:
            raise ParameterError(f"{source}, line {node.lineno}: only 'name = <literal>' assignments are allowed")
        try:
            default = ast.literal_eval(node.value)
        except ValueError:
            raise ParameterError(
                f"{source}, line {node.lineno}: the value of {target.id!r} is not a literal "
                "(text, number, true/false, None, list or dict)"
            ) from None
        comment = ONE_OF.search(lines[node.end_lineno - 1])
        is_list = isinstance(default, list)
        if comment:
            # text stays text: 'yes' in a set of words must not become True
            textual = isinstance(default, str) or (is_list and all(isinstance(v, str) for v in default))
            chosen = tuple(v.strip() if textual else yaml.safe_load(v.strip())
                           for v in comment.group(1).split(",") if v.strip())
        else:
            chosen = (item_sets if is_list else scalar_sets).get(_norm(target.id))
        # for a list, the set constrains every item
        allowed, items = (None, chosen) if is_list else (chosen, None)
        outside = [v for v in (default if is_list else [default]) if chosen is not None and v not in chosen]
        if outside:
            raise ParameterError(
                f"{source}, line {node.lineno}: the default of {target.id!r} ({', '.join(map(repr, outside))}) "
                f"is not in its allowed set ({', '.join(map(str, chosen))})"
            )
        found[target.id] = Parameter(target.id, default, allowed, items)
    return found


def read_parameters(path: Path) -> dict[str, Parameter]:
    """The allowed parameters of the jupytext notebook at ``path``."""
    path = Path(path)
    return parse_parameters(parameters_cell(jupytext.read(path), path.name), f"{path.name} parameters cell")


def _coerce(spec: Parameter, raw: Any) -> Any:
    value = yaml.safe_load(raw) if isinstance(raw, str) and spec.kind is not str else raw
    kind = spec.kind
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if kind is not None and not (type(value) is kind):
        raise ParameterError(f"{spec.name}: {raw!r} is not a {TYPE_NAMES.get(kind, kind.__name__)}")
    if spec.allowed is not None and value not in spec.allowed:
        raise ParameterError(f"{spec.name}: {value!r} is not allowed")
    if spec.item_allowed is not None:
        bad = [v for v in value if v not in spec.item_allowed]
        if bad:
            raise ParameterError(f"{spec.name}: item(s) {', '.join(map(repr, bad))} not allowed")
    return value


def validate_parameters(spec: dict[str, Parameter], given: dict[str, Any], source: str = "notebook") -> dict:
    """Check ``given`` against ``spec``; return the typed values or raise listing what is allowed."""
    problems, values = [], {}
    for name, raw in given.items():
        if name not in spec:
            problems.append(f"unknown parameter {name!r}")
            continue
        try:
            values[name] = _coerce(spec[name], raw)
        except ParameterError as error:
            problems.append(str(error))
    if problems:
        allowed = "\n  ".join(p.describe() for p in spec.values()) or "(none)"
        raise ParameterError(f"{source}: " + "; ".join(problems) + f".\nAllowed parameters:\n  {allowed}")
    return values


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


def run_notebook(path: Path, parameters: dict, *, runs_dir: Path | None = None, root: Path | None = None,
                 kernel_name: str = "python3", timeout: int = 900) -> RunResult:
    """Validate ``parameters``, execute the notebook and write its run folder.

    Parameters
    ----------
    path : the jupytext notebook (``.md``) to run.
    parameters : ``{name: value}``; text values are parsed as described in the module notes.
    runs_dir : where run folders go (default ``<root>/runs``).
    root : project root, whose ``data/`` is fingerprinted (default: the project root).
    timeout : seconds allowed per cell.

    Returns
    -------
    RunResult, status ``"failed"`` with the error when the notebook raised. Invalid
    parameters raise ``ParameterError`` before anything runs.
    """
    import papermill

    path = Path(path).resolve()
    root = Path(root or project_root()).resolve()
    values = validate_parameters(read_parameters(path), parameters, path.name)
    fingerprint = data_fingerprint(root)
    shown = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.name
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S.%fZ")
    folder = Path(runs_dir or root / "runs") / f"{stamp}-{run_id(shown, values, fingerprint)}"
    folder.mkdir(parents=True)
    executed = folder / f"{path.stem}.ipynb"
    status, error = "ok", None
    # The run's ledger records and figures go to its own folder, never over the book's.
    saved = os.environ.get(BUILD_DIR_VARIABLE)
    os.environ[BUILD_DIR_VARIABLE] = str(folder / "_build")
    try:
        papermill.execute_notebook(jupytext.read(path), str(executed), parameters=values, cwd=str(path.parent),
                                   kernel_name=kernel_name, progress_bar=False, log_output=False,
                                   execution_timeout=timeout)
    except Exception as exc:  # a failed run is recorded, not raised: sweeps go on
        status = "failed"
        error = f"{getattr(exc, 'ename', type(exc).__name__)}: {getattr(exc, 'evalue', str(exc).strip())}"
    finally:
        if saved is None:
            os.environ.pop(BUILD_DIR_VARIABLE, None)
        else:
            os.environ[BUILD_DIR_VARIABLE] = saved
    glued, html = {}, None
    if executed.is_file():
        notebook = nbformat.read(executed, as_version=4)
        glued = glued_numbers(notebook)
        html = export_html(executed, folder / f"{path.stem}.html")
    record = {"notebook": shown, "parameters": values, "data_fingerprint": fingerprint, "version": __version__,
              "status": status, "error": error, "glued": glued, "utc": stamp}
    (folder / "run.json").write_text(json.dumps(record, sort_keys=True, indent=2, default=str) + "\n", encoding="utf-8")
    return RunResult(folder, executed, html, values, status, error, glued)
