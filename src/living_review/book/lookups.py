"""Two lookups Sphinx repeats while it writes the pages, done once per page and build instead.

* A numbered reference (``{numref}``, "Table 43") is resolved by unpickling the whole page
  that holds its target, once per reference: the book's pages, with their executed
  outputs, are large, and it has some 150 such references. :class:`StandardDomain` keeps
  each page it unpickled for that while the pages are written (it only reads the target's
  ids and type from it), and forgets them when the build ends or pages are read again.
* sphinxcontrib-bibtex asks pybtex for its plain-text backend and its styles at each
  citation, and pybtex looks them up among every installed package's entry points each
  time; while the pages are written the answer is kept (the plugins are all registered by
  then, when the extensions were set up).

Neither changes what is written: the same objects are found, only not found again.
"""

from __future__ import annotations

import functools
from contextlib import contextmanager

from sphinx.application import Sphinx
from sphinx.domains import std

from living_review._version import __version__

_DOCTREES: dict[str, object] = {}
_PLUGINS: dict[tuple, type] = {}
_STATE = {"writing": False}


@contextmanager
def _doctrees_kept(env):
    """Within the block, ``env.get_doctree`` unpickles each page once (while writing)."""
    if not _STATE["writing"]:
        yield
        return
    original = env.get_doctree

    def kept(docname: str):
        if docname not in _DOCTREES:
            _DOCTREES[docname] = original(docname)
        return _DOCTREES[docname]

    env.get_doctree = kept
    try:
        yield
    finally:
        del env.get_doctree  # the method of the class again


class StandardDomain(std.StandardDomain):
    """Sphinx's standard domain; a numbered reference unpickles the page of its target once."""

    def _resolve_numref_xref(self, env, *args, **kwargs):
        with _doctrees_kept(env):
            return super()._resolve_numref_xref(env, *args, **kwargs)


def _keep_plugins() -> None:
    import pybtex.plugin

    found = pybtex.plugin.find_plugin
    if getattr(found, "living_review_kept", False):
        return

    @functools.wraps(found)
    def find_plugin(plugin_group, name=None, filename=None):
        if not _STATE["writing"] or not isinstance(name, (str, type(None))):
            return found(plugin_group, name, filename)
        key = (plugin_group, name, filename)
        if key not in _PLUGINS:
            _PLUGINS[key] = found(plugin_group, name, filename)
        return _PLUGINS[key]

    find_plugin.living_review_kept = True
    pybtex.plugin.find_plugin = find_plugin


def _forget(*_args) -> None:
    _DOCTREES.clear()
    _PLUGINS.clear()
    _STATE["writing"] = False


def _start_writing(app: Sphinx, env) -> list[str]:
    _forget()
    _STATE["writing"] = True
    return []


def setup(app: Sphinx) -> dict:
    app.add_domain(StandardDomain, override=True)
    _keep_plugins()
    app.connect("env-before-read-docs", _forget)
    app.connect("env-updated", _start_writing)
    app.connect("build-finished", _forget)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
