"""The release archive: the HTML site and the PDF in one reproducible ``.tar.gz``.

``releases/<version>/living-review-<version>.tar.gz`` holds ``living-review-<version>/html/``
(the built site, ``_build/html``) and ``living-review-<version>/living-review.pdf``
(``_build/latex/living-review.pdf``). Two archives of the same files are byte-identical:

* members are added in sorted path order;
* every member's modification time is ``SOURCE_DATE_EPOCH`` (seconds since 1970, the
  reproducible-builds convention) or 0 when it is unset;
* owner and group are 0 with empty names; modes are 0644 for files and 0755 for folders;
* the gzip header carries no file name and a zero time stamp.

``SHA256SUMS`` lists the SHA-256 of the archive, of its ``MANIFEST.tsv`` and of ``summary.json`` in the format of
``sha256sum`` (``<hex>  <name>``), so ``sha256sum -c SHA256SUMS`` checks a download.

References
----------
Reproducible Builds. SOURCE_DATE_EPOCH specification. https://reproducible-builds.org/specs/source-date-epoch/

Example
-------
>>> archive = write_archive("1.0.0")  # doctest: +SKIP
>>> write_checksums(archive.parent)  # doctest: +SKIP
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import tarfile
from pathlib import Path

from living_review.core.paths import project_root
from living_review.versions.summary import CHECKSUM_FILE, release_dir

HTML_DIR = Path("_build") / "html"
PDF_FILE = Path("_build") / "latex" / "living-review.pdf"
# written by the Makefile while a build runs and left behind when one fails
INCOMPLETE_MARKER = Path("_build") / "INCOMPLETE"


def archive_name(version: str) -> str:
    return f"living-review-{version}.tar.gz"


def source_date_epoch() -> int:
    """``SOURCE_DATE_EPOCH`` as whole seconds, 0 when unset; ``ValueError`` if not a number."""
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not raw:
        return 0
    if not raw.isdigit():
        raise ValueError(f"SOURCE_DATE_EPOCH={raw!r} is not a whole number of seconds since 1970-01-01")
    return int(raw)


def _members(html: Path, pdf: Path, prefix: str) -> list[tuple[str, Path]]:
    """``(name in archive, file or folder on disk)`` in sorted name order."""
    entries = [(f"{prefix}/html", html)]
    for path in html.rglob("*"):
        entries.append((f"{prefix}/html/{path.relative_to(html).as_posix()}", path))
    entries.append((f"{prefix}/living-review.pdf", pdf))
    return sorted(entries, key=lambda e: e[0])


def _tar_info(name: str, path: Path, mtime: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.mtime = mtime
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    if path.is_dir():
        info.type = tarfile.DIRTYPE
        info.mode = 0o755
    else:
        info.size = path.stat().st_size
        info.mode = 0o644
    return info


def pack(html: Path, pdf: Path, target: Path, prefix: str) -> Path:
    """Write a reproducible ``.tar.gz`` of ``html`` (folder) and ``pdf`` (file) to ``target``.

    Parameters
    ----------
    html : the built HTML site folder.
    pdf : the built PDF.
    target : the archive to write.
    prefix : the folder name every member lies under.

    Returns
    -------
    ``target``. Raises ``FileNotFoundError`` naming what is missing and how to build it.
    """
    if not html.is_dir() or not (html / "index.html").is_file():
        raise FileNotFoundError(f"no built HTML site at {html} (no index.html); run 'make html' first")
    if not pdf.is_file():
        raise FileNotFoundError(f"no PDF at {pdf}; run 'make pdf' first")
    if any(p.is_symlink() for p in html.rglob("*")):
        raise ValueError(f"{html} holds symbolic links; the archive would not be self-contained")
    mtime = source_date_epoch()
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, path in _members(html, pdf, prefix):
            info = _tar_info(name, path, mtime)
            if path.is_dir():
                tar.addfile(info)
            else:
                with path.open("rb") as handle:
                    tar.addfile(info, handle)
    target.parent.mkdir(parents=True, exist_ok=True)
    # gzip would otherwise record the file name and the current time in its header.
    with target.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz:
        gz.write(buffer.getvalue())
    return target


def write_archive(version: str, root: Path | None = None) -> Path:
    """Pack ``_build/html`` and the PDF into ``releases/<version>/living-review-<version>.tar.gz``."""
    root = Path(root or project_root())
    marker = root / INCOMPLETE_MARKER
    if marker.exists():
        raise ValueError(
            f"{INCOMPLETE_MARKER.as_posix()} exists: the last build did not finish, so _build may mix old and new "
            "pages. Run 'make clean book' and release again"
        )
    target = release_dir(version, root) / archive_name(version)
    return pack(root / HTML_DIR, root / PDF_FILE, target, prefix=f"living-review-{version}")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


#: files of a release folder that are records of the machine, not products of the build: not checksummed
NOT_CHECKSUMMED = (CHECKSUM_FILE, "environment.json")


def write_checksums(folder: Path) -> Path:
    """Write ``<folder>/SHA256SUMS`` for every other file in ``folder`` (sorted by name).

    ``environment.json`` (the machine the release was computed on) is left out: it is
    compared field by field by ``living-review verify``, not byte for byte.
    """
    folder = Path(folder)
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.name not in NOT_CHECKSUMMED)
    path = folder / CHECKSUM_FILE
    path.write_text("".join(f"{sha256_file(p)}  {p.name}\n" for p in files), encoding="utf-8")
    return path


def verify_checksums(folder: Path) -> list[str]:
    """Names of the files whose SHA-256 does not match ``SHA256SUMS`` (empty when all match)."""
    folder = Path(folder)
    bad = []
    for line in (folder / CHECKSUM_FILE).read_text(encoding="utf-8").splitlines():
        digest, name = line.split("  ", 1)
        target = folder / name
        if not target.is_file() or sha256_file(target) != digest:
            bad.append(name)
    return bad
