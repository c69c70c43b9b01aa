"""MathJax is copied from the npm package into the site, or the build says how to install it."""

from __future__ import annotations

import pytest
from sphinx.errors import ExtensionError

from living_review.book.offline_assets import MATHJAX_FILES, copy_mathjax, mathjax_source


def _package(root):
    es5 = mathjax_source(root)
    (es5 / "output" / "chtml" / "fonts" / "woff-v2").mkdir(parents=True)
    (es5 / "tex-chtml.js").write_text("/* mathjax */\n")
    (es5 / "output" / "chtml" / "fonts" / "woff-v2" / "MathJax_Main-Regular.woff").write_bytes(b"wOF2")
    (es5 / "tex-svg-full.js").write_text("/* not needed by the site */\n")
    return es5


def test_component_and_fonts_are_copied_and_nothing_else(tmp_path):
    _package(tmp_path)
    target = tmp_path / "site" / "_static" / "mathjax"
    copied = copy_mathjax(target, tmp_path)
    assert [p.relative_to(target).as_posix() for p in copied] == list(MATHJAX_FILES)
    assert (target / "output/chtml/fonts/woff-v2/MathJax_Main-Regular.woff").read_bytes() == b"wOF2"
    assert not (target / "tex-svg-full.js").exists()


def test_missing_package_is_a_clear_error(tmp_path):
    with pytest.raises(ExtensionError, match=r"MathJax is not installed .*run 'npm ci'"):
        copy_mathjax(tmp_path / "out", tmp_path)
