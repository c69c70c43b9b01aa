"""Sphinx extension: every table of the PDF fits the text block, and no word is cut or hyphenated.

Sphinx's default LaTeX tables (``tabulary``) size each column from the length of its text, so a
column with short cells ("Source", "Events/N") can come out narrower than its header, long
identifiers (``n_evaluable_response``, a regular expression) run past the cell or the page, and
names are hyphenated in narrow columns ("lenva-tinib"). For the LaTeX builder only, this
post-transform gives each table without a ``tabularcolumns`` of its own

- a break opportunity after ``_``, ``|``, ``/``, ``,`` and ``=`` inside any word longer than
  :data:`LONG_WORD` characters (so identifiers and expressions wrap inside their cell; tables
  with a ``tabularcolumns`` of their own get these too);
- a width for each column of at least its longest unbreakable word (header included), the
  rest of the line shared in proportion to how much more text the column holds;
- ragged-right (or, for right-aligned columns, ragged-left) cells without hyphenation;
- a smaller type size (down to ``\\scriptsize``) for a table with so many columns that their
  longest words do not fit the line at the text size;
- the ``longtable`` environment for every table that is not nested in a box (another table,
  an admonition, a sidebar): a table taller than what is left of the page then breaks across
  pages, its header repeated, instead of running over the footer. ``longtable`` steps the
  table counter even for a table without a caption, which the HTML site does not number: the
  counter is stepped back after such a table, so that both number the same tables alike.
  A short table (at most :data:`SHORT_ROWS` body rows and :data:`SHORT_CHARS` characters) is
  kept whole instead: TeX moves it to the next page when it does not fit, while ``longtable``
  set right after figures placed at the top of a page can print its head over the footer.

The HTML site is untouched: there, tables scroll in their own box.
"""

from __future__ import annotations

import re
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.transforms.post_transforms import SphinxPostTransform

from living_review._version import __version__

LONG_WORD = 14
#: a table this short is never broken across pages (see the module docstring)
SHORT_ROWS, SHORT_CHARS = 6, 1200
# relative size -> LaTeX size command (10 pt text: \small is 9 pt, \footnotesize 8 pt, \scriptsize 7 pt)
FONT_SIZES = {1.0: "", 0.9: r"\small", 0.8: r"\footnotesize", 0.7: r"\scriptsize"}
BREAK_AFTER = re.compile(r"(?<=[_|/,=])")
TEXT_BLOCK_PT = 451.0  # A4 with the default 1 in side margins (``hmargin`` in sphinxsetup)
CELL_PADDING_PT = 12.0  # 2 \tabcolsep
POINTS_PER_CHAR = {"text": 4.7, "code": 6.0, "head": 5.5}

PREAMBLE = r"""
% table columns of living_review.book.latex_tables: a share of the line, ragged, never hyphenated
\newcolumntype{\LRl}[1]{>{\raggedright\arraybackslash\hyphenpenalty=10000\relax}\Y{#1}}
\newcolumntype{\LRr}[1]{>{\raggedleft\arraybackslash\hyphenpenalty=10000\relax}\Y{#1}}
\newcolumntype{\LRc}[1]{>{\centering\arraybackslash\hyphenpenalty=10000\relax}\Y{#1}}
"""


def _pieces(word: str) -> list[str]:
    """A word as the pieces LaTeX may break it into (long words: after the break characters)."""
    parts = word.split("-")
    if len(word) > LONG_WORD:
        parts = [p for part in parts for p in BREAK_AFTER.split(part) if p]
    return parts


def _widths(entry: nodes.Element, kind: str) -> tuple[float, float]:
    """(longest unbreakable piece, whole text) of a cell, in points."""
    longest = total = 0.0
    for text in entry.findall(nodes.Text):
        in_code = isinstance(text.parent, nodes.literal)
        per_char = POINTS_PER_CHAR["code" if in_code else kind]
        total += (len(text.astext()) + 1) * per_char
        for word in text.astext().split():
            for piece in _pieces(word):
                longest = max(longest, len(piece) * per_char)
    return longest, total


def column_shares(minimum: list[float], natural: list[float], line: float = TEXT_BLOCK_PT) -> list[float]:
    """Each column's share of the line (padding included) from its minimum and natural widths.

    Columns get their natural width when all fit; otherwise each gets its minimum and the rest
    of the line in proportion to how much wider it would like to be. Shares sum to at most 1.
    """
    if len(minimum) != len(natural) or not minimum:
        raise ValueError("give one minimum and one natural width for each column (at least one)")
    room = line - CELL_PADDING_PT * len(minimum)
    natural = [max(n, m) for n, m in zip(natural, minimum)]
    if sum(natural) <= room:
        widths = natural
    elif sum(minimum) < room:
        stretch = (room - sum(minimum)) / (sum(natural) - sum(minimum))
        widths = [m + (n - m) * stretch for m, n in zip(minimum, natural)]
    else:
        widths = [m * room / sum(minimum) for m in minimum]
    return [round((w + CELL_PADDING_PT) / line - 0.0005, 3) for w in widths]


