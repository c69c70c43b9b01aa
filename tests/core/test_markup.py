"""Text from data is shown literally: MyST, LaTeX and matplotlib escaping."""

from __future__ import annotations

import pytest
from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin

from living_review.core.markup import Markup, code, code_block, figure_text, join, latex, md, role

HOSTILE = "<script>alert(1)</script><b>x</b> & % $ # _ { } ~ ^ \\ | *e* `c` [l](u) {cite}`k` $x$"


def _inline_text(source: str) -> str:
    """Render ``source`` with CommonMark + dollarmath; return the plain text, failing on any markup."""
    parser = MarkdownIt("commonmark").enable("table").use(dollarmath_plugin)
    tokens = parser.parseInline(source)[0].children
    kinds = {t.type for t in tokens}
    assert kinds <= {"text", "softbreak"}, f"markup found: {kinds}"
    return "".join(t.content for t in tokens)


def test_md_renders_every_character_literally():
    assert _inline_text(md(HOSTILE)) == HOSTILE


@pytest.mark.parametrize("value", ["a\nb", "a\r\nb", "a\u2028b"])
def test_md_turns_line_breaks_into_spaces(value):
    assert _inline_text(md(value)) == "a b"


def test_md_drops_control_characters():
    assert md("a\x00b\x1bc") == "abc"


def test_md_keeps_markup_and_numbers_readable():
    assert md(Markup("**kept**")) == "**kept**"
    assert _inline_text(md("0.09 [0.02; 0.17]")) == "0.09 [0.02; 0.17]"


def test_markup_concatenation_escapes_plain_text_only():
    joined = Markup("see ") + role("cite:p", "smith2025") + " <i>"
    assert joined == "see {cite:p}`smith2025` \\<i\\>"
    assert isinstance(joined, Markup)
    assert join(["<a>", role("doc", "/x")], "; ") == "\\<a\\>; {doc}`/x`"


def test_code_span_holds_backticks():
    assert code("a`b") == "``a`b``"
    assert code("`x") == "`` `x ``"
    parser = MarkdownIt("commonmark")
    token = parser.parseInline(code("<b>a`b</b>"))[0].children[0]
    assert (token.type, token.content) == ("code_inline", "<b>a`b</b>")


@pytest.mark.parametrize("name,target", [("cite p", "k"), ("cite:p", "a`b"), ("cite:p", ""), ("doc", "a\nb")])
def test_role_refuses_what_would_break_out(name, target):
    with pytest.raises(ValueError):
        role(name, target)


def test_latex_escapes_every_special_character():
    assert latex("& % $ # _ { } ~ ^ \\") == (r"\& \% \$ \# \_ \{ \} \textasciitilde{} \textasciicircum{} "
                                             r"\textbackslash{}")
    assert latex("a\nb") == "a b"


def test_figure_text_escapes_dollars():
    assert figure_text("$x_1$ costs $5") == r"\$x_1\$ costs \$5"


@pytest.mark.parametrize("value", ["time_months", "a__b_c", "_x_", "x_*y*_", "1_ _2", "é_é"])
def test_intraword_underscores_stay_readable_and_inert(value):
    assert _inline_text(md(value)) == value
    if value in ("time_months", "a__b_c"):
        assert md(value) == value


@pytest.mark.parametrize("text", [HOSTILE, "```\n<script>x</script>\n```", "a\n````\n<b>y</b>\n`````", "~~~\n<i>z</i>"])
def test_code_block_keeps_every_line_literal(text):
    tokens = MarkdownIt("commonmark").parse(code_block(text, "bibtex"))
    assert [t.type for t in tokens] == ["fence"]  # one block: nothing after it is read as markup
    assert tokens[0].content == text + "\n" and tokens[0].info == "bibtex"


def test_code_block_drops_control_characters_and_refuses_a_strange_language():
    assert MarkdownIt("commonmark").parse(code_block("a\x00b\x1b"))[0].content == "ab\n"
    with pytest.raises(ValueError, match="language"):
        code_block("x", "bibtex}\n<script>")
