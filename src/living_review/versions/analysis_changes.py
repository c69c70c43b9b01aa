"""Estimates that moved with the same inputs: a change in analysis, not in the evidence.

When ``review.yml`` is unchanged between two releases, an estimate can still move because
the code computes it differently: for example one study reported with its exact
(Clopper-Pearson) interval instead of a pooled one (1.0.0 to 1.1.0: imatinib ORR 0.008 to
0.615 became 0.032 to 0.651). :func:`analysis_changes` finds every estimate published by
both versions with the same inputs (studies, events and totals) whose estimate or interval
moved by more than :data:`MOVED` and says how: when the current one rests on one study and
its interval is that study's Clopper-Pearson interval (checked by computing it,
:func:`living_review.meta.effects.clopper_pearson`) while the previous was not, the change is
named as such; otherwise it is "computed differently from the same inputs", with the
parameters of the estimate that changed, if any.

Example
-------
>>> changes = analysis_changes(old.estimates, new.estimates)  # doctest: +SKIP
>>> changes[0].reason  # doctest: +SKIP
'one study: now its exact (Clopper-Pearson) interval, no longer a pooled one'
"""

from __future__ import annotations

from dataclasses import dataclass

MOVED = 1e-9
EXACT = "one study: now its exact (Clopper-Pearson) interval, no longer a pooled one"
OTHER = "computed differently from the same inputs"
FIELDS = ("estimate", "ci_low", "ci_high")


@dataclass(frozen=True)
class AnalysisChange:
    """One estimate computed differently from the same inputs."""

    key: str
    previous: tuple[float, float, float]
    current: tuple[float, float, float]
    reason: str

    @property
    def exact(self) -> bool:
        return self.reason == EXACT


def _numbers(record: dict) -> tuple[float, float, float] | None:
    values = tuple(record.get(f) for f in FIELDS)
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        return None
    return tuple(float(v) for v in values)


def _is_exact(record: dict, numbers: tuple[float, float, float]) -> bool:
    inputs = record.get("inputs") or []
    if record.get("k") != 1 or len(inputs) != 1 or not {"events", "n"} <= set(inputs[0]):
        return False
    from living_review.meta.effects import clopper_pearson

    level = (record.get("params") or {}).get("level", 0.95)
    low, high = clopper_pearson([inputs[0]["events"]], [inputs[0]["n"]], level)
    return abs(float(low[0]) - numbers[1]) < MOVED and abs(float(high[0]) - numbers[2]) < MOVED


def _parameters(old: dict, new: dict) -> str:
    a, b = old.get("params") or {}, new.get("params") or {}
    changed = [f"{k}: {a.get(k)!r} → {b.get(k)!r}" for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]
    return f" ({'; '.join(changed)})" if changed else ""


def analysis_changes(previous: dict, current: dict) -> tuple[AnalysisChange, ...]:
    """Estimates of both ledgers (key -> record) with equal inputs and moved numbers, in key order."""
    found = []
    for key in sorted(set(previous) & set(current)):
        old, new = previous[key], current[key]
        if old.get("inputs") != new.get("inputs") or not old.get("inputs"):
            continue
        a, b = _numbers(old), _numbers(new)
        if a is None or b is None or all(abs(x - y) <= MOVED for x, y in zip(a, b)):
            continue
        exact = _is_exact(new, b) and not _is_exact(old, a)
        found.append(AnalysisChange(key, a, b, EXACT if exact else OTHER + _parameters(old, new)))
    return tuple(found)
