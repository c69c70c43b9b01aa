"""Published numbers compared with a stated tolerance, for ``living-review verify``.

A rebuild on a machine whose BLAS kernel or SIMD features differ from the release's gives
the same numbers to about 14 significant digits, not bit for bit (the pooled survival
curves go through LAPACK). :func:`number_differences` walks two release summaries and sorts
every field that differs into

* ``within``: both are numbers and ``|rebuilt - published| <= ATOL + RTOL * |published|``
  (numpy's ``isclose`` rule, with :data:`RTOL` = 1e-9 and :data:`ATOL` = 1e-12): the same
  number, computed with other last bits; and
* ``beyond``: numbers outside the tolerance, and any other difference (a text, a count of
  items, a field present in one only), with both values.

A tolerance of 1e-9 relative is five orders of magnitude above the differences between
kernels (about 1e-15 relative) and far below the digits the book prints (the estimates
download writes ten significant digits).

Example
-------
>>> number_differences({"a": 1.0, "b": "x"}, {"a": 1.0 + 1e-15, "b": "x"})
NumberDifferences(within=('a',), beyond=())
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

RTOL = 1e-9
ATOL = 1e-12


@dataclass(frozen=True)
class NumberDifferences:
    """Fields (dotted paths) whose numbers differ within the tolerance, and every other difference."""

    within: tuple[str, ...]
    beyond: tuple[str, ...]


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def close(published: float, rebuilt: float) -> bool:
    if published == rebuilt:
        return True
    if published != published and rebuilt != rebuilt:  # both NaN
        return True
    return abs(rebuilt - published) <= ATOL + RTOL * abs(published)


def _walk(published: Any, rebuilt: Any, where: str, within: list, beyond: list, ignore: frozenset) -> None:
    if isinstance(published, dict) and isinstance(rebuilt, dict):
        for key in sorted(set(published) | set(rebuilt)):
            if key in ignore:
                continue
            name = f"{where}.{key}" if where else str(key)
            if key not in rebuilt:
                beyond.append(f"{name}: published, missing from the rebuild")
            elif key not in published:
                beyond.append(f"{name}: in the rebuild, not published")
            else:
                _walk(published[key], rebuilt[key], name, within, beyond, ignore)
        return
    if isinstance(published, list) and isinstance(rebuilt, list):
        if len(published) != len(rebuilt):
            beyond.append(f"{where}: {len(published)} item(s) published, {len(rebuilt)} rebuilt")
            return
        for i, (a, b) in enumerate(zip(published, rebuilt)):
            _walk(a, b, f"{where}[{i}]", within, beyond, ignore)
        return
    if _is_number(published) and _is_number(rebuilt):
        same_nan = published != published and rebuilt != rebuilt
        if (published == rebuilt or same_nan) and type(published) is type(rebuilt):
            return
        if close(float(published), float(rebuilt)):
            within.append(where)
            return
    elif published == rebuilt and type(published) is type(rebuilt):
        return
    beyond.append(f"{where or '(whole file)'}: published {published!r}, rebuilt {rebuilt!r}")


def number_differences(published: Any, rebuilt: Any, *, ignore: tuple[str, ...] = ()) -> NumberDifferences:
    """Every field of two JSON values that differs, sorted into within and beyond the tolerance.

    ``ignore`` names keys left out wherever they occur (``inputs_fingerprint`` for the
    releases made before fingerprints were reproducible).
    """
    within: list[str] = []
    beyond: list[str] = []
    _walk(published, rebuilt, "", within, beyond, frozenset(ignore))
    return NumberDifferences(tuple(within), tuple(beyond))
