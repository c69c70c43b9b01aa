"""Sphinx extension for the book: no stale chapter, only the chapters that need it executed,
and every page says what it was built from.

Before Sphinx reads the pages, :mod:`living_review.book.execution` executes the chapters
whose inputs changed since they were last executed (their source, the package code, any
file they read, for the changelog the ledger it reads), on every core, and puts them into
the jupyter-cache that myst-nb reads (``execute_notebooks: cache`` in ``_config.yml``);
Sphinx then renders them without executing them again. Chapters whose inputs did not
change are neither executed nor re-read. Pages that are not notebooks are re-read whenever
``data/``, ``src/``, ``review.yml`` or the chapter templates change (they show the build
stamp).

Chapters that read other chapters' ledger records are executed after those that read none,
and again whenever the records they read changed; a chapter found reading the whole ledger on
its first run is run again once every other chapter has run, and one found reading some
records, only when those changed after it read them. Pages named in ``living_review_read_last`` (a list
of docnames in the Sphinx config) are executed last, one after the other in that order,
and read last; but one that read only some records last time, none of whose writers is
executed, runs beside the others (what it reads cannot change in this build), and again
only if those records changed after all. The pages are written on every core.

Before the bibliography is read, it writes the entries of the included studies that have
none in ``book/references.bib`` into the build folder (:mod:`living_review.data.bibliography`)
and adds that file to ``bibtex_bibfiles``, so a study added to the data alone is cited.

It also puts the version, the build date, the data fingerprint and the date of the last
search into the page context (``living_review_stamp``) and into each page's footer.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from dataclasses import replace
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.errors import ExtensionError
from sphinx.util import logging

from living_review._version import __version__
from living_review.book import execution, warm_pool
from living_review.book.warm_pool import WarmPool
from living_review.core.fingerprint import build_inputs_fingerprint, release_summaries_fingerprint
from living_review.core.paths import project_root
from living_review.data.bibliography import GENERATED_BIB, write_generated_bib
from living_review.provenance.build_stamp import build_stamp

logger = logging.getLogger(__name__)
ENV_KEY = "living_review_inputs_fingerprint"


def _notebook(env: BuildEnvironment, docname: str):
    """The page as myst-nb reads it (a notebook), or None for a page that is not a notebook."""
    from myst_nb.core.read import create_nb_reader

    path = Path(env.doc2path(docname))
    if path.suffix not in (".md", ".ipynb"):
        return None
    text = path.read_text(encoding="utf-8")
    reader = create_nb_reader(str(path), env.myst_config, env.mystnb_config, text)
    return None if reader is None else reader.read(text)


def _outdated(app: Sphinx, env: BuildEnvironment, added, changed, removed) -> list[str]:
    """Pages that are not notebooks, when the build inputs changed (notebooks: :func:`_execute`)."""
    root = project_root()
    current = f"{build_inputs_fingerprint(root)}-{release_summaries_fingerprint(root)}"
    previous = getattr(env, ENV_KEY, None)
    setattr(env, ENV_KEY, current)
    if previous is None or previous == current:
        return []
    pages = sorted(d for d in set(env.found_docs) - set(added) - set(changed) if _notebook(env, d) is None)
    logger.info(f"living_review: data, code or configuration changed ({previous[:12]} -> {current[:12]}); "
                f"re-reading {len(pages)} page(s) that are not notebooks")
    return pages


def _read_last(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Move the pages of ``living_review_read_last`` to the end of the reading order (in place)."""
    last = [d for d in app.config.living_review_read_last if d in docnames]
    for docname in last:
        docnames.remove(docname)
    docnames.extend(last)


