"""One runner per source API; each fetches every page of a saved search and returns record rows.

A runner takes the :class:`~living_review.search.sources.SavedSearch`, the date limits,
an :class:`~living_review.search.http.Client` and a recorder (``save(name, response)``
writes the body byte for byte and returns its path), and returns the records as
mappings with the columns of :data:`~living_review.search.records.RECORD_COLUMNS` except
``record_id`` and ``search_date``, which the run assigns. A runner raises
:class:`~living_review.search.http.SearchError` for any response it cannot use.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from living_review.search.http import Response, SearchError


def json_body(response: Response, path: Path, source: str) -> dict:
    """Parse a saved JSON body; a malformed one is a :class:`SearchError` naming the file."""
    try:
        value = json.loads(response.body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise SearchError(f"{source}: {path.name}: the response is not valid JSON ({err}); "
                          "nothing was imported, run again or report the API change") from None
    if not isinstance(value, dict):
        raise SearchError(f"{source}: {path.name}: expected a JSON object, got {type(value).__name__}")
    return value


def plain_text(value: object) -> str:
    """Text without markup tags and with single spaces (abstracts may carry HTML)."""
    return " ".join(re.sub(r"<[^>]+>", " ", str(value or "")).split())


from living_review.search.runners import ctgov, europepmc, pubmed  # noqa: E402

RUNNERS = {"pubmed": pubmed.run, "europepmc": europepmc.run, "ctgov": ctgov.run}
