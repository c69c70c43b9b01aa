"""Sphinx extension: the site reads offline, so an archived copy renders its maths.

The HTML pages load MathJax 3 from the site itself (``_static/mathjax/tex-chtml.js``), not
from a CDN, and MathJax loads its fonts from beside that file. The files come from the npm
package ``mathjax`` pinned in ``package.json`` (``npm ci`` installs it into
``node_modules/``; ``make html`` runs it); only the combined TeX-to-HTML component and its
web fonts are copied into the built site.

A build without the package fails with a message that says how to install it, rather than
publishing pages whose formulas would show as raw TeX without internet.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

from living_review._version import __version__
from living_review.core.paths import project_root

MATHJAX_PACKAGE = Path("node_modules") / "mathjax" / "es5"
# the combined component (TeX input, HTML output, menu, assistive MathML) and its fonts
MATHJAX_FILES = ("tex-chtml.js", "output/chtml/fonts/woff-v2")
MATHJAX_URL = "mathjax/tex-chtml.js"  # relative to _static


def mathjax_source(root: Path | None = None) -> Path:
    """The folder of the installed npm package's browser build (``node_modules/mathjax/es5``)."""
    return Path(root or project_root()) / MATHJAX_PACKAGE


def copy_mathjax(target: Path, root: Path | None = None) -> list[Path]:
    """Copy MathJax's component and fonts into ``target`` (the site's ``_static/mathjax``).

    Raises
    ------
    ExtensionError : when the npm package is not installed, with the command that installs it.
    """
    source = mathjax_source(root)
    missing = [name for name in MATHJAX_FILES if not (source / name).exists()]
    if missing:
        raise ExtensionError(
            f"{source}: MathJax is not installed ({', '.join(missing)} missing); run 'npm ci' in the "
            "project root (package.json pins the mathjax package), then build again")
    copied = []
    for name in MATHJAX_FILES:
        src, dst = source / name, target / name
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst, dirs_exist_ok=True)
        else:
            shutil.copy2(src, dst)
        copied.append(dst)
    return copied


def _use_local_mathjax(app: Sphinx, config) -> None:
    config.mathjax_path = MATHJAX_URL


def _copy(app: Sphinx, exception) -> None:
    if exception is None and app.builder.format == "html":
        copy_mathjax(Path(app.outdir) / "_static" / "mathjax")


def _check(app: Sphinx) -> None:
    if app.builder.format == "html":
        source = mathjax_source()
        if not (source / MATHJAX_FILES[0]).is_file():
            raise ExtensionError(f"{source}: MathJax is not installed; run 'npm ci' in the project root, "
                                 "then build again")


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", _use_local_mathjax, priority=900)
    app.connect("builder-inited", _check)
    app.connect("build-finished", _copy)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
