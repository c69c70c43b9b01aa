"""The release summary: what one version of the review published, and from what.

``releases/<version>/summary.json`` holds

* ``version``: the package version (:data:`living_review.__version__`);
* ``data_fingerprint``: :func:`living_review.core.fingerprint.data_fingerprint` of ``data/``;
* ``parameters``: every section of ``review.yml`` as read by
  :func:`living_review.settings.load_settings` (``review``, ``meta_analysis``,
  ``survival``, ``drug_chapters``);
* ``estimates``: the ledger (:func:`living_review.provenance.ledger.collect`), i.e. every pooled
  estimate a chapter published, with its inputs;
* ``studies``: one ``{"study_id", "in_previous_version"}`` per study in
  ``data/studies.csv``, sorted by ``study_id``;
* ``scope``: ``{"name", "description"}`` of the release scope
  (:mod:`living_review.versions.scopes`), which selected the estimates and studies;
* ``headlines``: ``{name: {"label", "key"}}``, the scope's named conclusions and the
  ledger keys that carry them;
* ``commit``: the git commit the release was built from (``git rev-parse HEAD``), which
  ``make release`` also tags ``v<version>``; absent outside a git checkout, and in the
  releases made before it was recorded (0.1.0 and 1.0.0).

The file is written with sorted keys, a two-space indent and a final newline, and holds
no time stamp or machine path, so two builds from the same commit give the same bytes.

Studies are read with :func:`living_review.data.load_evidence` when that module exists
(its result's ``studies`` table), otherwise straight from ``data/studies.csv`` with
pandas. The flag ``in_previous_version`` comes from the first of the columns
:data:`PREVIOUS_VERSION_COLUMNS` that the table has, read as a boolean; it is ``null``
when the table has none of them.

Example
-------
>>> path = write_summary()  # doctest: +SKIP
>>> read_summary(path).version  # doctest: +SKIP
'0.1.0'
"""

from __future__ import annotations

import inspect
import json
import subprocess
from dataclasses import asdict, dataclass, field
from importlib import import_module
from pathlib import Path
from typing import Any

import pandas as pd

from living_review._version import __version__
from living_review.core.encoding import read_frame
from living_review.core.fingerprint import data_fingerprint
from living_review.core.paths import project_root
from living_review.provenance import ledger
from living_review.provenance.ledger_values import dumps
from living_review.settings import load_settings
from living_review.versions.scopes import ALL, Scope, load_release_config

RELEASES_DIR = "releases"
SUMMARY_FILE = "summary.json"
CHECKSUM_FILE = "SHA256SUMS"  # beside the summary in releases/<version>/: the archive's checksums
PREVIOUS_VERSION_COLUMNS = ("in_previous_version", "in_cao_2024", "in_previous_review", "in_cao2024")
TRUE_TEXT = {"true", "yes", "y", "1", "t"}
FALSE_TEXT = {"false", "no", "n", "0", "f", ""}


@dataclass(frozen=True)
class ReleaseSummary:
    """The content of one ``summary.json``."""

    version: str
    data_fingerprint: str
    parameters: dict
    estimates: dict
    studies: tuple[dict, ...]
    scope: dict = field(default_factory=lambda: {"name": ALL.name, "description": ALL.description})
    headlines: dict = field(default_factory=dict)
    commit: str | None = None

    def to_dict(self) -> dict:
        commit = {"commit": self.commit} if self.commit else {}
        return {
            **commit,
            "version": self.version,
            "data_fingerprint": self.data_fingerprint,
            "parameters": self.parameters,
            "estimates": self.estimates,
            "studies": list(self.studies),
            "scope": self.scope,
            "headlines": self.headlines,
        }

    def to_json(self) -> str:
        """Deterministic JSON text (sorted keys, indent 2, final newline)."""
        return dumps(self.to_dict())

    def summary(self) -> str:
        previous = sum(1 for s in self.studies if s.get("in_previous_version"))
        return (
            f"version {self.version} ({self.scope.get('name')}): {len(self.estimates)} pooled estimate(s), {len(self.studies)} "
            f"stud{'y' if len(self.studies) == 1 else 'ies'} ({previous} in the previous version), "
            f"data {self.data_fingerprint[:12]}"
        )


