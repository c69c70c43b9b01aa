"""Tests of living_review.search.http against the local replay server."""

from __future__ import annotations

import datetime as dt

import pytest

from living_review.search.http import Client, SearchError, public_url, retry_after_seconds


def client(waits, **kw) -> Client:
    return Client(source="Test", sleep=waits.append, **kw)


def test_plain_get_returns_the_bytes(replay, no_wait):
    replay.on("/x", replay.Reply(b"\x00caf\xc3\xa9\r\n", headers={"Content-Type": "text/plain"}))
    got = client(no_wait).get(replay.url + "/x", {"a": "b c", "empty": ""})
    assert got.body == b"\x00caf\xc3\xa9\r\n" and got.status == 200 and got.attempts == 1
    assert replay.calls("/x") == [{"a": "b c"}]  # empty parameters are not sent
    assert got.content_type == "text/plain" and got.sent_at.endswith("+00:00")


def test_429_waits_the_retry_after_then_succeeds(replay, no_wait):
    replay.on("/x", replay.Reply(b"slow down", status=429, headers={"Retry-After": "7"}),
              replay.Reply(b"ok"))
    got = client(no_wait, backoff=0.5).get(replay.url + "/x", {})
    assert got.body == b"ok" and got.attempts == 2
    assert no_wait == [7.0]


def test_429_with_a_long_retry_after_is_reported_not_waited(replay, no_wait):
    replay.on("/x", replay.Reply(b"", status=429, headers={"Retry-After": "3600"}))
    with pytest.raises(SearchError, match=r"rate limited \(HTTP 429\).*3600 s; run again later"):
        client(no_wait, max_wait=60).get(replay.url + "/x", {})
    assert no_wait == []


def test_500_is_retried_with_doubling_backoff_then_reported(replay, no_wait):
    replay.on("/x", replay.Reply(b"Internal error", status=500))
    with pytest.raises(SearchError, match=r"failed after 4 attempts: HTTP 500 .*Internal error"):
        client(no_wait, retries=3, backoff=1.0).get(replay.url + "/x", {})
    assert no_wait == [1.0, 2.0, 4.0]
    assert len(replay.calls("/x")) == 4


def test_500_then_success(replay, no_wait):
    replay.on("/x", replay.Reply(b"", status=500), replay.Reply(b"fine"))
    assert client(no_wait).get(replay.url + "/x", {}).body == b"fine"


def test_400_is_not_retried(replay, no_wait):
    replay.on("/x", replay.Reply(b"bad parameter pageSize", status=400))
    with pytest.raises(SearchError, match=r"HTTP 400 .*bad parameter pageSize.*check the query"):
        client(no_wait).get(replay.url + "/x", {})
    assert len(replay.calls("/x")) == 1 and no_wait == []


def test_truncated_body_is_an_error(replay, no_wait):
    replay.on("/x", replay.Reply(b"x" * 1000, cut_at=100))
    with pytest.raises(SearchError, match=r"cut off after 100 bytes of 1000"):
        client(no_wait).get(replay.url + "/x", {})


def test_network_failure_is_retried_then_reported(no_wait):
    # Port 9 on 127.0.0.1 (discard) is closed on a test machine: connection refused.
    with pytest.raises(SearchError, match=r"failed after 2 attempts: network failure .*check the network"):
        client(no_wait, retries=1, timeout=2).get("http://127.0.0.1:9/x", {})
    assert no_wait == [1.0]


def test_api_key_is_masked():
    assert public_url("https://h/e?term=a+b&api_key=SECRET") == "https://h/e?term=a+b&api_key=%2A%2A%2A"


def test_retry_after_forms():
    now = dt.datetime(2015, 10, 21, 7, 27, 0, tzinfo=dt.UTC)
    assert retry_after_seconds("120") == 120.0
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", now) == 60.0
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None


def test_requests_are_spaced(replay, no_wait):
    replay.on("/x", replay.Reply(b"ok"))
    c = client(no_wait, min_interval=5.0)
    c.get(replay.url + "/x", {})
    c.get(replay.url + "/x", {})
    assert len(no_wait) == 1 and 4.0 < no_wait[0] <= 5.0
