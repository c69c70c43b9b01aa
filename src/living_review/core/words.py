"""Counts in words for messages and pages: "1 record", "2 records", "0 records".

One helper for every layer (search, release, the command line), so that no message reads
"1 records" or "file(s)".
"""

from __future__ import annotations

IRREGULAR = {"study": "studies", "analysis": "analyses"}


def count(n: int, noun: str, plural: str | None = None) -> str:
    """``"1 record"`` or ``"3 records"``: the noun agrees with the number.

    Example
    -------
    >>> count(1, "record"), count(0, "record"), count(2, "study")
    ('1 record', '0 records', '2 studies')
    """
    many = plural or IRREGULAR.get(noun) or f"{noun}s"
    return f"{n} {noun if n == 1 else many}"
