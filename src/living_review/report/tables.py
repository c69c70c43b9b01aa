"""Tables in the book: rendered as MyST markdown so they are real tables in HTML and in the PDF.

A pandas DataFrame shown as-is becomes an HTML table that the PDF build cannot use (it
falls back to plain text). :func:`markdown_table` instead returns a markdown output, which
the book renders (``nb_render_markdown_format: myst``) as a captioned, numbered table in
both formats; ``{numref}`` can refer to it by its name.

Every cell, column name and caption is escaped (:func:`living_review.core.markup.md`),
so a value from data is shown literally, never read as HTML, LaTeX or MyST markup; only
text the package marks as :class:`~living_review.core.markup.Markup` (a citation role,
a code span) is passed through.
"""

from __future__ import annotations

import re

import pandas as pd
from IPython.display import Markdown

from living_review.core.markup import md
from living_review.report.sources import link_codes

NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


def _cell(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return "–"
    # "(seed S-3)": a link to the source's entry on the sources page (escaping leaves codes as they are)
    return link_codes(md(value))


def markdown_source(frame: pd.DataFrame, *, caption: str | None = None, name: str | None = None,
                    align: str | None = None) -> str:
    """The MyST source of ``frame`` as a table, with an optional caption and name.

    Parameters
    ----------
    frame : the rows to show; its index is not shown (make it a column first if it matters).
    caption : the table's caption (needed for a numbered table); escaped like the cells.
    name : label for ``{numref}`` (lower-case letters, digits, ``-``, ``_``).
    align : one letter per column, ``l``, ``c`` or ``r``; default: numbers right, text left.
    """
    if name is not None and not NAME.match(name):
        raise ValueError(f"table name {name!r}: use lower-case letters, digits, '-' and '_' only")
    columns = [str(c) for c in frame.columns]
    if align is None:
        align = "".join("r" if pd.api.types.is_numeric_dtype(frame[c]) else "l" for c in frame.columns)
    if len(align) != len(columns) or set(align) - set("lcr"):
        raise ValueError(f"align {align!r}: give one of l, c, r for each of the {len(columns)} columns")
    marks = {"l": ":---", "c": ":---:", "r": "---:"}
    lines = ["| " + " | ".join(_cell(c) for c in columns) + " |",
             "|" + "|".join(marks[a] for a in align) + "|"]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    body = "\n".join(lines)
    if caption is None and name is None:
        return body
    head = f":::{{table}} {md(caption or '')}".rstrip()
    label = f"\n:name: {name}" if name else ""
    return f"{head}{label}\n:align: center\n\n{body}\n:::"


def markdown_table(frame: pd.DataFrame, **options) -> Markdown:
    """Display ``frame`` as a table in HTML and PDF (see :func:`markdown_source`)."""
    return Markdown(markdown_source(frame, **options))
