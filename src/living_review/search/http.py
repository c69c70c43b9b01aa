"""HTTP for the search runners: one GET at a time, rate-limited, retried where the API says so.

Standard library only (``urllib``). Every failure becomes a :class:`SearchError` whose
message names the source, the request and what to do, never a traceback:

- a network failure (no route, DNS, refused connection, timeout) is retried ``retries``
  times with exponential backoff, then reported;
- HTTP 429 (too many requests) waits the ``Retry-After`` the server sent (seconds or an
  HTTP date), or the backoff when it sent none, and retries: NCBI, Europe PMC and
  ClinicalTrials.gov all answer an exceeded rate with 429;
- HTTP 500, 502, 503 and 504 are transient server errors and are retried with backoff;
- any other HTTP error (400, 404...) is not retried: the request itself is wrong;
- a body shorter than its ``Content-Length`` (a connection cut mid-transfer) is an error,
  so a truncated page is never parsed as if it were whole.

Requests are spaced by at least ``min_interval`` seconds (NCBI: at most 3 requests a
second without an API key, 10 with one).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import http.client
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Callable, Mapping

from living_review._version import __version__

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# Query parameters that are secrets: never written to disk nor printed.
SECRET_PARAMETERS = frozenset({"api_key"})
USER_AGENT = f"living-review/{__version__} (systematic review search runner; urllib)"


class SearchError(RuntimeError):
    """A search request that failed for good: what happened (the message) and what to do (``advice``).

    Nothing of a failed run is imported; ``advice`` fits the failure (wait and rerun after a
    rate limit, fix the base URL after a 404 or an HTML page, rerun after a cut-off body...).
    """

    def __init__(self, message: str, advice: str = "run `living-review search run` again; nothing was "
                 "imported, so a rerun starts from the same date") -> None:
        super().__init__(f"{message}; {advice}")
        self.message, self.advice = message, advice


ADVICE = {
    "rate": "the API limits how often it may be asked; wait a few minutes and run again (for PubMed, "
            "NCBI_API_KEY raises the limit from 3 to 10 requests a second)",
    "server": "the service has a problem of its own (HTTP 5xx); nothing is wrong with the query: run "
              "again later, and check the service's status page if it persists",
    "not_found": "the address does not exist on that server: check base_url in data/search/search_strategy.yaml "
                 "and the LIVING_REVIEW_<SOURCE>_URL variable, if set",
    "refused": "the server refused the request itself: check the query saved in data/search/search_strategy.yaml "
               "(brackets, quotes, field tags) and the parameters the API documents",
    "network": "no answer from the server: check the network connection (and a proxy, if one is needed), "
               "then run again",
    "html": "a web page answered instead of the API (a wrong base URL, a proxy or login page, or a "
            "maintenance page): check base_url and LIVING_REVIEW_<SOURCE>_URL, open the saved page to see "
            "what it says, then run again",
}


@dataclass(frozen=True)
class Response:
    """One HTTP exchange as it happened.

    Attributes
    ----------
    url : str
        The URL sent, with secret parameters (``api_key``) masked.
    status : int
        HTTP status of the final attempt (200).
    body : bytes
        The body exactly as received.
    sent_at : str
        UTC time the final attempt was sent (ISO 8601, seconds).
    attempts : int
        Number of attempts it took (1 when the first succeeded).
    content_type : str
        The ``Content-Type`` header.
    """

    url: str
    status: int
    body: bytes
    sent_at: str
    attempts: int
    content_type: str


def public_url(url: str) -> str:
    """``url`` with the values of :data:`SECRET_PARAMETERS` replaced by ``***``."""
    parts = urllib.parse.urlsplit(url)
    query = [(k, "***" if k in SECRET_PARAMETERS else v)
             for k, v in urllib.parse.parse_qsl(parts.query, keep_blank_values=True)]
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


def retry_after_seconds(value: str | None, now: dt.datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (RFC 9110 10.2.3): a number or an HTTP date.

    Example
    -------
    >>> retry_after_seconds("2")
    2.0
    >>> retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", dt.datetime(2015, 10, 21, 7, 27, 30, tzinfo=dt.UTC))
    30.0
    """
    if not value or not value.strip():
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    now = now or dt.datetime.now(dt.UTC)
    return max(0.0, (when - now).total_seconds())


