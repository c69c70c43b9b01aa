"""PubMed through NCBI E-utilities: ``esearch`` on the History server, then ``efetch`` in MEDLINE.

1. ``esearch.fcgi?db=pubmed&term=QUERY&datetype=edat&mindate=YYYY/MM/DD&maxdate=YYYY/MM/DD
   &usehistory=y&retmax=0`` returns the number of matches (``Count``) and the ``WebEnv`` and
   ``QueryKey`` of the result set on the History server (XML, ``eSearchResult``).
2. ``efetch.fcgi?db=pubmed&WebEnv=...&query_key=...&retstart=K&retmax=N&rettype=medline
   &retmode=text`` returns records K to K+N-1 in MEDLINE format, which
   :func:`~living_review.search.importers.read_medline` imports.

An API key (environment variable ``NCBI_API_KEY``) raises NCBI's limit from 3 to 10
requests a second; ``NCBI_EMAIL`` is sent as ``email`` when set, as NCBI asks. The key is
masked in every saved URL. The number of records fetched must equal ``Count``.

Reference: Sayers E. The E-utilities In-Depth: Parameters, Syntax and More. In: Entrez
Programming Utilities Help. NCBI Bookshelf NBK25499.
"""

from __future__ import annotations

import datetime as dt
import os
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import TYPE_CHECKING

from living_review.core.words import count as counted
from living_review.search.http import Client, SearchError
from living_review.search.importers import read_medline
from living_review.search.runners.base import SourceApi, refuse_html

if TYPE_CHECKING:  # for annotations only: the saved searches read this package's APIs
    from living_review.search.sources import SavedSearch

TOOL = "living-review"
MIN_INTERVAL = {False: 1 / 3, True: 1 / 10}  # seconds between requests without / with a key


def min_interval() -> float:
    """Spacing of requests NCBI allows: 1/3 s without ``NCBI_API_KEY``, 1/10 s with it."""
    return MIN_INTERVAL[bool(os.environ.get("NCBI_API_KEY"))]


def _common() -> dict[str, str]:
    params = {"db": "pubmed", "tool": TOOL}
    if os.environ.get("NCBI_EMAIL"):
        params["email"] = os.environ["NCBI_EMAIL"]
    if os.environ.get("NCBI_API_KEY"):
        params["api_key"] = os.environ["NCBI_API_KEY"]
    return params


@dataclass(frozen=True)
class ESearch:
    """What an ``eSearchResult`` says: the count, the History-server keys, and NCBI's messages.

    ``phrases_not_found`` are ``ErrorList/PhraseNotFound`` (and ``QuotedPhraseNotFound``,
    ``FieldNotFound``): terms of the query that PubMed does not know, most often a typo in
    the saved query. ``messages`` are ``WarningList`` entries (``OutputMessage``...).
    """

    count: int
    webenv: str
    query_key: str
    ids: tuple[str, ...]
    phrases_not_found: tuple[str, ...]
    messages: tuple[str, ...]


NOT_FOUND_TAGS = ("PhraseNotFound", "QuotedPhraseNotFound", "FieldNotFound")


def parse_esearch(body: bytes, name: str) -> ESearch:
    """Read an ``eSearchResult``; malformed XML, an ``ERROR`` or an incomplete id list is a SearchError."""
    try:
        root = ET.fromstring(body)
    except ET.ParseError as err:
        raise SearchError(f"PubMed: {name}: malformed XML from esearch ({err}); the body is cut off or "
                          "is not an E-utilities answer") from None
    error = root.findtext("ERROR")
    if root.tag != "eSearchResult" or error:
        raise SearchError(f"PubMed: {name}: esearch returned an error: {error or 'root element ' + root.tag}",
                          "check the saved query in data/search/search_strategy.yaml (brackets, quotes, "
                          "field tags) and the base URL")
    count = root.findtext("Count", "")
    if not count.strip().isdigit():
        raise SearchError(f"PubMed: {name}: esearch result has no Count; the response is incomplete")
    ids = tuple(i.text or "" for i in root.findall("IdList/Id"))
    retmax = root.findtext("RetMax", "")
    if retmax.strip().isdigit() and root.find("IdList") is not None and len(ids) != int(retmax):
        raise SearchError(f"PubMed: {name}: esearch says RetMax {retmax} but lists {len(ids)} ids; "
                          "the response is incomplete")
    missing = tuple(e.text or "" for tag in NOT_FOUND_TAGS for e in root.iterfind(f"ErrorList/{tag}"))
    messages = tuple(f"{e.tag}: {e.text or ''}" for e in root.iterfind("WarningList/*"))
    return ESearch(int(count), root.findtext("WebEnv", ""), root.findtext("QueryKey", ""), ids, missing, messages)


