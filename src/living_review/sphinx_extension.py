"""Sphinx extension for the book: no stale chapter, and every page says what it was built from.

Jupyter Book's execution (myst-nb) re-runs a chapter only when Sphinx re-reads it, and
Sphinx re-reads a page only when the page's own source changed. The chapters' numbers
also depend on ``data/``, ``src/``, ``review.yml`` and the chapter templates, so this
extension keeps a fingerprint of those inputs in the build environment and marks every
page out of date when it changes.

It also puts the version, the build date, the data fingerprint and the date of the last
search into the page context (``living_review_stamp``) and into each page's footer.
"""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

from living_review._version import __version__
from living_review.fingerprint import build_inputs_fingerprint
from living_review.paths import project_root

logger = logging.getLogger(__name__)
ENV_KEY = "living_review_inputs_fingerprint"


def _outdated(app: Sphinx, env: BuildEnvironment, added, changed, removed) -> list[str]:
    current = build_inputs_fingerprint(project_root())
    previous = getattr(env, ENV_KEY, None)
    setattr(env, ENV_KEY, current)
    if previous is not None and previous != current:
        stale = sorted(set(env.found_docs) - set(added) - set(changed))
        logger.info(
            f"living_review: data, code or configuration changed ({previous[:12]} -> {current[:12]}); "
            f"re-executing {len(stale)} page(s)"
        )
        return stale
    return []


def setup(app: Sphinx) -> dict:
    app.connect("env-get-outdated", _outdated)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
