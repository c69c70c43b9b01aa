"""What every search runner shares: the record of a source API, and reading its responses.

A source is one module of :mod:`living_review.search.runners` that defines ``API``, a
:class:`SourceApi`: its key, the date fields it can limit a search by, its page limit and
its ``run`` function. Adding a source is adding that one module.
"""


from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from living_review.search.http import ADVICE, Response, SearchError


@dataclass(frozen=True)
class SourceApi:
    """One source API a saved search can use.

    Attributes
    ----------
    key : the source's key in ``search_strategy.yaml`` and the folder ``runs/<key>/``.
    date_fields : the date fields the API can limit a search by (its documented search fields).
    page_limit : the largest page size the API accepts.
    run : ``run(search, start, end, client, recorder) -> list[dict]``, every page of the search
        as record rows (see :mod:`living_review.search.runners`).
    order : where the source is listed among the others (help texts, the order of a run).
    """

    key: str
    date_fields: tuple[str, ...]
    page_limit: int
    run: Callable[..., list[dict]]
    order: int


def refuse_html(response: Response, path: Path, source: str, expected: str) -> None:
    """An HTML page where the API's ``expected`` format was asked for is a :class:`SearchError`.

    A wrong base URL, a proxy's login page or a maintenance page answer with status 200 and
    ``text/html``; that is never a search result, whatever its status.
    """
    head = response.body.lstrip()[:200].lower()
    if "html" in response.content_type.lower() or head.startswith((b"<!doctype html", b"<html")):
        title = re.search(rb"<title[^>]*>(.*?)</title>", response.body[:4000], re.I | re.S)
        shown = f" titled {plain_text(title.group(1).decode('utf-8', 'replace'))!r}" if title else ""
        raise SearchError(f"{source}: {path.name}: the server answered HTTP {response.status} with an "
                          f"HTML page{shown}, not {expected} (saved as {path.name})", ADVICE["html"])


def json_body(response: Response, path: Path, source: str) -> dict:
    """Parse a saved JSON body whole; HTML, a cut-off or a malformed body is a :class:`SearchError`."""
    refuse_html(response, path, source, "JSON")
    try:
        text = response.body.decode("utf-8")
        value = json.loads(text)
    except UnicodeDecodeError as err:
        raise SearchError(f"{source}: {path.name}: the response is not UTF-8 JSON ({err})") from None
    except json.JSONDecodeError as err:
        if len(text.rstrip()) <= err.pos + 1 and text.strip():
            raise SearchError(f"{source}: {path.name}: the response is not valid JSON: it ends after "
                              f"{len(response.body)} bytes, in the middle of a value ({err.msg}), so it was cut off") from None
        raise SearchError(f"{source}: {path.name}: the response is not valid JSON ({err})",
                          "run again; if it persists the API has changed its format: report it") from None
    if not isinstance(value, dict):
        raise SearchError(f"{source}: {path.name}: expected a JSON object, got {type(value).__name__}",
                          "run again; if it persists the API has changed its format: report it")
    return value


# Markup the APIs put in titles and abstracts (Europe PMC: ``<h4>`` section heads, ``<i>``,
# ``<sup>``...; ClinicalTrials.gov: line breaks). Inline tags join the text around them
# ("m<sup>2</sup>" -> "m2"); block tags separate it by a space. Any other ``<`` is text.
INLINE_TAGS = frozenset({"i", "b", "u", "em", "strong", "sup", "sub", "span", "a", "small", "sc", "tt",
                         "inf", "italic", "bold", "underline", "mml:math", "math"})
BLOCK_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "div", "li", "ul", "ol", "hr",
                        "table", "tr", "td", "th", "abstracttext", "sec", "title", "blockquote"})


class _Text(HTMLParser):
    """Keeps every character of the text; drops only the tags of :data:`INLINE_TAGS` and :data:`BLOCK_TAGS`."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def _tag(self, tag: str, raw: str) -> None:
        if tag in BLOCK_TAGS:
            self.parts.append(" ")
        elif tag not in INLINE_TAGS:
            self.parts.append(raw)  # not markup: "<a or b>" in a sentence is text

    def handle_starttag(self, tag, attrs):
        self._tag(tag, self.get_starttag_text() or "")

    def handle_startendtag(self, tag, attrs):
        self._tag(tag, self.get_starttag_text() or "")

    def handle_endtag(self, tag):
        self._tag(tag, f"</{tag}>")

    def handle_data(self, data):
        self.parts.append(data)

    def unknown_decl(self, data):
        self.parts.append(f"<![{data}]>")


def plain_text(value: object) -> str:
    """Text without markup tags and with single spaces, every character of the text kept.

    Tags are recognised by an HTML parser (``html.parser``), so a ``<`` that opens no tag
    ("aged <70 and 43% aged >70") is text, as are character references once decoded.

    Example
    -------
    >>> plain_text("<h4>Results</h4>57% were aged <70 and 43% aged >70 (p < 0.001); 2 m<sup>2</sup>")
    'Results 57% were aged <70 and 43% aged >70 (p < 0.001); 2 m2'
    """
    parser = _Text()
    parser.feed(str(value or ""))
    parser.close()
    return " ".join("".join(parser.parts).split())
