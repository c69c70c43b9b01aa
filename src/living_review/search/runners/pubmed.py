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

from living_review.search.http import Client, SearchError
from living_review.search.importers import read_medline
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


def parse_esearch(body: bytes, name: str) -> tuple[int, str, str]:
    """``(Count, WebEnv, QueryKey)`` of an ``eSearchResult``; malformed XML or an ``ERROR`` is a SearchError."""
    try:
        root = ET.fromstring(body)
    except ET.ParseError as err:
        raise SearchError(f"PubMed: {name}: malformed XML from esearch ({err}); nothing was "
                          "imported, run again") from None
    error = root.findtext("ERROR")
    if root.tag != "eSearchResult" or error:
        raise SearchError(f"PubMed: {name}: esearch returned an error: "
                          f"{error or 'root element ' + root.tag}; check the query")
    count = root.findtext("Count", "")
    if not count.strip().isdigit():
        raise SearchError(f"PubMed: {name}: esearch result has no Count; the response is incomplete")
    return int(count), root.findtext("WebEnv", ""), root.findtext("QueryKey", "")


def run(search: SavedSearch, start: dt.date, end: dt.date, client: Client, recorder) -> list[dict]:
    """Fetch every record of the saved search entered between ``start`` and ``end`` (inclusive)."""
    base = search.base_url.rstrip("/") + "/"
    term = {"term": search.query, "datetype": search.date_field,
            "mindate": start.strftime("%Y/%m/%d"), "maxdate": end.strftime("%Y/%m/%d"),
            "usehistory": "y", "retmax": 0}
    response = client.get(base + "esearch.fcgi", {**_common(), **term})
    path = recorder.save("esearch.xml", response)
    count, webenv, query_key = parse_esearch(response.body, path.name)
    if count and not (webenv and query_key):
        raise SearchError(f"PubMed: {path.name}: esearch found {count} records but returned no "
                          "WebEnv/QueryKey to fetch them; run again")
    rows: list[dict] = []
    for page, retstart in enumerate(range(0, count, search.page_size), start=1):
        response = client.get(base + "efetch.fcgi", {
            **_common(), "WebEnv": webenv, "query_key": query_key, "retstart": retstart,
            "retmax": search.page_size, "rettype": "medline", "retmode": "text"})
        path = recorder.save(f"efetch-{page:03d}.medline", response)
        head = response.body.lstrip()[:1]
        if head in (b"<", b"{"):
            raise SearchError(f"PubMed: {path.name}: efetch returned an error page instead of "
                              f"MEDLINE ({response.body[:120]!r}); run again")
        try:
            frame = read_medline(path, search_date=end.isoformat(), source=search.name)
        except ValueError as err:
            raise SearchError(f"PubMed: malformed MEDLINE: {err}; nothing was imported") from None
        expected = min(search.page_size, count - retstart)
        if len(frame) != expected:
            raise SearchError(f"PubMed: {path.name}: expected {expected} records (retstart "
                              f"{retstart} of {count}), got {len(frame)}; the page is incomplete, run again")
        rows.extend(frame.drop(columns=["record_id", "search_date"]).to_dict("records"))
    return rows
