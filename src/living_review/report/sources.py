"""The sources read, in full, and links to them from wherever a data row cites one by its code.

Data rows say where each value was read with a short code, ``S-n`` for a seed publication and
``P-n`` for a page read during the search (``data/sources.csv``): "Cao 2024 Table 3 (seed S-3)".
A code alone tells a reader nothing, so the book lists every source in full on one page, as a
glossary (one entry per code, each with its own anchor, in the HTML site and the PDF), and
:func:`link_codes` turns each code in a table cell or a sentence into a link to its entry.

Example
-------
>>> link_codes("Cao 2024 Table 3 (seed S-3), secondary")
'Cao 2024 Table 3 (source {term}`S-3`), secondary'
>>> link_codes("abstracts (P-17, P-19)")
'abstracts (sources {term}`P-17`, {term}`P-19`)'
"""

from __future__ import annotations

import re

import pandas as pd

from living_review.core.markup import md

# "(seed S-3)", "(extraction notes P-8)", "(P-17, P-19)", "(S-0)"
CODES = re.compile(r"\((?:seed |extraction notes )?([SP]-\d+(?:\s*,\s*[SP]-\d+)*)\)")
CODE = re.compile(r"[SP]-\d+")
KIND_WORDS = {"seed": "Seed publication", "page": "Page read during the search"}
SHOWN_URL = 60


def myst_text(text: str) -> str:
    """``text`` on one line, every character MyST would read as markup escaped (:func:`markup.md`)."""
    return md(" ".join(str(text).split()))


def _links(match: re.Match) -> str:
    codes = CODE.findall(match.group(1))
    word = "source" if len(codes) == 1 else "sources"
    return f"({word} " + ", ".join(f"{{term}}`{code}`" for code in codes) + ")"


def link_codes(text: str) -> str:
    """``text`` (MyST) with every parenthesised source code a link to the sources page."""
    return CODES.sub(_links, text)


def strip_codes(text: str) -> str:
    """``text`` without its parenthesised source codes (for plain text, which cannot link)."""
    return re.sub(r"\s*" + CODES.pattern, "", text)


def _address(url: str) -> str:
    """A link to ``url`` whose text is the address without its scheme, shortened to fit a line.

    Some addresses read are catalogue searches 200 characters long with no place to break a
    line; the link keeps the whole address, the text only its start.
    """
    text = re.sub(r"^https?://", "", url)
    if len(text) > SHOWN_URL:
        text = text[: SHOWN_URL - 1].rstrip("/?&=") + "…"
    return f"[{myst_text(text)}](<{url}>)"


def sources_glossary(sources: pd.DataFrame) -> str:
    """The MyST glossary of ``sources`` (columns ``code``, ``kind``, ``description``, ``url``).

    Codes are sorted by kind and number (S-0, S-1, ..., P-1, P-2, ...); each entry gives the
    description as recorded, what kind of source it is, and its address when one is known.
    """
    missing = {"code", "kind", "description", "url"} - set(sources.columns)
    if missing:
        raise ValueError(f"sources table lacks column(s) {sorted(missing)}; it needs code, kind, description, url")

    def order(code: str) -> tuple[int, int]:
        return ("SP".index(code[0]), int(code.split("-")[1]))

    lines = [":::{glossary}"]
    for row in sorted(sources.itertuples(index=False), key=lambda r: order(r.code)):
        url = row.url if isinstance(row.url, str) and row.url.strip() else ""
        kind = KIND_WORDS.get(row.kind, str(row.kind).capitalize())
        where = f" {_address(url.strip())}" if url else " (no address recorded)"
        description = myst_text(str(row.description)).rstrip(".")
        lines += [row.code, f"  {description}. {kind}.{where}", ""]
    lines.append(":::")
    return "\n".join(lines)