def _execute(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Execute the chapters whose inputs changed (in parallel), cache them for myst-nb, and read them."""
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    root = project_root()
    cache = get_cache(env.mystnb_config.execution_cache_path)
    declared = list(app.config.living_review_read_last)
    chapters = []
    for docname in sorted(env.found_docs):
        notebook = _notebook(env, docname)
        if notebook is not None:
            chapters.append(execution.Chapter(docname, Path(env.doc2path(docname)), notebook,
                                              execution.is_consumer(root, docname, declared)))

    def store(chapter, done) -> None:
        cache.cache_notebook_bundle(CacheBundleIn(done.notebook, str(chapter.source),
                                                  data={"execution_seconds": done.seconds}),
                                    check_validity=False, overwrite=True)

    def stale(group) -> list:
        code = execution.code_fingerprint(root)
        found = []
        for chapter in group:
            why = execution.why_stale(root, chapter, code)
            if why is None:
                try:
                    cache.match_cache_notebook(chapter.notebook)
                except KeyError:
                    why = "its executed notebook is not in the cache"
            if why:
                found.append(chapter)
                logger.info(f"living_review: re-executing {chapter.docname}: {why}")
        return found

    timeout = int(env.mystnb_config.execution_timeout or 900)
    say = lambda line: logger.info(f"living_review: {line}")  # noqa: E731

    def execute(group, again=(), deferred=None, checked=()) -> list:
        todo = list(checked) + stale(group) + list(again)
        for chapter in again:
            logger.info(f"living_review: re-executing {chapter.docname}: it reads the ledger, and chapters that "
                        "write it ran in this build")
        try:
            execution.run(todo, root, timeout=timeout, store=store, say=say, deferred=deferred, pool=pool)
        except execution.ChapterFailed as error:
            raise ExtensionError(str(error)) from None
        docnames.extend(c.docname for c in todo if c.docname not in docnames)
        return todo

    # 1. chapters that read no ledger, in parallel, with those that read only records under some
    # key prefixes when no chapter that writes them is executed; 2. those that read it (known from
    # their last run, or found reading it in step 1: run again when the records they read changed
    # since, always for the whole ledger), in parallel; 3. the declared readers, one after the
    # other in the declared order.
    failed: list = []
    with tempfile.TemporaryDirectory(prefix="living-review-pool-") as folder, \
            (WarmPool(folder) if warm_pool.enabled() else contextlib.nullcontext()) as pool:
        _execute_in_order(chapters, declared, root, stale, execute, failed)
    _read_last(app, env, docnames)


def _execute_in_order(chapters, declared, root, stale, execute, failed) -> None:
    """The three steps of :func:`_execute`, all in one pool."""
    producers = stale([c for c in chapters if not c.consumer])
    writing = {c.docname for c in producers}
    # A declared reader that read only some records last time, none of whose writers is executed,
    # runs beside the others too: what it reads cannot change in this build.
    early = [replace(c, consumer=False) for c in chapters if c.consumer
             and execution.reads_records_only(root, c.docname)
             and not execution.waits_for(root, c.docname, writing)]
    first = execute([], checked=producers + stale(early), deferred=failed)
    found = [replace(c, consumer=True) for c in first if c not in failed
             if execution.read_too_early(root, c.docname) and c.docname not in declared]
    found += [replace(c, consumer=True) for c in failed if c.docname not in declared]
    done_early = {c.docname for c in early}
    ran = execute([c for c in chapters if c.consumer and c.docname not in declared and c.docname not in done_early],
                  again=found)
    for name in declared:  # each again when a reader before it ran, as it may read that one's records
        group = [c for c in chapters if c.docname == name]
        if name in done_early:  # it ran beside the others: again only if it failed or its records changed since
            again = name in {c.docname for c in failed} or execution.read_too_early(root, name)
            ran = execute([], again=group if again else ()) or [c for c in first if c.docname == name] or ran
            continue
        ran = execute([] if ran else group, again=group if ran else ())


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
    # named relative to the configuration folder: an absolute path would enter the config hash
    # of every page's .buildinfo, so the same commit built in two folders would differ
    name = os.path.relpath(target, app.confdir)
    files = list(config.bibtex_bibfiles or [])
    if name not in files:
        config.bibtex_bibfiles = files + [name]


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


def _write_in_parallel(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Once the pages are read, write them on ``LIVING_REVIEW_JOBS`` processes (default: every
    core) when the command line asked for no parallel build (``jupyter-book build`` has no
    option for it). Reading stays serial: an extension that the book loads
    (sphinx-multitoc-numbering) does not say whether it is safe for parallel reading."""
    if (app.parallel or 1) <= 1:
        app.parallel = execution.jobs()
    return []


def setup(app: Sphinx) -> dict:
    app.connect("env-updated", _write_in_parallel)
    app.connect("html-page-context", _drop_duplicate_scripts, priority=900)
    app.add_config_value("living_review_read_last", [], "env", [list])
    app.connect("env-get-outdated", _outdated)
    app.connect("env-before-read-docs", _execute)
    app.connect("config-inited", _stamp_pages)
    app.connect("config-inited", _study_bibliography)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
