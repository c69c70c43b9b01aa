"""Sphinx extension for the book: no stale chapter, and every page says what it was built from.

Jupyter Book's execution (myst-nb) re-runs a chapter only when Sphinx re-reads it, and
Sphinx re-reads a page only when the page's own source changed. The chapters' numbers
also depend on ``data/``, ``src/``, ``review.yml`` and the chapter templates (and the
changelog on the committed release summaries), so this extension keeps a fingerprint of
those inputs in the build environment and marks every page out of date when it changes.

Pages named in ``living_review_read_last`` (a list of docnames in the Sphinx config) are
read, and so executed, after every other page, and again whenever any other page is: the
changelog summarises what the other chapters computed in this build.

Before the bibliography is read, it writes the entries of the included studies that have
none in ``book/references.bib`` into the build folder (:mod:`living_review.book.bibliography`)
and adds that file to ``bibtex_bibfiles``, so a study added to the data alone is cited.

It also puts the version, the build date, the data fingerprint and the date of the last
search into the page context (``living_review_stamp``) and into each page's footer.
"""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

from living_review._version import __version__
from living_review.book.bibliography import GENERATED_BIB, write_generated_bib
from living_review.book.build_stamp import build_stamp
from living_review.book.fingerprint import build_inputs_fingerprint, release_summaries_fingerprint
from living_review.paths import project_root

logger = logging.getLogger(__name__)
ENV_KEY = "living_review_inputs_fingerprint"


def _outdated(app: Sphinx, env: BuildEnvironment, added, changed, removed) -> list[str]:
    root = project_root()
    current = f"{build_inputs_fingerprint(root)}-{release_summaries_fingerprint(root)}"
    previous = getattr(env, ENV_KEY, None)
    setattr(env, ENV_KEY, current)
    read = set(added) | set(changed)
    stale: list[str] = []
    if previous is not None and previous != current:
        stale = sorted(set(env.found_docs) - read)
        logger.info(
            f"living_review: data, code or configuration changed ({previous[:12]} -> {current[:12]}); "
            f"re-executing {len(stale)} page(s)"
        )
    last = [d for d in app.config.living_review_read_last if d in env.found_docs]
    if (read | set(stale)) - set(last):
        stale += [d for d in last if d not in read and d not in stale]
    return stale


def _read_last(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Move the pages of ``living_review_read_last`` to the end of the reading order (in place)."""
    last = [d for d in app.config.living_review_read_last if d in docnames]
    for docname in last:
        docnames.remove(docname)
    docnames.extend(last)


def _stamp_pages(app: Sphinx, config) -> None:
    """Put the build stamp into every HTML footer, the PDF footer and MyST substitutions."""
    stamp = build_stamp(project_root())
    config.version = config.release = stamp.version
    footer = (
        f"Version {stamp.version} &middot; built {stamp.build_date} &middot; data fingerprint "
        f"<code>{stamp.short_fingerprint}</code> &middot; last search {stamp.last_search}"
    )
    options = dict(config.html_theme_options or {})
    options["extra_footer"] = footer + (f"<br/>{options['extra_footer']}" if options.get("extra_footer") else "")
    config.html_theme_options = options
    # An unset colour mode makes the theme log a console error on every first visit.
    config.html_context = {"default_mode": "light", **(config.html_context or {})}
    latex = dict(config.latex_elements or {})
    latex["preamble"] = latex.get("preamble", "") + (
        "\\makeatletter\\AtBeginDocument{\\fancypagestyle{normal}{\\fancyhf{}"
        "\\fancyfoot[R]{\\thepage}\\fancyhead[L]{\\nouppercase{\\rightmark}}"
        f"\\fancyfoot[L]{{\\scriptsize Version {stamp.version}, built {stamp.build_date}; "
        f"data {stamp.short_fingerprint}; last search {stamp.last_search}}}}}}}\\makeatother\n"
    )
    config.latex_elements = latex
    substitutions = dict(getattr(config, "myst_substitutions", None) or {})
    substitutions.update(
        version=stamp.version,
        build_date=stamp.build_date,
        data_fingerprint=stamp.data_fingerprint,
        data_fingerprint_short=stamp.short_fingerprint,
        last_search=stamp.last_search,
    )
    config.myst_substitutions = substitutions


def _study_bibliography(app: Sphinx, config) -> None:
    """Generate the missing study entries into ``<build folder>/bibliography/`` and read them too."""
    from pathlib import Path

    if "bibtex_bibfiles" not in config:  # sphinxcontrib-bibtex not loaded: nothing cites
        return
    target = write_generated_bib(project_root(), Path(app.outdir).parent / GENERATED_BIB)
    files = list(config.bibtex_bibfiles or [])
    if str(target) not in files:
        config.bibtex_bibfiles = files + [str(target)]


def _drop_duplicate_scripts(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """Keep one copy of each script: sphinx-thebe adds its inline configuration twice when
    Sphinx re-reads documents, and a second ``const`` declaration is a console error."""
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        # identity is the file and its attributes (an inline script's body is one of them);
        # the two copies differ only in an empty against a missing file name
        key = (getattr(script, "filename", None) or "", repr(sorted(getattr(script, "attributes", {}).items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", _drop_duplicate_scripts, priority=900)
    app.add_config_value("living_review_read_last", [], "env", [list])
    app.connect("env-get-outdated", _outdated)
    app.connect("env-before-read-docs", _read_last)
    app.connect("config-inited", _stamp_pages)
    app.connect("config-inited", _study_bibliography)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