def medline_complete(text: str, name: str) -> None:
    """Refuse a MEDLINE page that is not whole: every record ends with ``SO`` where the next begins.

    efetch ends each record with its source line (``SO  - ...``) followed by a blank line
    before the next ``PMID-``; a body cut in transfer without a declared length ends inside
    a record, so its last record has no ``SO`` (or the text stops mid-line).
    """
    if text.strip() and not text.endswith("\n"):
        raise SearchError(f"PubMed: {name}: the MEDLINE text stops mid-line (no final line break): "
                          "the response was cut off")
    last, line = "", 0
    for number, row in enumerate(text.split("\n"), start=1):
        if row.startswith("PMID-") and line:
            if last != "SO":
                raise SearchError(f"PubMed: {name}:{line}: the record opened there ends without its "
                                  "source line (SO): the page is incomplete")
        if row.startswith("PMID-"):
            line = number
        tag = row[:4].strip()
        if row[:1].strip() and row[4:6] == "- ":
            last = tag
    if line and last != "SO":
        raise SearchError(f"PubMed: {name}:{line}: the last record ends without its source line (SO): "
                          "the response was cut off")


def run(search: SavedSearch, start: dt.date, end: dt.date, client: Client, recorder) -> list[dict]:
    """Fetch every record of the saved search entered between ``start`` and ``end`` (inclusive).

    A query term PubMed does not know (``PhraseNotFound``) is an error unless the recorder
    accepts it (``recorder.accept_phrase_not_found``, ``search run --accept-phrase-not-found``);
    NCBI's messages are passed to ``recorder.warn``.
    """
    base = search.base_url.rstrip("/") + "/"
    term = {"term": search.query, "datetype": search.date_field,
            "mindate": start.strftime("%Y/%m/%d"), "maxdate": end.strftime("%Y/%m/%d"),
            "usehistory": "y", "retmax": 0}
    response = client.get(base + "esearch.fcgi", {**_common(), **term})
    path = recorder.save("esearch.xml", response)
    refuse_html(response, path, search.name, "the esearch XML (eSearchResult)")
    found = parse_esearch(response.body, path.name)
    for message in found.messages:
        recorder.warn(f"PubMed: {path.name}: NCBI says {message}")
    if found.phrases_not_found:
        terms = ", ".join(repr(t) for t in found.phrases_not_found)
        text = (f"PubMed: {path.name}: PubMed does not know {terms} (ErrorList/PhraseNotFound), so the "
                f"query ran without it and found {counted(found.count, 'record')}")
        if not getattr(recorder, "accept_phrase_not_found", False):
            raise SearchError(text, "check the saved query in data/search/search_strategy.yaml for a typo; if "
                              "the term is meant, rerun with --accept-phrase-not-found")
        recorder.warn(text + " (accepted with --accept-phrase-not-found)")
    count = found.count
    if count and not (found.webenv and found.query_key):
        raise SearchError(f"PubMed: {path.name}: esearch found {count} record{'s' if count != 1 else ''} but returned no "
                          "WebEnv/QueryKey to fetch them")
    rows: list[dict] = []
    for page, retstart in enumerate(range(0, count, search.page_size), start=1):
        response = client.get(base + "efetch.fcgi", {
            **_common(), "WebEnv": found.webenv, "query_key": found.query_key, "retstart": retstart,
            "retmax": search.page_size, "rettype": "medline", "retmode": "text"})
        path = recorder.save(f"efetch-{page:03d}.medline", response)
        refuse_html(response, path, search.name, "MEDLINE text")
        head = response.body.lstrip()[:1]
        if head in (b"<", b"{"):
            raise SearchError(f"PubMed: {path.name}: efetch returned an error page instead of "
                              f"MEDLINE ({response.body[:120]!r})")
        try:
            frame = read_medline(path, search_date=end.isoformat(), source=search.name)
        except ValueError as err:
            raise SearchError(f"PubMed: malformed MEDLINE: {err}; nothing was imported") from None
        medline_complete(response.body.decode("utf-8", "replace").replace("\r\n", "\n"), path.name)
        expected = min(search.page_size, count - retstart)
        if len(frame) != expected:
            raise SearchError(f"PubMed: {path.name}: expected {expected} record{'s' if expected != 1 else ''} (retstart "
                              f"{retstart} of {count}), got {len(frame)}; the page is incomplete")
        rows.extend(frame.drop(columns=["record_id", "search_date"]).to_dict("records"))
    if len(rows) != count:  # pragma: no cover - every page was checked against Count
        raise SearchError(f"PubMed: received {len(rows)} records but esearch's Count is {count}")
    return rows


API = SourceApi(key='pubmed', date_fields=("edat", "pdat", "mdat"), page_limit=10000, run=run, order=0)
