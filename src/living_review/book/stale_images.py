"""Only what the current build references is published: stale images leave ``_build/html/_images``.

Sphinx copies every image a page uses into ``_images`` but never deletes one that a page
no longer uses, so a figure renamed or dropped since an earlier build would stay in the
published site. After an HTML build, :func:`prune_images` removes every file of
``_images`` that no HTML page of the site names.

Run as ``python -m living_review.book.stale_images _build/html`` (``make html`` does).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from urllib.parse import unquote

IMAGES = "_images"
_REFERENCE = re.compile(r"""_images/([^"'()\s<>?#]+)""")


def referenced_images(html_dir: Path) -> set[str]:
    """Names of the files in ``_images`` that some HTML page of ``html_dir`` refers to."""
    names: set[str] = set()
    for page in Path(html_dir).rglob("*.html"):
        names.update(unquote(m) for m in _REFERENCE.findall(page.read_text(encoding="utf-8", errors="replace")))
    return names


def prune_images(html_dir: Path) -> list[Path]:
    """Delete the files of ``<html_dir>/_images`` no page refers to; return them, sorted."""
    folder = Path(html_dir) / IMAGES
    if not folder.is_dir():
        return []
    used = referenced_images(html_dir)
    stale = sorted(p for p in folder.rglob("*") if p.is_file() and p.relative_to(folder).as_posix() not in used)
    for path in stale:
        path.unlink()
    return stale


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m living_review.book.stale_images HTML_DIR", file=sys.stderr)
        return 2
    stale = prune_images(Path(args[0]))
    print(f"{len(stale)} stale image(s) removed from {Path(args[0]) / IMAGES}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
