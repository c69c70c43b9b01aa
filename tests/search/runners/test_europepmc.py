"""Tests of the Europe PMC runner (living_review.search.runners.europepmc) against replayed REST search."""

from __future__ import annotations

import datetime as dt

import pytest

from living_review.search.http import SearchError
from living_review.search.runners import europepmc

START, END = dt.date(2023, 9, 3), dt.date(2025, 12, 31)


def test_cursor_paging(replay, saved, saver, fast_client):
    replay.on("/europepmc/search", replay.Reply.file("europepmc-1.json"), replay.Reply.file("europepmc-2.json"))
    rows = europepmc.run(saved["europepmc"], START, END, fast_client(), saver)
    assert [r["title"][:12] for r in rows] == ["Lenvatinib i", "Anlotinib in", "Sunitinib an"]
    assert rows[0]["pmid"] == "90000001" and rows[1]["pmid"] == "" and rows[0]["authors"] == "Testa A; Rossi B"
    assert rows[0]["journal"] == "Test journal of oncology"
    assert "<b>" not in rows[0]["abstract"] and "twenty patients" in rows[0]["abstract"]
    assert rows[1]["origin"] == "search-001.json:2; Europe PMC PPR:PPR000001"
    calls = replay.calls("/europepmc/search")
    assert [c["cursorMark"] for c in calls] == ["*", "AoIIQBVfzig0NzAwMDAwMQ=="]
    assert calls[0]["query"] == f"({saved['europepmc'].query}) AND FIRST_PDATE:[2023-09-03 TO 2025-12-31]"
    assert (calls[0]["format"], calls[0]["resultType"], calls[0]["pageSize"]) == ("json", "core", "2")


def test_empty(replay, saved, saver, fast_client):
    replay.on("/europepmc/search", replay.Reply.file("europepmc-0.json"))
    assert europepmc.run(saved["europepmc"], START, END, fast_client(), saver) == []
    assert len(replay.calls("/europepmc/search")) == 1


def test_paging_that_stops_early_is_an_error(replay, saved, saver, fast_client):
    page = (replay.Reply.file("europepmc-1.json").body.decode()
            .replace('"nextCursorMark":"AoIIQBVfzig0NzAwMDAwMQ==",', ""))
    replay.on("/europepmc/search", replay.Reply(page))
    with pytest.raises(SearchError, match=r"received 2 records but hitCount is 3"):
        europepmc.run(saved["europepmc"], START, END, fast_client(), saver)


def test_malformed_json(replay, saved, saver, fast_client):
    replay.on("/europepmc/search", replay.Reply(b'{"hitCount": 3, "resultList": {"result": ['))
    with pytest.raises(SearchError, match=r"search-001.json: the response is not valid JSON"):
        europepmc.run(saved["europepmc"], START, END, fast_client(), saver)
