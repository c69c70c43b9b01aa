"""Closed option sets, checked at the entry point with one message.

Every function that takes one of a fixed set of values (a transform, an outcome, a tool)
checks it with :func:`check_choice` before it computes anything, so that a wrong value is
refused with the same words wherever it is given.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def check_choice(name: str, value: Any, allowed: Iterable[Any], error: type[Exception] = ValueError) -> Any:
    """``value`` when it is one of ``allowed``; otherwise raise ``error`` naming ``name`` and the choices.

    Example
    -------
    >>> check_choice("outcome", "ORR", ("ORR", "DCR"))
    'ORR'
    >>> check_choice("outcome", "OS", ("ORR", "DCR"))
    Traceback (most recent call last):
    ...
    ValueError: outcome='OS' is not allowed; choose one of ORR, DCR
    """
    choices = tuple(allowed)
    if value not in choices:
        raise error(f"{name}={value!r} is not allowed; choose one of {', '.join(map(str, choices))}")
    return value
