"""The manifest of a release archive: every file in it, with its size and SHA-256.

One checksum for the whole archive says only that something differs. ``releases/<version>/
MANIFEST.tsv`` lists each file of ``living-review-<version>.tar.gz`` (path inside the
archive's top folder, size in bytes, SHA-256), one line each, sorted by path, under a
header line, so that ``living-review verify`` names the files that differ. The manifest is
computed from the archive's bytes, so the same archive gives the same manifest; it is
listed in ``SHA256SUMS`` like the archive.

:func:`compare_manifests` gives the files that differ, are missing or were added;
:func:`first_text_difference` the first line in which two versions of a text file differ,
when both are at hand (the rebuilt archive always; the published one when its archive is
in the release folder, e.g. downloaded from the archive deposit).

Example
-------
>>> entries = archive_manifest(Path("releases/1.3.0/living-review-1.3.0.tar.gz"))  # doctest: +SKIP
>>> entries[0].path  # doctest: +SKIP
'html/_static/...'
"""

from __future__ import annotations

import hashlib
import tarfile
from dataclasses import dataclass
from pathlib import Path

from living_review.core.words import count

MANIFEST_FILE = "MANIFEST.tsv"
HEADER = "path\tsize\tsha256"
TEXT_SUFFIXES = (".html", ".csv", ".json", ".svg", ".txt", ".js", ".css", ".bib", ".tex", ".xml", ".map", ".md")


@dataclass(frozen=True)
class ManifestEntry:
    """One file of an archive."""

    path: str
    size: int
    sha256: str


@dataclass(frozen=True)
class ManifestDifference:
    """The files in which two manifests differ (paths inside the archive)."""

    changed: tuple[str, ...]
    missing: tuple[str, ...]
    added: tuple[str, ...]

    @property
    def same(self) -> bool:
        return not (self.changed or self.missing or self.added)

    def names(self) -> tuple[str, ...]:
        return self.changed + self.missing + self.added

    def summary(self) -> str:
        if self.same:
            return "every file of the archive is identical"
        parts = []
        if self.changed:
            parts.append(f"{count(len(self.changed), 'file')} {'differs' if len(self.changed) == 1 else 'differ'}: {', '.join(self.changed)}")
        if self.missing:
            parts.append(f"{count(len(self.missing), 'published file')} not rebuilt: {', '.join(self.missing)}")
        if self.added:
            parts.append(f"{count(len(self.added), 'rebuilt file')} not published: {', '.join(self.added)}")
        return "; ".join(parts)


def _inner(name: str) -> str:
    """The member's path below the archive's top folder (``living-review-<version>/``)."""
    return name.split("/", 1)[1] if "/" in name else name


def archive_members(archive: Path) -> dict[str, bytes]:
    """``{path: content}`` of every file (not folder) of a ``.tar.gz``."""
    found = {}
    with tarfile.open(archive, mode="r:gz") as tar:
        for member in tar.getmembers():
            if member.isfile():
                handle = tar.extractfile(member)
                found[_inner(member.name)] = handle.read() if handle else b""
    return found


def archive_manifest(archive: Path) -> tuple[ManifestEntry, ...]:
    """One entry per file of the archive, sorted by path."""
    members = archive_members(archive)
    return tuple(ManifestEntry(path, len(data), hashlib.sha256(data).hexdigest())
                 for path, data in sorted(members.items()))


def manifest_text(entries: tuple[ManifestEntry, ...]) -> str:
    return HEADER + "\n" + "".join(f"{e.path}\t{e.size}\t{e.sha256}\n" for e in entries)


def write_manifest(archive: Path, folder: Path | None = None) -> Path:
    """Write ``MANIFEST.tsv`` of ``archive`` into ``folder`` (default: the archive's folder)."""
    path = Path(folder or Path(archive).parent) / MANIFEST_FILE
    path.write_text(manifest_text(archive_manifest(Path(archive))), encoding="utf-8")
    return path


def read_manifest(path: Path) -> tuple[ManifestEntry, ...]:
    """Read a ``MANIFEST.tsv``; ``ValueError`` naming the line that is not ``path<TAB>size<TAB>sha256``."""
    path = Path(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    if not lines or lines[0] != HEADER:
        raise ValueError(f"{path.name}:1: the header must be {HEADER!r}")
    entries = []
    for number, line in enumerate(lines[1:], start=2):
        parts = line.split("\t")
        if len(parts) != 3 or not parts[1].isdigit() or len(parts[2]) != 64:
            raise ValueError(f"{path.name}:{number}: expected path, size and a 64-digit SHA-256 separated by tabs")
        entries.append(ManifestEntry(parts[0], int(parts[1]), parts[2]))
    return tuple(entries)


def compare_manifests(published: tuple[ManifestEntry, ...], rebuilt: tuple[ManifestEntry, ...]) -> ManifestDifference:
    old = {e.path: e for e in published}
    new = {e.path: e for e in rebuilt}
    changed = tuple(sorted(p for p in old.keys() & new.keys() if old[p].sha256 != new[p].sha256))
    return ManifestDifference(changed, tuple(sorted(old.keys() - new.keys())), tuple(sorted(new.keys() - old.keys())))


def is_text(path: str) -> bool:
    return path.lower().endswith(TEXT_SUFFIXES)


def first_text_difference(published: bytes, rebuilt: bytes, width: int = 160) -> str:
    """``line N: published '…', rebuilt '…'`` around the first character that differs."""
    old = published.decode("utf-8", "replace").splitlines()
    new = rebuilt.decode("utf-8", "replace").splitlines()
    for number, (a, b) in enumerate(zip(old, new), start=1):
        if a != b:
            at = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
            start = max(0, at - width // 4)
            return f"line {number}, column {at + 1}: published {a[start:start + width]!r}, rebuilt {b[start:start + width]!r}"
    if len(old) != len(new):
        return f"{count(len(old), 'line')} published, {len(new)} rebuilt; the first {min(len(old), len(new))} are the same"
    return "the same lines, other bytes (line endings or a final newline)"
