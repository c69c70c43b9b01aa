"""The build date, and the check of a date a file or a command gives."""

from __future__ import annotations

import datetime as dt

from living_review.core.dates import build_date, date_problem


def test_the_build_date_follows_source_date_epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14T22:13:20Z
    assert build_date() == dt.date(2023, 11, 14)
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert build_date() == dt.datetime.now(dt.timezone.utc).date()


def test_an_impossible_or_future_date_is_a_problem():
    assert "not a real date" in date_problem("2023-02-30", "x")
    assert date_problem("2020-01-02", "x", today=dt.date(2020, 1, 1)).startswith("2020-01-02 is after")
    assert date_problem("2020-01-01", "x", today=dt.date(2020, 1, 1)) is None
