"""What a build was made from: version, build date, data fingerprint and last search date.

Every page of the book shows this stamp, so a reader who cites a page can say exactly
which version of the review and of its data they read.

The build date is taken from ``SOURCE_DATE_EPOCH`` when it is set (the convention of
reproducible builds), otherwise from the current UTC date.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from living_review._version import __version__
from living_review.core import dates
from living_review.core.encoding import read_frame
from living_review.core.fingerprint import data_fingerprint

SEARCH_RECORDS = Path("data") / "search" / "records.csv"
SEARCH_DATE_COLUMN = "search_date"


@dataclass(frozen=True)
class BuildStamp:
    version: str
    build_date: str
    data_fingerprint: str
    last_search: str

    @property
    def short_fingerprint(self) -> str:
        return self.data_fingerprint[:12]

    def summary(self) -> str:
        return (
            f"Version {self.version}, built {self.build_date}; data fingerprint "
            f"{self.short_fingerprint}; last search {self.last_search}"
        )


def build_date() -> str:
    """The build date (ISO 8601): :func:`living_review.core.dates.build_date`."""
    return dates.build_date().isoformat()


def last_search_date(root: Path) -> str:
    """The latest search date in the search records, or ``"not recorded"`` when there is none."""
    path = root / SEARCH_RECORDS
    if not path.is_file():
        return "not recorded"
    dates = read_frame(path).get(SEARCH_DATE_COLUMN)
    if dates is None:
        return "not recorded"
    parsed = pd.to_datetime(dates.dropna().str.strip(), errors="coerce", format="ISO8601").dropna()
    return parsed.max().date().isoformat() if len(parsed) else "not recorded"


def build_stamp(root: Path) -> BuildStamp:
    return BuildStamp(__version__, build_date(), data_fingerprint(root), last_search_date(root))
