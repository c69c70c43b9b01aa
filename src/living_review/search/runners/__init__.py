"""One runner per source API; each fetches every page of a saved search and returns record rows.

A runner takes the :class:`~living_review.search.sources.SavedSearch`, the date limits,
an :class:`~living_review.search.http.Client` and a recorder (``save(name, response)``
writes the body byte for byte and returns its path), and returns the records as
mappings with the columns of :data:`~living_review.search.records.RECORD_COLUMNS` except
``record_id`` and ``search_date``, which the run assigns. A runner raises
:class:`~living_review.search.http.SearchError` for any response it cannot use.
"""

from __future__ import annotations

import pkgutil
from importlib import import_module

from living_review.search.runners.base import SourceApi, json_body, plain_text, refuse_html


def _discovered() -> dict[str, SourceApi]:
    found = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name != "base":
            api = import_module(f"{__name__}.{info.name}").API
            found[api.key] = api
    return dict(sorted(found.items(), key=lambda item: item[1].order))


APIS: dict[str, SourceApi] = _discovered()
"""Every source API, by key: each module of this package that defines ``API``."""
RUNNERS = {key: api.run for key, api in APIS.items()}

__all__ = ["APIS", "RUNNERS", "SourceApi", "json_body", "plain_text", "refuse_html"]
