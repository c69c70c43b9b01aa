"""ClinicalTrials.gov through API v2 (``/api/v2/studies``), paged with ``pageToken``.

``studies?query.term=QUERY&filter.advanced=AREA[LastUpdatePostDate]RANGE[start,end]
&format=json&pageSize=N&countTotal=true`` returns ``studies``, ``totalCount`` (first page)
and ``nextPageToken`` while more pages remain. Limiting by the last update date finds new
registrations and trials whose record changed, including those that posted results.

Each study becomes one register record: the official (else brief) title, the brief
summary as abstract, the first-posted year, the NCT number (and EudraCT, CTIS or other
registry numbers) in ``registry_ids``, and in ``origin`` the NCT number, the overall
status, whether results are posted, and the PubMed ids of the publications the record
links; a trial with results but no linked publication is flagged as such, so that it is
not missed because no paper reports it.

Reference: ClinicalTrials.gov API v2 (https://clinicaltrials.gov/data-api/api).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from living_review.core.words import count
from living_review.search.http import Client, SearchError
from living_review.search.runners.base import SourceApi, json_body, plain_text

if TYPE_CHECKING:  # for annotations only: the saved searches read this package's APIs
    from living_review.search.sources import SavedSearch

MAX_PAGES = 10000
RESULTS_NO_PUBLICATION = "results posted, no linked publication"
# secondaryIdInfos types that are trial registry numbers (not grants): API v2's SecondaryIdType
REGISTRY_ID_TYPES = frozenset({"EUDRACT_NUMBER", "CTIS", "REGISTRY"})


def date_filter(search: SavedSearch, start: dt.date, end: dt.date) -> str:
    """The ``filter.advanced`` expression of the run's dates (Essie ``AREA[...]RANGE[...]``)."""
    return f"AREA[{search.date_field}]RANGE[{start.isoformat()},{end.isoformat()}]"


def record_row(study: dict, origin: str, source: str) -> dict:
    """A v2 study as a register record row; see the module docstring for what ``origin`` holds."""
    protocol = study.get("protocolSection") or {}
    ident = protocol.get("identificationModule") or {}
    status = protocol.get("statusModule") or {}
    nct = ident.get("nctId", "")
    if not nct:
        raise SearchError(f"ClinicalTrials.gov: {origin}: a study without nctId; the response is malformed")
    refs = (protocol.get("referencesModule") or {}).get("references") or []
    linked = sorted({str(r["pmid"]) for r in refs if r.get("pmid") and r.get("type") in ("RESULT", "DERIVED")})
    results = bool(study.get("hasResults"))
    flags = [f"status {status.get('overallStatus', 'unknown')}",
             "results posted" if results else "no results posted",
             f"linked publications PMID {', '.join(linked)}" if linked else "no linked publication"]
    if results and not linked:
        flags.append(RESULTS_NO_PUBLICATION)
    registry = [nct] + [str(i["id"]) for i in ident.get("secondaryIdInfos") or []
                        if i.get("id") and i.get("type") in REGISTRY_ID_TYPES]
    posted = ((status.get("studyFirstPostDateStruct") or {}).get("date", ""))
    return {"source": source, "title": ident.get("officialTitle") or ident.get("briefTitle") or nct,
            "authors": "", "year": posted[:4], "journal": "ClinicalTrials.gov", "doi": "", "pmid": "",
            "abstract": plain_text((protocol.get("descriptionModule") or {}).get("briefSummary")),
            "origin": f"{origin}; {nct}; " + "; ".join(flags), "registry_ids": "; ".join(registry)}


def run(search: SavedSearch, start: dt.date, end: dt.date, client: Client, recorder) -> list[dict]:
    """Fetch every study of the saved search updated between ``start`` and ``end``."""
    url = search.base_url.rstrip("/") + "/studies"
    token, rows, total = "", [], None
    for page in range(1, MAX_PAGES + 1):
        params = {"query.term": search.query, "filter.advanced": date_filter(search, start, end),
                  "format": "json", "pageSize": search.page_size}
        params.update({"pageToken": token} if token else {"countTotal": "true"})
        response = client.get(url, params)
        path = recorder.save(f"studies-{page:03d}.json", response)
        body = json_body(response, path, search.name)
        if "studies" not in body:
            raise SearchError(f"ClinicalTrials.gov: {path.name}: no 'studies' in the response; not a search result")
        if not isinstance(body["studies"], list):
            raise SearchError(f"ClinicalTrials.gov: {path.name}: 'studies' is not a list; not a search result")
        if total is None:
            total = int(body.get("totalCount", -1))
        rows.extend(record_row(s, f"{path.name}:{k}", search.name) for k, s in enumerate(body["studies"], start=1))
        following = body.get("nextPageToken") or ""
        if following and following == token:
            raise SearchError(f"ClinicalTrials.gov: {path.name}: nextPageToken is the token just sent; "
                              "the paging does not advance")
        token = following
        if not token or not body["studies"]:
            break
    if total is not None and total >= 0 and len(rows) != total:
        raise SearchError(f"ClinicalTrials.gov: received {count(len(rows), 'study')} but totalCount is {total}; "
                          "paging ended early")
    return rows


API = SourceApi(key='ctgov', date_fields=("LastUpdatePostDate", "StudyFirstPostDate", "ResultsFirstPostDate"), page_limit=1000, run=run, order=2)