def release_dir(version: str, root: Path | None = None) -> Path:
    """``<root>/releases/<version>``."""
    return Path(root or project_root()) / RELEASES_DIR / version


def source_commit(root: Path) -> str | None:
    """The commit checked out in ``root`` (``git rev-parse HEAD``), or None outside a checkout."""
    try:
        result = subprocess.run(["git", "rev-parse", "--verify", "-q", "HEAD"], cwd=root,
                                capture_output=True, text=True)
    except OSError:
        return None
    commit = result.stdout.strip()
    return commit if result.returncode == 0 and commit else None


def _parameters(root: Path) -> dict:
    settings = load_settings(root / "review.yml")
    return json.loads(json.dumps({
        "review": {"title": settings.title, "short_title": settings.short_title},
        "meta_analysis": asdict(settings.meta_analysis),
        "survival": asdict(settings.survival),
        "drug_chapters": asdict(settings.drug_chapters),
    }))


def _flag(value: Any, study: str, column: str) -> bool:
    if isinstance(value, bool):
        return value
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return False
    text = str(value).strip().lower()
    if text in TRUE_TEXT:
        return True
    if text in FALSE_TEXT:
        return False
    raise ValueError(
        f"data/studies.csv: study {study!r}, column {column!r}: {value!r} is not a yes/no value; "
        "write true or false"
    )


def _studies_table(root: Path) -> pd.DataFrame | None:
    try:
        data_module = import_module("living_review.data")
    except ModuleNotFoundError:
        data_module = None
    loader = getattr(data_module, "load_evidence", None)
    if loader is not None:
        # The loader takes the data folder, or nothing and finds it itself.
        takes_path = bool(inspect.signature(loader).parameters)
        evidence = loader(root / "data") if takes_path else loader()
        table = getattr(evidence, "studies", None)
        if isinstance(table, pd.DataFrame):
            return table
    path = root / "data" / "studies.csv"
    if not path.is_file():
        return None
    return read_frame(path, "data/studies.csv")


def study_list(root: Path | None = None) -> tuple[dict, ...]:
    """``({"study_id", "in_previous_version"}, ...)`` sorted by study id (empty without data)."""
    root = Path(root or project_root())
    table = _studies_table(root)
    if table is None:
        return ()
    if "study_id" not in table.columns:
        table = table.reset_index() if table.index.name == "study_id" else table
    if "study_id" not in table.columns:
        raise ValueError(
            f"data/studies.csv has no 'study_id' column (columns: {', '.join(map(str, table.columns))}); "
            "every study needs an id"
        )
    column = next((c for c in PREVIOUS_VERSION_COLUMNS if c in table.columns), None)
    studies = []
    for _, row in table.iterrows():
        study = str(row["study_id"])
        flag = _flag(row[column], study, column) if column else None
        studies.append({"study_id": study, "in_previous_version": flag})
    ids = [s["study_id"] for s in studies]
    duplicated = sorted({i for i in ids if ids.count(i) > 1})
    if duplicated:
        raise ValueError(f"data/studies.csv: study id(s) {', '.join(duplicated)} appear more than once")
    return tuple(sorted(studies, key=lambda s: s["study_id"]))


def _in_scope(scope: Scope, estimates: dict, studies: tuple[dict, ...]) -> tuple[dict, tuple[dict, ...], dict]:
    selected = scope.select(estimates)
    missing = [h for h in scope.headlines if h.key not in selected]
    if missing:
        raise ValueError(
            f"scope {scope.name!r}: headline(s) {', '.join(f'{h.name} ({h.key})' for h in missing)} name "
            "ledger keys that no chapter published; correct the keys under releases.scopes in review.yml"
        )
    if scope.studies == "previous_version":
        if any(s["in_previous_version"] is None for s in studies):
            raise ValueError(
                f"scope {scope.name!r} keeps the studies of the previous version, but data/studies.csv has none "
                f"of the columns {', '.join(PREVIOUS_VERSION_COLUMNS)}; add one, or use 'studies: all'"
            )
        studies = tuple(s for s in studies if s["in_previous_version"])
    headlines = {h.name: {"label": h.label, "key": h.key} for h in scope.headlines}
    return selected, studies, headlines


