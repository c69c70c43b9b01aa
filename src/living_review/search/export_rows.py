"""What every search-export reader shares: the search date's check, record ids from the file's name, author lists, PMIDs in notes, and the finished records table."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Iterable

import pandas as pd

from living_review.search.normalise import fold_text
from living_review.search.records import make_records


PMID_NOTE = re.compile(r"PMID:?\s*(\d+)", re.I)


def check_search_date(search_date: str) -> str:
    try:
        date = dt.date.fromisoformat(str(search_date))
    except ValueError:
        raise ValueError(f"search_date {search_date!r} is not a real date YYYY-MM-DD (check day and month)") from None
    if date > dt.date.today():
        raise ValueError(f"search_date {search_date} is in the future (give the date the search was run)")
    return date.isoformat()


def id_prefix(path: Path) -> str:
    return fold_text(path.stem).replace(" ", "_") or "records"


def author_list(values: Iterable[str]) -> str:
    return "; ".join(v.strip() for v in values if v and v.strip())


def finish_rows(rows: list[dict], name: str) -> pd.DataFrame:
    try:
        return make_records(rows, name)
    except ValueError as err:
        # make_records counts data rows; point at the file line via the origin column.
        match = re.search(r"row (\d+)", str(err))
        if match and int(match.group(1)) <= len(rows):
            origin = rows[int(match.group(1)) - 1]["origin"]
            raise ValueError(f"{origin}: {err}") from None
        raise
