"""Set the review's version: ``_version.py``, then ``CITATION.cff`` and ``.zenodo.json`` from it.

The version is defined in ``src/living_review/_version.py`` only; ``CITATION.cff`` carries
a copy (with the release date) because citation tools read it, and ``.zenodo.json`` is
generated from ``CITATION.cff`` (:func:`living_review.versions.citation.write_zenodo_json`). This
module changes the three together, so that they cannot disagree, and refuses a version
that is not PEP 440 or that does not move forward.

Example
-------
>>> set_version("1.0.0", date="2026-11-22")  # doctest: +SKIP
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from packaging.version import InvalidVersion, Version

from living_review.core.paths import project_root
from living_review.versions.citation import write_zenodo_json

VERSION_FILE = Path("src") / "living_review" / "_version.py"
VERSION_LINE = re.compile(r'^__version__ = "([^"]*)"$', re.MULTILINE)
CFF_VERSION = re.compile(r'^version: .*$', re.MULTILINE)
CFF_DATE = re.compile(r'^date-released: .*$', re.MULTILINE)
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class VersionChange:
    """What :func:`set_version` changed: the version before and after, and the release date written."""

    previous: str
    current: str
    date: str

    def summary(self) -> str:
        return f"version {self.previous} -> {self.current} (date-released {self.date})"


def current_version(root: Path | None = None) -> str:
    """The version written in ``_version.py`` (read from the file, not the imported module)."""
    text = (Path(root or project_root()) / VERSION_FILE).read_text(encoding="utf-8")
    match = VERSION_LINE.search(text)
    if match is None:
        raise ValueError(f"{VERSION_FILE.as_posix()}: no line '__version__ = \"...\"' found")
    return match.group(1)


def set_version(version: str, *, date: str, root: Path | None = None) -> VersionChange:
    """Write ``version`` to ``_version.py`` and ``CITATION.cff`` (with ``date``), regenerate ``.zenodo.json``.

    Raises ``ValueError`` (nothing written) when ``version`` is not PEP 440, is not newer
    than the current version, or ``date`` is not YYYY-MM-DD.
    """
    root = Path(root or project_root())
    previous = current_version(root)
    try:
        new = Version(version)
    except InvalidVersion:
        raise ValueError(f"{version!r} is not a PEP 440 version (e.g. 1.0.0, 1.1.0.dev0)") from None
    if new <= Version(previous):
        raise ValueError(f"version {version} is not newer than the current {previous}; versions only move forward")
    if not ISO_DATE.match(date):
        raise ValueError(f"date {date!r} is not YYYY-MM-DD")
    cff_path = root / "CITATION.cff"
    cff = cff_path.read_text(encoding="utf-8")
    for pattern, name in ((CFF_VERSION, "version"), (CFF_DATE, "date-released")):
        if not pattern.search(cff):
            raise ValueError(f"CITATION.cff has no top-level '{name}:' line; add one")
    version_path = root / VERSION_FILE
    version_path.write_text(VERSION_LINE.sub(f'__version__ = "{version}"', version_path.read_text(encoding="utf-8")),
                            encoding="utf-8")
    cff = CFF_VERSION.sub(f'version: "{version}"', cff, count=1)
    cff_path.write_text(CFF_DATE.sub(f'date-released: "{date}"', cff, count=1), encoding="utf-8")
    write_zenodo_json(root)
    return VersionChange(previous, version, date)
