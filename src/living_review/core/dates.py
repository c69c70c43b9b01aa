"""The build date, and the check of a date a data file or a command gives.

A build's date is today (UTC), or the day of ``SOURCE_DATE_EPOCH`` when it is set, as a
release sets it so that a rebuild gives the same pages.
"""

from __future__ import annotations

import datetime as dt
import os


def build_date() -> dt.date:
    """The date of this build: today (UTC), or the day of ``SOURCE_DATE_EPOCH`` (UTC) when set."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date()
    return dt.datetime.now(dt.timezone.utc).date()


def date_problem(text: str, what: str, today: dt.date | None = None) -> str | None:
    """Why ``text`` is not a usable ISO date (impossible, or after the build date), else ``None``."""
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return f"{text!r} is not a real date YYYY-MM-DD ({what}; check day and month)"
    today = today or build_date()
    if day > today:
        return f"{text} is after the build date {today.isoformat()} ({what} cannot lie in the future)"
    return None
