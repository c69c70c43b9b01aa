"""What the ledger accepts: keys, finite numbers, whole counts and JSON-ready values, and its one
JSON text form (sorted keys, two-space indent), the same byte for byte on every write."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

KEY_PATTERN = re.compile(r"^[a-z0-9_.-]+$")


def check_key(key: str) -> str:
    if not isinstance(key, str) or not KEY_PATTERN.match(key):
        raise ValueError(
            f"ledger key {key!r} is not allowed: use only lower-case letters, digits, '_', '.' and '-' "
            "(for example 'orr.lenvatinib.atc'); the key names a file and a row of the changelog"
        )
    return key


def number(value: Any, field: str, key: str) -> float:
    if isinstance(value, bool):
        raise ValueError(f"ledger {key!r}: {field} must be a number, got {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"ledger {key!r}: {field} must be a number, got {value!r}") from None
    if math.isnan(number) or math.isinf(number):
        # JSON has no NaN; an estimate that is not a number is not published.
        raise ValueError(f"ledger {key!r}: {field} is {number!r}; only finite numbers can be published")
    return number


def count(value: Any, field: str, key: str) -> int:
    try:
        whole = not isinstance(value, bool) and int(value) == value and value >= 0
    except (TypeError, ValueError):
        whole = False
    if not whole:
        raise ValueError(f"ledger {key!r}: {field} must be a non-negative whole number, got {value!r}")
    return int(value)


def plain(value: Any, where: str) -> Any:
    """JSON-ready copy of ``value`` with numpy scalars and tuples turned into plain types."""
    if isinstance(value, dict):
        return {str(k): plain(v, f"{where}.{k}") for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v, f"{where}[{i}]") for i, v in enumerate(value)]
    if value is None or isinstance(value, (bool, str)):
        return value
    if hasattr(value, "item") and callable(value.item):  # numpy scalar
        return plain(value.item(), where)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return None
        return value
    if isinstance(value, Path):
        return value.as_posix()
    raise ValueError(f"{where}: {type(value).__name__} {value!r} cannot be recorded; use numbers, text, lists or dicts")


def dumps(payload: Any) -> str:
    """Deterministic JSON text: sorted keys, two-space indent, floats by ``repr``, final newline."""
    return json.dumps(payload, sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