def _break_long_words(entry: nodes.Element) -> None:
    for text in list(entry.findall(nodes.Text)):
        value = text.astext()
        if not any(len(word) > LONG_WORD for word in value.split()):
            continue
        replacement: list[nodes.Node] = []
        for chunk in re.split(r"(\s+)", value):
            if len(chunk) > LONG_WORD and not chunk.isspace():
                pieces = [p for p in BREAK_AFTER.split(chunk) if p]
                for i, piece in enumerate(pieces):
                    replacement.append(nodes.Text(piece))
                    if i < len(pieces) - 1:
                        replacement.append(nodes.raw("", r"\allowbreak{}", format="latex"))
            elif chunk:
                replacement.append(nodes.Text(chunk))
        text.parent.replace(text, replacement)


def _align(entries: list[nodes.Element]) -> str:
    classes = {c for entry in entries for c in entry["classes"] if c.startswith("text-")}
    return {"text-right": "r", "text-center": "c"}.get(classes.pop(), "l") if len(classes) == 1 else "l"


def fit_table(table: nodes.table) -> addnodes.tabular_col_spec | None:
    """The column specification that fits ``table`` to the line, its long words made breakable.

    Returns None (and leaves the table alone) for tables with merged cells.
    """
    tgroup = next(iter(table.findall(nodes.tgroup)), None)
    if tgroup is None:
        return None
    columns = int(tgroup["cols"])
    cells: list[list[tuple[nodes.Element, str]]] = [[] for _ in range(columns)]
    for part, kind in ((nodes.thead, "head"), (nodes.tbody, "text")):
        for section in tgroup.findall(part):
            for row in section.findall(nodes.row):
                entries = [e for e in row.children if isinstance(e, nodes.entry)]
                if len(entries) != columns or any(e.get("morecols") or e.get("morerows") for e in entries):
                    return None
                for i, entry in enumerate(entries):
                    cells[i].append((entry, kind))
    minimum, natural = [], []
    for column in cells:
        sizes = [_widths(entry, kind) for entry, kind in column] or [(0.0, 0.0)]
        minimum.append(max(s[0] for s in sizes))
        natural.append(max(s[1] for s in sizes))
    scale = font_scale(minimum)
    shares = column_shares([m * scale for m in minimum], [n * scale for n in natural])
    for column in cells:
        for entry, _ in column:
            _break_long_words(entry)
    spec = "".join(
        r"\LR%s{%s}" % (_align([e for e, kind in column if kind == "text"]), share)
        for column, share in zip(cells, shares)
    )
    spec_node = addnodes.tabular_col_spec(spec=spec)
    spec_node["font_scale"] = scale
    return spec_node


def font_scale(minimum: list[float], line: float = TEXT_BLOCK_PT) -> float:
    """The largest of the sizes in :data:`FONT_SIZES` at which every column's longest word fits."""
    room = line - CELL_PADDING_PT * len(minimum)
    return next((scale for scale in FONT_SIZES if sum(minimum) * scale <= room + 1e-9), min(FONT_SIZES))


# a longtable cannot stand inside these (LaTeX boxes them)
_BOXES = (nodes.table, nodes.Admonition, nodes.sidebar, nodes.topic, nodes.footnote)


def is_short(table: nodes.table) -> bool:
    """Whether ``table`` fits a page whole (:data:`SHORT_ROWS` body rows, :data:`SHORT_CHARS` characters)."""
    rows = [r for body in table.findall(nodes.tbody) for r in body.children if isinstance(r, nodes.row)]
    return len(rows) <= SHORT_ROWS and len(table.astext()) <= SHORT_CHARS


def breaks_across_pages(table: nodes.table) -> bool:
    """Mark ``table`` to be set as a ``longtable``, unless it is short or nested in a box; return whether it was."""
    if is_short(table):
        return False
    parent = table.parent
    while parent is not None:
        if isinstance(parent, _BOXES):
            return False
        parent = parent.parent
    if "longtable" not in table["classes"]:
        table["classes"].append("longtable")
    return True


class FitLatexTables(SphinxPostTransform):
    """Give every table of the LaTeX book column widths that fit (see the module docstring)."""

    default_priority = 790
    formats = ("latex",)

    def run(self, **kwargs: Any) -> None:
        for table in list(self.document.findall(nodes.table)):
            if breaks_across_pages(table) and not any(isinstance(c, nodes.title) for c in table.children):
                table.parent.insert(table.parent.index(table) + 1,
                                    nodes.raw("", "\\addtocounter{table}{-1}", format="latex"))
            index = table.parent.index(table)
            if index > 0 and isinstance(table.parent[index - 1], addnodes.tabular_col_spec):
                # the table's author chose the widths: long words may still break
                for entry in table.findall(nodes.entry):
                    _break_long_words(entry)
                continue
            spec = fit_table(table)
            if spec is None:
                continue
            table.parent.insert(index, spec)
            size = FONT_SIZES[spec["font_scale"]]
            if size:
                # a table whose longest words do not fit the line at the text size is set smaller
                table.parent.insert(index, nodes.raw("", f"\\begingroup{size}", format="latex"))
                table.parent.insert(table.parent.index(table) + 1, nodes.raw("", "\\endgroup", format="latex"))


def _add_preamble(app: Sphinx, config: Config) -> None:
    elements = dict(config.latex_elements)
    elements["preamble"] = elements.get("preamble", "") + PREAMBLE
    config.latex_elements = elements


def setup(app: Sphinx) -> dict:
    app.add_post_transform(FitLatexTables)
    app.connect("config-inited", _add_preamble)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
