"""Europe PMC through its REST search, paged with ``cursorMark``.

``search?query=(QUERY) AND FIRST_PDATE:[YYYY-MM-DD TO YYYY-MM-DD]&format=json
&resultType=core&pageSize=N&cursorMark=*`` returns ``hitCount``, ``nextCursorMark`` and
``resultList.result``; the next page is asked with ``cursorMark`` set to the
``nextCursorMark`` received. Paging ends on an empty page or when the cursor no longer
moves. Each page must answer the ``cursorMark`` asked (its ``request.cursorMark``) and
repeat no record of an earlier page; the number of records received must equal ``hitCount``.

Reference: Europe PMC RESTful Web Service, ``/search`` (https://europepmc.org/RestfulWebService).
"""

from __future__ import annotations

import datetime as dt
import urllib.parse
from typing import TYPE_CHECKING

from living_review.core.words import count
from living_review.search.http import Client, SearchError
from living_review.search.runners.base import SourceApi, json_body, plain_text

if TYPE_CHECKING:  # for annotations only: the saved searches read this package's APIs
    from living_review.search.sources import SavedSearch

MAX_PAGES = 10000  # a cursor that never ends is an API fault, not a result set


def dated_query(search: SavedSearch, start: dt.date, end: dt.date) -> str:
    """The query as sent: the saved query limited to the run's dates."""
    return f"({search.query}) AND {search.date_field}:[{start.isoformat()} TO {end.isoformat()}]"


def record_row(hit: dict, origin: str, source: str) -> dict:
    """A Europe PMC ``core`` result as a records row (authors ``"; "``-separated)."""
    journal = ((hit.get("journalInfo") or {}).get("journal") or {})
    authors = [a.strip() for a in str(hit.get("authorString", "")).rstrip(".").split(",")]
    pmid = str(hit.get("pmid", "")) or (str(hit.get("id", "")) if hit.get("source") == "MED" else "")
    return {"source": source, "title": plain_text(hit.get("title")), "authors": "; ".join(a for a in authors if a),
            "year": str(hit.get("pubYear", "")), "journal": journal.get("title", "") or hit.get("journalTitle", ""),
            "doi": hit.get("doi", ""), "pmid": pmid, "abstract": plain_text(hit.get("abstractText")),
            "origin": f"{origin}; Europe PMC {hit.get('source', '?')}:{hit.get('id', '?')}"}


def run(search: SavedSearch, start: dt.date, end: dt.date, client: Client, recorder) -> list[dict]:
    """Fetch every record of the saved search with a date between ``start`` and ``end``."""
    url = search.base_url.rstrip("/") + "/search"
    query = dated_query(search, start, end)
    cursor, rows, total, seen = "*", [], None, set()
    for page in range(1, MAX_PAGES + 1):
        response = client.get(url, {"query": query, "format": "json", "resultType": "core",
                                     "pageSize": search.page_size, "cursorMark": cursor})
        path = recorder.save(f"search-{page:03d}.json", response)
        body = json_body(response, path, search.name)
        if "hitCount" not in body:
            raise SearchError(f"Europe PMC: {path.name}: no hitCount in the response; "
                              f"{str(body.get('errMsg', ''))[:200] or 'not a search result'}")
        total = int(body["hitCount"]) if total is None else total
        echoed = (body.get("request") or {}).get("cursorMark")
        if echoed is not None and urllib.parse.unquote(str(echoed)) != cursor:
            raise SearchError(f"Europe PMC: {path.name}: the page answers cursorMark {echoed!r}, not the "
                              f"{cursor!r} asked; a page was repeated or skipped")
        hits = (body.get("resultList") or {}).get("result") or []
        if not isinstance(hits, list):
            raise SearchError(f"Europe PMC: {path.name}: resultList.result is not a list; not a search result")
        rows.extend(record_row(h, f"{path.name}:{k}", search.name) for k, h in enumerate(hits, start=1))
        again = [f"{h.get('source')}:{h.get('id')}" for h in hits if f"{h.get('source')}:{h.get('id')}" in seen]
        if again:
            raise SearchError(f"Europe PMC: {path.name}: {again[0]} was already on an earlier page; the "
                              "paging repeats records")
        seen.update(f"{h.get('source')}:{h.get('id')}" for h in hits)
        following = body.get("nextCursorMark")
        if not hits or not following or following == cursor or len(rows) >= total:
            break
        cursor = following
    if len(rows) != total:
        raise SearchError(f"Europe PMC: received {count(len(rows), 'record')} but hitCount is {total}; "
                          "paging ended early")
    return rows


API = SourceApi(key='europepmc', date_fields=("FIRST_PDATE", "CREATION_DATE"), page_limit=1000, run=run, order=1)
