"""Helpers of the tests that replay genuine API bodies (``../shared/api-samples/``).

The parameters each API documents, to compare with every request the runners send:

- NCBI E-utilities: Sayers E. The E-utilities In-Depth: Parameters, Syntax and More
  (NCBI Bookshelf NBK25499), sections ESearch and EFetch, and "General parameters"
  (``tool``, ``email``, ``api_key``).
- Europe PMC RESTful Web Service, ``GET /search`` (https://europepmc.org/RestfulWebService).
- ClinicalTrials.gov API v2, ``GET /studies`` (https://clinicaltrials.gov/data-api/api).
"""

from __future__ import annotations

import re
from pathlib import Path

NCBI_GENERAL = {"tool", "email", "api_key"}
DOCUMENTED = {
    "/pubmed/esearch.fcgi": NCBI_GENERAL | {"db", "term", "usehistory", "WebEnv", "query_key", "retstart", "retmax",
                                            "rettype", "retmode", "sort", "field", "idtype", "datetype", "reldate",
                                            "mindate", "maxdate"},
    "/pubmed/efetch.fcgi": NCBI_GENERAL | {"db", "id", "query_key", "WebEnv", "retmode", "rettype", "retstart",
                                           "retmax", "strand", "seq_start", "seq_stop", "complexity"},
    "/europepmc/search": {"query", "resultType", "synonym", "cursorMark", "pageSize", "sort", "format", "callback",
                          "email"},
    "/ctgov/studies": {"format", "markupFormat", "query.cond", "query.term", "query.locn", "query.titles",
                       "query.intr", "query.outc", "query.spons", "query.lead", "query.id", "query.patient",
                       "filter.overallStatus", "filter.geo", "filter.ids", "filter.advanced", "filter.synonyms",
                       "postFilter.overallStatus", "postFilter.geo", "postFilter.ids", "postFilter.advanced",
                       "postFilter.synonyms", "aggFilters", "geoDecay", "fields", "sort", "countTotal", "pageSize",
                       "pageToken"},
}
# What each request of a runner must carry (the rest of DOCUMENTED is optional).
REQUIRED = {
    "/pubmed/esearch.fcgi": {"db", "term", "usehistory", "datetype", "mindate", "maxdate", "tool"},
    "/pubmed/efetch.fcgi": {"db", "WebEnv", "query_key", "retstart", "retmax", "rettype", "retmode", "tool"},
    "/europepmc/search": {"query", "format", "resultType", "pageSize", "cursorMark"},
    "/ctgov/studies": {"query.term", "filter.advanced", "format", "pageSize"},
}


def undocumented(replay) -> list[tuple[str, str]]:
    """Every (path, parameter) sent that the API does not document, or required and not sent."""
    wrong = []
    for path, query in replay.requests:
        wrong += [(path, f"sent undocumented {k}") for k in query if k not in DOCUMENTED[path]]
        wrong += [(path, f"did not send {k}") for k in REQUIRED[path] if k not in query]
    return wrong


_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(\s[^<>]*)?/?>")


def text_of(markup: str) -> str:
    """A reference for what ``plain_text`` must keep: the characters of ``markup`` that are no tag.

    Independent of the parser: removes only the spans ``<name ...>`` / ``</name>`` that the
    bodies hold (``<h4>``, ``<i>``, ``<sup>``...), and compares without spaces, since tags
    may become a space.
    """
    return "".join(_TAG.sub("", markup).split())


def page_size(search_dir: Path, key: str, size: int) -> None:
    """Set one saved search's ``page_size`` in a copied ``search_strategy.yaml``."""
    path = search_dir / "search_strategy.yaml"
    text = path.read_text(encoding="utf-8")
    head, sep, tail = text.partition(f"\n    {key}:\n")
    tail = re.sub(r"page_size: \d+", f"page_size: {size}", tail, count=1)
    path.write_text(head + sep + tail, encoding="utf-8")