@dataclass
class Client:
    """A rate-limited HTTP client for one source.

    Parameters
    ----------
    source : str
        Name used in messages (``"PubMed"``).
    min_interval : float
        Minimum seconds between two requests.
    retries : int
        Further attempts after a retryable failure (network, 429, 5xx).
    backoff : float
        First backoff in seconds; doubled at every further attempt.
    max_wait : float
        Longest wait accepted from a ``Retry-After``; a longer one is reported, not waited.
    timeout : float
        Socket timeout of one attempt, seconds.
    sleep : callable
        ``time.sleep`` (tests pass a recorder so that no test waits).
    """

    source: str
    min_interval: float = 0.0
    retries: int = 3
    backoff: float = 1.0
    max_wait: float = 120.0
    timeout: float = 60.0
    sleep: Callable[[float], None] = time.sleep
    waits: list[float] = field(default_factory=list)
    _last: float | None = None

    def _pause(self, seconds: float) -> None:
        if seconds > 0:
            self.waits.append(seconds)
            self.sleep(seconds)

    def _space(self) -> None:
        if self._last is not None and self.min_interval > 0:
            self._pause(self.min_interval - (time.monotonic() - self._last))
        self._last = time.monotonic()

    def get(self, base: str, params: Mapping[str, object]) -> Response:
        """GET ``base?params``; return the :class:`Response` or raise :class:`SearchError`."""
        url = base + ("&" if "?" in base else "?") + urllib.parse.urlencode(
            [(k, str(v)) for k, v in params.items() if v is not None and v != ""])
        shown = public_url(url)
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
        problem = ""
        for attempt in range(1, self.retries + 2):
            self._space()
            sent_at = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
            wait = self.backoff * 2 ** (attempt - 1)
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as reply:
                    body = _read_whole(reply, self.source, shown)
                    return Response(shown, reply.status, body, sent_at, attempt,
                                    reply.headers.get("Content-Type", ""))
            except urllib.error.HTTPError as err:
                detail = err.read(500).decode("utf-8", "replace").strip()
                problem = f"HTTP {err.code} {err.reason}" + (f": {detail[:200]}" if detail else "")
                if err.code == 404:
                    raise SearchError(f"{self.source}: {shown} answered {problem}", ADVICE["not_found"]) from None
                if err.code not in RETRY_STATUSES:
                    raise SearchError(f"{self.source}: {shown} answered {problem}", ADVICE["refused"]) from None
                kind = "server"
                if err.code == 429:
                    kind = "rate"
                    told = retry_after_seconds(err.headers.get("Retry-After"))
                    if told is not None and told > self.max_wait:
                        raise SearchError(f"{self.source}: rate limited (HTTP 429), the server asks "
                                          f"to retry after {told:.0f} s",
                                          f"run again later, in {told:.0f} s or more (the server's Retry-After)") from None
                    problem += (f" (Retry-After {told:.0f} s was waited)" if told is not None
                                else " (no Retry-After sent; backoff waited)")
                    wait = told if told is not None else wait
            except (urllib.error.URLError, socket.timeout, ConnectionError, http.client.RemoteDisconnected) as err:
                reason = getattr(err, "reason", err)
                problem, kind = f"network failure ({reason})", "network"
            if attempt <= self.retries:
                self._pause(wait)
        raise SearchError(f"{self.source}: {shown} failed after {self.retries + 1} attempts: {problem}",
                          ADVICE[kind])


def _read_whole(reply, source: str, shown: str) -> bytes:
    expected = reply.headers.get("Content-Length")
    try:
        body = reply.read()
    except http.client.IncompleteRead as err:
        raise SearchError(f"{source}: {shown}: the response was cut off after {len(err.partial)} "
                          f"bytes of {expected or 'an unknown number'} (connection closed mid-transfer)") from None
    if expected and expected.isdigit() and len(body) < int(expected):
        raise SearchError(f"{source}: {shown}: the response was cut off after {len(body)} bytes "
                          f"of {expected} (connection closed mid-transfer)")
    return body
