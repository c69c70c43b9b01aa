"""Parameter sweeps: one notebook over a grid of parameters, in parallel, into one table.

A grid file is YAML::

    notebook: notebooks/templates/drug_results.md   # relative to the grid file
    parameters:
      tau2_method: [DL, REML, PM]
      transform: [PFT, PLOGIT]

A grid may also, or instead, list ``settings``: analysis settings of ``review.yml`` named
``section.key`` (``meta_analysis.hakn: [false, true]``), which any chapter follows
(:mod:`living_review.runs.settings_override`). The grid above runs the cartesian product of the lists (here 6 runs), each with
:func:`living_review.runs.rerun.run_notebook`. Every combination is validated before any runs,
so a typo costs nothing. Runs execute in separate processes (at most ``max_workers`` at
once, each starting its own kernel); a run that fails is recorded with its error and the
others go on.

The results table has one row per run, in grid order: the parameters and settings, ``status``
(``ok``/``failed``), ``folder`` (the run folder), ``error``, one column per number the
notebook glued (``glue:<name>``) and, for every estimate the run recorded in its ledger,
``<key>:estimate``, ``<key>:ci_low``, ``<key>:ci_high`` and ``<key>:k`` (empty where a run
did not publish that key). It is written as CSV to ``runs/sweep-<UTC time>.csv``.

Example
-------
>>> result = run_sweep("tau2.yaml")  # doctest: +SKIP
>>> result.table[["tau2_method", "transform", "status", "drug.lenvatinib.orr:estimate"]]  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import itertools
import multiprocessing
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml
from tqdm import tqdm

from living_review.core.paths import project_root
from living_review.provenance import ledger
from living_review.runs.notebook_parameters import read_parameters, validate_parameters
from living_review.runs.rerun import run_notebook

ESTIMATE_FIELDS = ("estimate", "ci_low", "ci_high", "k")


@dataclass(frozen=True)
class Grid:
    """A notebook and, per parameter name (or ``section.key`` setting), the values to try."""

    notebook: Path
    values: dict[str, list]

    def combinations(self) -> list[dict]:
        names = list(self.values)
        return [dict(zip(names, combo)) for combo in itertools.product(*(self.values[n] for n in names))]


def _split(combo: dict) -> tuple[dict, dict]:
    """(notebook parameters, review.yml settings): setting names are written ``section.key``."""
    return ({k: v for k, v in combo.items() if "." not in k}, {k: v for k, v in combo.items() if "." in k})


@dataclass(frozen=True)
class SweepResult:
    """The results table of a sweep and where it was written."""

    table: pd.DataFrame
    csv: Path

    @property
    def failed(self) -> pd.DataFrame:
        return self.table[self.table["status"] != "ok"]

    def summary(self) -> str:
        lines = [f"{len(self.table)} run(s), {len(self.failed)} failed; table: {self.csv.name}"]
        for _, row in self.failed.iterrows():
            lines.append(f"  failed: {row['folder']}: {row['error']}")
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()


def read_grid(path: Path, root: Path | None = None) -> Grid:
    """Read and check a grid file; ``ValueError`` as ``FILE:LINE[:COLUMN]: what is wrong (how to fix)``.

    Every value is checked on its own first, so a refused value is blamed on its line of the
    grid file, then every combination is checked as a whole.
    """
    from living_review.core.yamlfile import read_yaml
    from living_review.runs.settings_override import override_text

    path = Path(path)
    doc = read_yaml(path)
    raw = {} if doc.data is None else doc.data
    usage = ("a grid needs 'notebook: <path>' and 'parameters: {name: [values, ...]}' and/or "
             "'settings: {section.key: [values, ...]}'")
    if not isinstance(raw, dict):
        raise ValueError(f"{doc.at()}: the grid is {raw!r}, not a mapping ({usage})")
    unknown = set(raw) - {"notebook", "parameters", "settings"}
    sections = [raw.get(k) or {} for k in ("parameters", "settings")]
    if unknown:
        first = sorted(unknown, key=lambda k: doc.lines.get((k,), 0))[0]
        raise ValueError(f"{doc.at(first)}: unknown key(s) {', '.join(sorted(map(str, unknown)))} ({usage})")
    for kind, section in zip(("parameters", "settings"), sections):
        if not isinstance(section, dict):
            raise ValueError(f"{doc.at(kind)}: {kind} is {section!r}, not a mapping ({usage})")
    if "notebook" not in raw or not isinstance(raw["notebook"], str) or not any(sections):
        raise ValueError(f"{doc.at('notebook')}: {usage}")
    notebook = (path.parent / raw["notebook"]).resolve()
    if not notebook.is_file():
        raise ValueError(f"{doc.at('notebook')}: notebook {raw['notebook']} not found (paths are relative to the "
                         "grid file)")
    spec = read_parameters(notebook)
    config = Path(root or project_root()) / "review.yml"
    values = {}
    for kind, section in zip(("parameters", "settings"), sections):
        for name, options in section.items():
            at = doc.at(kind, name)
            if not isinstance(options, list) or not options:
                raise ValueError(f"{at}: {kind}.{name} must be a non-empty list of values (write [a, b])")
            if (kind == "settings") != ("." in str(name)):
                raise ValueError(f"{at}: {kind}.{name}: settings are named section.key, parameters are not")
            for i, option in enumerate(options):
                try:
                    if kind == "parameters":
                        validate_parameters(spec, {str(name): option}, notebook.name)
                    else:
                        override_text(config, {str(name): option})
                except ValueError as error:
                    message = str(error).replace("review.yml: ", "")
                    shown = repr(option) if len(repr(option)) <= 40 else f"{repr(option)[:20]}..."
                    raise type(error)(f"{doc.at(kind, name, i)}: {kind}.{name} = {shown}: {message}") from None
            values[str(name)] = options
    for combo in Grid(notebook, values).combinations():
        parameters, settings = _split(combo)
        validate_parameters(spec, parameters, f"{path.name} ({notebook.name})")
        if settings:
            override_text(config, settings)
    return Grid(notebook, values)


def _run_one(notebook: str, combo: dict, runs_dir: str, root: str) -> dict:
    parameters, settings = _split(combo)
    try:
        result = run_notebook(Path(notebook), parameters, runs_dir=Path(runs_dir), root=Path(root), settings=settings)
    except Exception as exc:  # reported in the table; the other runs go on
        return {"status": "failed", "folder": "", "error": f"{type(exc).__name__}: {exc}", "glued": {}, "estimates": {}}
    # the run's own ledger (living_review.runs.rerun redirects it into the run folder); a failed
    # run's estimates are left out, since the notebook stopped before checking them all
    estimates = {key: {field: record[field] for field in ESTIMATE_FIELDS}
                 for key, record in ledger.collect(result.folder).items()} if result.status == "ok" else {}
    return {"status": result.status, "folder": result.folder.name, "error": result.error or "",
            "glued": result.glued, "estimates": estimates}


def run_sweep(grid_path: Path, *, max_workers: int = 2, runs_dir: Path | None = None,
              root: Path | None = None, progress: bool = True) -> SweepResult:
    """Run every combination of a grid file in parallel and write the results table.

    Parameters
    ----------
    grid_path : the YAML grid file (format in the module notes).
    max_workers : processes running at once (each runs one kernel).
    runs_dir : where run folders and the table go (default ``<root>/runs``).
    root : project root whose ``data/`` is fingerprinted (default: the project root).
    progress : show a tqdm progress bar.
    """
    if max_workers < 1:
        raise ValueError(f"max_workers must be at least 1, got {max_workers}")
    grid = read_grid(grid_path, root)
    root = Path(root or project_root()).resolve()
    runs_dir = Path(runs_dir or root / "runs")
    runs_dir.mkdir(parents=True, exist_ok=True)
    combos = grid.combinations()
    outcomes: list[dict | None] = [None] * len(combos)
    # spawn: a fresh interpreter per worker, safe with the threads of kernels and tqdm
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=max_workers, mp_context=context) as pool:
        futures = {pool.submit(_run_one, str(grid.notebook), combo, str(runs_dir), str(root)): i
                   for i, combo in enumerate(combos)}
        for future in tqdm(as_completed(futures), total=len(futures), desc=grid.notebook.name,
                           unit="run", disable=not progress):
            outcomes[futures[future]] = future.result()
    rows = []
    for combo, outcome in zip(combos, outcomes):
        row = {**{k: v if not isinstance(v, (list, dict)) else yaml.safe_dump(v, default_flow_style=True).strip()
                  for k, v in combo.items()},
               "status": outcome["status"], "folder": outcome["folder"], "error": outcome["error"]}
        row.update({f"glue:{name}": value for name, value in sorted(outcome["glued"].items())})
        row.update({f"{key}:{field}": value for key, record in sorted(outcome["estimates"].items())
                    for field, value in record.items()})
        rows.append(row)
    table = pd.DataFrame(rows)
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    csv = runs_dir / f"sweep-{stamp}-{grid.notebook.stem}.csv"
    table.to_csv(csv, index=False)
    return SweepResult(table, csv)
