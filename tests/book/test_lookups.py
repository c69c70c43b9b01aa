"""Pages and pybtex plugins looked up once while the pages are written, and found again after."""

from __future__ import annotations

import pybtex.plugin

from living_review.book import lookups


class _Env:
    def __init__(self):
        self.unpickled: list[str] = []

    def get_doctree(self, docname):
        self.unpickled.append(docname)
        return {"page": docname, "copy": len(self.unpickled)}


def test_a_page_is_unpickled_once_while_writing_and_each_time_otherwise():
    env = _Env()
    with lookups._doctrees_kept(env):  # reading: nothing is kept
        env.get_doctree("a"), env.get_doctree("a")
    assert env.unpickled == ["a", "a"]
    lookups._start_writing(None, env)
    try:
        for _ in range(3):
            with lookups._doctrees_kept(env):
                assert env.get_doctree("b")["page"] == "b"
        assert env.unpickled == ["a", "a", "b"]
        assert "get_doctree" not in vars(env)  # the method of the class again, outside the block
    finally:
        lookups._forget()
    with lookups._doctrees_kept(env):
        env.get_doctree("b")
    assert env.unpickled == ["a", "a", "b", "b"]  # a new build unpickles it again


def test_a_pybtex_plugin_is_looked_up_once_while_writing():
    lookups._keep_plugins()
    lookups._keep_plugins()  # wrapped once only
    assert pybtex.plugin.find_plugin.living_review_kept
    plain = pybtex.plugin.find_plugin("pybtex.backends", "plaintext")
    lookups._start_writing(None, None)
    try:
        assert pybtex.plugin.find_plugin("pybtex.backends", "plaintext") is plain
        assert ("pybtex.backends", "plaintext", None) in lookups._PLUGINS
    finally:
        lookups._forget()
    assert not lookups._PLUGINS
