"""The saved searches: each source's query exactly as sent, its API's base URL and date field.

They live in the ``saved_searches`` section of ``data/search/search_strategy.yaml``::

    saved_searches:
      first_date: "2023-09-03"      # where the first run of a source starts
      sources:
        pubmed:
          name: PubMed              # the records' ``source`` column
          api: "NCBI E-utilities: esearch, then efetch in MEDLINE format"
          base_url: https://eutils.ncbi.nlm.nih.gov/entrez/eutils/
          date_field: edat          # which date the run's date limits apply to
          page_size: 200
          query: >-
            ...

A base URL is a setting so that tests (and mirrors) can point a runner elsewhere; the
environment variable ``LIVING_REVIEW_<KEY>_URL`` (``LIVING_REVIEW_PUBMED_URL``...)
overrides the file.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from living_review.search.runners import APIS


SECTION = "saved_searches"
SOURCE_KEYS: tuple[str, ...] = tuple(APIS)
# Date fields each API can limit a search by, and its largest page: each runner's record.
DATE_FIELDS: dict[str, tuple[str, ...]] = {key: api.date_fields for key, api in APIS.items()}
PAGE_LIMITS: dict[str, int] = {key: api.page_limit for key, api in APIS.items()}


@dataclass(frozen=True)
class SavedSearch:
    """One source's saved search.

    Attributes
    ----------
    key : one of :data:`SOURCE_KEYS`; names the runner and the folder ``runs/<key>/``.
    name : the records' ``source`` value (``"PubMed"``, ``"Europe PMC"``, ``"ClinicalTrials.gov"``).
    api : what is called, in words (printed in the methods chapter).
    base_url : the API's base URL, after the environment override.
    date_field : the date the run's limits apply to (one of :data:`DATE_FIELDS`).
    page_size : records per request.
    query : the query string exactly as sent, before the run's date limits.
    first_date : ISO date the first run of this source starts from.
    """

    key: str
    name: str
    api: str
    base_url: str
    date_field: str
    page_size: int
    query: str
    first_date: str

    def summary(self) -> str:
        return f"{self.name} ({self.key}): {self.base_url}, dates by {self.date_field}: {self.query}"


def url_variable(key: str) -> str:
    """Environment variable that overrides a source's base URL (``LIVING_REVIEW_PUBMED_URL``)."""
    return f"LIVING_REVIEW_{key.upper()}_URL"


def load_saved_searches(path: str | Path) -> dict[str, SavedSearch]:
    """Read and check the ``saved_searches`` section; return ``{key: SavedSearch}`` in file order.

    Raises ``ValueError`` naming the file, the source and the key that is wrong.
    """
    doc = _read(path)
    raw = doc.data
    section = raw.get(SECTION)
    if not isinstance(section, dict) or not isinstance(section.get("sources"), dict):
        raise ValueError(f"{doc.at(SECTION)}: no '{SECTION}: sources:' section (add one saved search per source)")
    first = str(section.get("first_date", ""))
    try:
        dt.date.fromisoformat(first)
    except ValueError:
        raise ValueError(f"{doc.at(SECTION, 'first_date')}: {SECTION}.first_date {first!r} is not a real date "
                         "YYYY-MM-DD (check day and month)") from None
    out: dict[str, SavedSearch] = {}
    for key, spec in section["sources"].items():
        where = f"{doc.at(SECTION, 'sources', key)}: {SECTION}.sources.{key}"
        if key not in SOURCE_KEYS:
            raise ValueError(f"{where}: unknown source; choose one of {list(SOURCE_KEYS)}")
        if not isinstance(spec, dict):
            raise ValueError(f"{where}: expected a mapping with name, api, base_url, date_field, query")
        for name in ("name", "api", "base_url", "date_field", "query"):
            if not str(spec.get(name, "")).strip():
                raise ValueError(f"{where}: '{name}' is missing or empty")
        if spec["date_field"] not in DATE_FIELDS[key]:
            raise ValueError(f"{where}: date_field {spec['date_field']!r} not allowed; choose one "
                             f"of {list(DATE_FIELDS[key])}")
        size = spec.get("page_size", 100)
        if not isinstance(size, int) or not 1 <= size <= PAGE_LIMITS[key]:
            raise ValueError(f"{where}: page_size {size!r} must be a whole number from 1 to {PAGE_LIMITS[key]}")
        base = os.environ.get(url_variable(key)) or str(spec["base_url"])
        out[key] = SavedSearch(key=key, name=str(spec["name"]), api=" ".join(str(spec["api"]).split()),
                               base_url=base, date_field=str(spec["date_field"]), page_size=size,
                               query=" ".join(str(spec["query"]).split()),
                               first_date=str(spec.get("first_date", first)))
    return out


def saved_search_table(searches: dict[str, SavedSearch]):
    """The saved searches as the methods chapter prints them (PRISMA-S items 1, 8 and 9).

    Columns ``Source``, ``Interface``, ``Dates limited by``, ``Query`` (exactly as sent).
    """
    import pandas as pd

    rows = [{"Source": s.name, "Interface": s.api, "Dates limited by": s.date_field, "Query": s.query}
            for s in searches.values()]
    return pd.DataFrame(rows, columns=["Source", "Interface", "Dates limited by", "Query"])


def _read(path: str | Path):
    """The strategy file as a located YAML document whose top level is a mapping."""
    from living_review.core.yamlfile import read_yaml

    doc = read_yaml(path)
    if doc.data is None:
        return type(doc)({}, doc.shown, doc.lines)
    if not isinstance(doc.data, dict):
        raise ValueError(f"{doc.shown}:1: the file holds {doc.data!r}, not a mapping of sections (see "
                         "data/search/README.md)")
    return doc


def reviewers_per_record(path: str | Path) -> int:
    """``saved_searches.reviewers_per_record``: independent reviewers each record needs (default 2)."""
    doc = _read(path)
    section = doc.data.get(SECTION) or {}
    value = section.get("reviewers_per_record", 2) if isinstance(section, dict) else 2
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ValueError(f"{doc.at(SECTION, 'reviewers_per_record')}: {SECTION}.reviewers_per_record {value!r} "
                         "must be a whole number, 1 or more")
    return value
