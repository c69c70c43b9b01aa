"""Text from data, made literal: escaped for MyST markdown, LaTeX and matplotlib.

Every value that comes from data is shown exactly as written, never interpreted: a study
label ``<script>alert(1)</script>`` appears on the page as those characters and runs
nothing. Escaping is the default wherever the book turns text into markup
(:func:`living_review.report.tables.markdown_source` escapes every cell and caption);
markup written by the package itself is marked with :class:`Markup` (or built with
:func:`code` and :func:`role`) so that it alone is passed through.

Notes
-----
* MyST (CommonMark): every ASCII punctuation character may be escaped with a backslash
  and then stands for itself; :data:`MARKUP_CHARACTERS` are escaped, which covers inline
  HTML (``<``), entities, emphasis, links, roles, ``$`` maths and table pipes. Line breaks become spaces (a table cell is one
  line). The HTML writer then escapes ``< > &``; the LaTeX writer escapes
  ``& % $ # _ { } ~ ^ \\`` (the same text nodes), so one escape covers both outputs.
* :func:`latex` is for text written straight into LaTeX (outside Sphinx).
* :func:`figure_text` is for matplotlib: a ``$`` would start mathtext.

Example
-------
>>> md("<b>x</b> & 5%")
'\\\\<b\\\\>x\\\\</b\\\\> \\\\& 5%'
>>> latex("50% of $x_1$")
'50\\\\% of \\\\$x\\\\_1\\\\$'
"""

from __future__ import annotations

import re

# The ASCII punctuation that can start markup in an inline context: HTML and entities
# (< > &), emphasis and code (* _ `), links and images ([ ] !), roles and substitutions
# ({ }), maths ($), table cells (|), headings (#), strikeout and the like (~ ^), escapes (\\).
# The rest (. , ; : ( ) - + / ? = @ ' " %) means nothing inline and stays as it is.
MARKUP_CHARACTERS = "\\`*_{}[]<>#!|$&~^"
# An underscore run between letters or digits (``time_months``) cannot emphasise anything
# and is left as it is, so that field names stay readable in the source.
_PUNCTUATION = re.compile(r"(?<=[^\W_])_+(?=[^\W_])|([" + re.escape(MARKUP_CHARACTERS) + "])")
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029\x0b\x0c\x85]+")
# C0 controls (and DEL) have no place in text; the validator refuses them in data.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_LATEX = {
    "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "{": r"\{", "}": r"\}",
    "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "\\": r"\textbackslash{}",
}
_LATEX_RE = re.compile("|".join(re.escape(c) for c in _LATEX))


class Markup(str):
    """Text that is already MyST markup, written by the package (never by data): not escaped."""

    __slots__ = ()

    def __add__(self, other):
        return Markup(str.__add__(self, md(other)))

    def __radd__(self, other):
        return Markup(str.__add__(md(other), self))


def _text(value) -> str:
    return _CONTROL.sub("", _LINE_BREAKS.sub(" ", str(value)))


def md(value) -> str:
    """``value`` as MyST text that renders literally; a :class:`Markup` value is kept as it is."""
    if isinstance(value, Markup):
        return str(value)
    return _PUNCTUATION.sub(lambda m: "\\" + m.group(1) if m.group(1) else m.group(), _text(value))


def code(value) -> Markup:
    """``value`` as an inline code span (shown literally in a fixed-width font)."""
    text = _text(value)
    runs = [len(r) for r in re.findall("`+", text)]
    fence = "`" * (max(runs, default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return Markup(f"{fence}{pad}{text}{pad}{fence}")


def code_block(value, language: str = "text") -> Markup:
    """``value`` as a fenced code block, shown literally line by line (HTML and PDF).

    The fence is longer than any run of backticks in ``value``, so no line of it can close
    the block early and let the rest be read as markup; control characters are dropped.
    """
    if not re.fullmatch(r"[a-z0-9+-]*", language):
        raise ValueError(f"language {language!r}: use lower-case letters, digits, '+' and '-' only")
    text = _CONTROL.sub("", str(value)).replace("\r\n", "\n").rstrip("\n")
    fence = "`" * max(3, max((len(r) for r in re.findall("`+", text)), default=0) + 1)
    return Markup(f"{fence}{language}\n{text}\n{fence}\n")


def role(name: str, target: str) -> Markup:
    """A MyST role such as ``{cite:p}`key```; ``target`` must be a plain key (no backtick)."""
    if not re.fullmatch(r"[a-z:]+", name):
        raise ValueError(f"role name {name!r}: use lower-case letters and ':' only")
    if not target or "`" in target or _LINE_BREAKS.search(target):
        raise ValueError(f"role target {target!r} is empty or holds a backtick or line break")
    return Markup(f"{{{name}}}`{target}`")


def join(parts, sep: str = ", ") -> Markup:
    """Join texts and markup; plain parts and ``sep`` are escaped."""
    return Markup(md(sep).join(md(p) for p in parts))


def latex(value) -> str:
    """``value`` escaped for LaTeX: ``& % $ # _ { } ~ ^ \\`` become commands, line breaks spaces."""
    return _LATEX_RE.sub(lambda m: _LATEX[m.group()], _text(value))


def figure_text(value) -> str:
    """``value`` for a matplotlib text that may have mathtext on: every ``$`` escaped."""
    return _text(value).replace("$", r"\$")


_RST_ROLE = re.compile(r":[a-z]+:`~?([^`]+)`")
_RST_LITERAL = re.compile(r"``([^`]+)``")


def plain(doc: str | None) -> str:
    """Return a reStructuredText docstring as plain text, for a terminal's help screen.

    Roles (``:mod:`a.b```) keep their target, literals lose their double back-quotes.

    >>> plain("``living-review bump VERSION``: see :mod:`living_review.release.bump`.")
    'living-review bump VERSION: see living_review.release.bump.'
    """
    text = _RST_ROLE.sub(r"\1", doc or "")
    return _RST_LITERAL.sub(r"\1", text)