def build_summary(root: Path | None = None, version: str | None = None,
                  scope: str | None = None, *, skip_stale: bool = False) -> ReleaseSummary:
    """Collect the summary of the current build (ledger, parameters, data) for ``version``.

    ``scope`` names a release scope of ``review.yml`` (default: its ``default_scope``).
    Raises ``ValueError`` when a ledger record is stale (:func:`living_review.provenance.ledger.stale_keys`):
    a release must hold only estimates computed from the data and code being released.
    ``skip_stale=True`` leaves stale records out instead; the changelog uses it to show the
    current build, never a release.
    """
    root = Path(root or project_root())
    chosen = load_release_config(root / "review.yml").scope(scope)
    records = ledger.collect(root)
    stale = ledger.stale_keys(root, records)
    if stale and not skip_stale:
        raise ValueError(
            f"the ledger holds {len(stale)} estimate(s) not recomputed from the current data, code and "
            f"configuration: {', '.join(stale)}. Rebuild the book from scratch ('make clean book') and release again"
        )
    current = {key: record for key, record in records.items() if key not in stale}
    estimates, studies, headlines = _in_scope(chosen, current, study_list(root))
    return ReleaseSummary(
        version=version or __version__,
        data_fingerprint=data_fingerprint(root),
        parameters=_parameters(root),
        estimates=estimates,
        studies=studies,
        scope={"name": chosen.name, "description": chosen.description},
        headlines=headlines,
        commit=source_commit(root),
    )


def write_summary(root: Path | None = None, version: str | None = None, scope: str | None = None) -> Path:
    """Write ``releases/<version>/summary.json`` and return its path."""
    root = Path(root or project_root())
    summary = build_summary(root, version, scope)
    path = release_dir(summary.version, root) / SUMMARY_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(summary.to_json(), encoding="utf-8")
    return path


def release_versions(root: Path | None = None) -> list[str]:
    """Versions that have a ``releases/<version>/summary.json``, oldest first (PEP 440 order)."""
    from packaging.version import InvalidVersion, Version

    folder = Path(root or project_root()) / RELEASES_DIR
    found = []
    for path in folder.glob(f"*/{SUMMARY_FILE}") if folder.is_dir() else ():
        try:
            found.append((Version(path.parent.name), path.parent.name))
        except InvalidVersion:
            continue  # not a release folder
    return [name for _, name in sorted(found)]


def previous_summary(version: str, root: Path | None = None) -> Path | None:
    """The ``summary.json`` of the newest release older than ``version``, or None for the first."""
    from packaging.version import Version

    older = [v for v in release_versions(root) if Version(v) < Version(version)]
    return release_dir(older[-1], root) / SUMMARY_FILE if older else None


def read_summary(path: Path) -> ReleaseSummary:
    """Read a ``summary.json``; ``ValueError`` naming the file and the missing fields."""
    path = Path(path)
    raw = json.loads(path.read_text(encoding="utf-8"))
    missing = [f for f in ("version", "data_fingerprint", "parameters", "estimates", "studies") if f not in raw]
    if missing:
        raise ValueError(f"{path}: not a release summary, it lacks {', '.join(missing)}")
    return ReleaseSummary(
        version=str(raw["version"]), data_fingerprint=raw["data_fingerprint"], parameters=raw["parameters"],
        estimates=raw["estimates"], studies=tuple(raw["studies"]),
        scope=raw.get("scope", {"name": ALL.name, "description": ALL.description}),
        headlines=raw.get("headlines", {}), commit=raw.get("commit"),
    )
