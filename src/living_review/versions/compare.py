"""What changed between two releases: studies, corrections, and every estimate that moved.

Estimates are matched across releases by their ledger key. For an estimate in both, with
previous point estimate :math:`\\theta_0`, previous CI :math:`[L_0, U_0]` and current
estimate :math:`\\theta_1` with CI :math:`[L_1, U_1]`, two flags mark a changed conclusion:

* ``excludes_previous``: the current CI no longer contains the previous point estimate
  (:math:`\\theta_0 < L_1` or :math:`\\theta_0 > U_1`): the new evidence is incompatible,
  at the CI's level, with what the previous version reported;
* ``large_shift``: the point estimate moved by more than half the previous CI's width
  (:math:`|\\theta_1 - \\theta_0| > (U_0 - L_0)/2`).

When a threshold is given for the estimate's outcome (``thresholds={"ORR": 0.10}``, a
clinically relevant value on the estimate's scale), two more flags compare the two
versions' conclusions about it:

* ``direction_changed``: the estimate lies on the other side of the threshold;
* ``significance_changed``: one CI excludes the threshold and the other does not.

An estimate "moved" when its estimate or a CI bound differs by more than ``tolerance``.

Corrections come from ``data/discrepancies.csv``
(:func:`living_review.versions.corrections.read_corrections`).

Example
-------
>>> comparison = compare_summaries("releases/0.1.0/summary.json", "releases/1.0.0/summary.json")  # doctest: +SKIP
>>> comparison.summary()  # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from living_review.versions.corrections import Correction, read_corrections
from living_review.versions.summary import ReleaseSummary, read_summary


@dataclass(frozen=True)
class Interval:
    """A point estimate and its confidence interval."""

    estimate: float
    ci_low: float
    ci_high: float

    def text(self, digits: int = 3) -> str:
        return f"{self.estimate:.{digits}f} ({self.ci_low:.{digits}f} to {self.ci_high:.{digits}f})"


@dataclass(frozen=True)
class EstimateChange:
    """One estimate across two releases; ``previous`` or ``current`` is None if absent there."""

    key: str
    outcome: str
    previous: Interval | None
    current: Interval | None
    moved: bool
    excludes_previous: bool
    large_shift: bool
    direction_changed: bool | None
    significance_changed: bool | None

    @property
    def status(self) -> str:
        if self.previous is None:
            return "added"
        if self.current is None:
            return "removed"
        return "moved" if self.moved else "unchanged"

    @property
    def flagged(self) -> bool:
        return bool(self.excludes_previous or self.large_shift or self.direction_changed or self.significance_changed)

    def flags(self) -> list[str]:
        names = {
            "excludes_previous": "CI now excludes the previous estimate",
            "large_shift": "moved by more than half the previous CI",
            "direction_changed": "direction changed",
            "significance_changed": "significance changed",
        }
        return [text for attr, text in names.items() if getattr(self, attr)]

    def summary(self) -> str:
        old = self.previous.text() if self.previous else "-"
        new = self.current.text() if self.current else "-"
        flags = f" [{'; '.join(self.flags())}]" if self.flagged else ""
        return f"{self.key} ({self.outcome}): {old} -> {new}{flags}"


@dataclass(frozen=True)
class HeadlineChange:
    """One named conclusion across two releases, whichever ledger key carried it in each."""

    name: str
    label: str
    previous_key: str | None
    current_key: str | None
    change: EstimateChange

    def summary(self) -> str:
        return f"{self.label}: {self.change.summary()}"


@dataclass(frozen=True)
class Comparison:
    """Everything that changed from ``previous_version`` to ``current_version``."""

    previous_version: str
    current_version: str
    data_changed: bool
    parameters_changed: tuple[str, ...]
    studies_added: tuple[str, ...]
    studies_removed: tuple[str, ...]
    corrections: tuple[Correction, ...]
    estimates: tuple[EstimateChange, ...]
    headlines: tuple[HeadlineChange, ...] = ()
    previous_scope: str = ""
    current_scope: str = ""
    previous_studies: tuple[str, ...] = ()
    current_studies: tuple[str, ...] = ()

    @property
    def moved(self) -> tuple[EstimateChange, ...]:
        return tuple(e for e in self.estimates if e.status != "unchanged")

    def summary(self) -> str:
        flagged = sum(e.flagged for e in self.estimates)
        return (
            f"{self.previous_version} -> {self.current_version}: cohorts added {len(self.studies_added)}, "
            f"removed {len(self.studies_removed)}, corrections {len(self.corrections)}; "
            f"estimates changed {len(self.moved)} of {len(self.estimates)}, flagged {flagged}; "
            f"{sum(h.change.flagged for h in self.headlines)} of {len(self.headlines)} headline(s) flagged"
        )

    def to_frame(self) -> pd.DataFrame:
        """One row per estimate: key, outcome, status, previous and current values, flags."""
        rows = []
        for e in self.estimates:
            row = {"key": e.key, "outcome": e.outcome, "status": e.status}
            for label, interval in (("previous", e.previous), ("current", e.current)):
                for field in ("estimate", "ci_low", "ci_high"):
                    row[f"{label}_{field}"] = getattr(interval, field) if interval else float("nan")
            for flag in ("excludes_previous", "large_shift", "direction_changed", "significance_changed"):
                row[flag] = getattr(e, flag)
            rows.append(row)
        columns = ["key", "outcome", "status", *(f"{w}_{f}" for w in ("previous", "current") for f in ("estimate", "ci_low", "ci_high")),
                   "excludes_previous", "large_shift", "direction_changed", "significance_changed"]
        return pd.DataFrame(rows, columns=columns)


def _interval(record: dict | None) -> Interval | None:
    """The record's estimate and CI; None when absent or recorded without a number (a failed fit)."""
    if not record or record.get("estimate") is None:
        return None
    return Interval(float(record["estimate"]), float(record["ci_low"]), float(record["ci_high"]))


def _excludes(interval: Interval, value: float) -> bool:
    return value < interval.ci_low or value > interval.ci_high


def compare_estimate(key: str, previous: dict | None, current: dict | None, *,
                     threshold: float | None = None, tolerance: float = 1e-9) -> EstimateChange:
    """Compare one ledger record across two releases (see the module notes for the flags)."""
    old, new = _interval(previous), _interval(current)
    outcome = str((current or previous or {}).get("outcome", ""))
    if old is None or new is None:
        return EstimateChange(key, outcome, old, new, True, False, False, None, None)
    moved = any(abs(a - b) > tolerance for a, b in zip(
        (old.estimate, old.ci_low, old.ci_high), (new.estimate, new.ci_low, new.ci_high)))
    excludes = _excludes(new, old.estimate)
    shift = abs(new.estimate - old.estimate) > (old.ci_high - old.ci_low) / 2
    direction = significance = None
    if threshold is not None:
        def side(x: float) -> int:
            return (x > threshold) - (x < threshold)
        direction = side(old.estimate) != side(new.estimate)
        significance = _excludes(old, threshold) != _excludes(new, threshold)
    return EstimateChange(key, outcome, old, new, moved, excludes, shift, direction, significance)


def _changed_parameters(old: dict, new: dict, prefix: str = "") -> list[str]:
    changed = []
    for name in sorted(set(old) | set(new)):
        a, b = old.get(name), new.get(name)
        if isinstance(a, dict) and isinstance(b, dict):
            changed += _changed_parameters(a, b, f"{prefix}{name}.")
        elif a != b:
            changed.append(f"{prefix}{name}: {a!r} -> {b!r}")
    return changed


def compare_headlines(previous: ReleaseSummary, current: ReleaseSummary, *,
                      thresholds: dict[str, float] | None = None, tolerance: float = 1e-9) -> tuple[HeadlineChange, ...]:
    """Follow each headline by name: previous release's key against the current release's key.

    Headlines are ordered by name (a summary file stores them with sorted keys), the current
    release's first, then those it dropped.
    """
    thresholds = thresholds or {}
    names = sorted(current.headlines) + sorted(n for n in previous.headlines if n not in current.headlines)
    changes = []
    for name in names:
        old_key = (previous.headlines.get(name) or {}).get("key")
        new_key = (current.headlines.get(name) or {}).get("key")
        old = previous.estimates.get(old_key) if old_key else None
        new = current.estimates.get(new_key) if new_key else None
        label = (current.headlines.get(name) or previous.headlines[name])["label"]
        outcome = str((new or old or {}).get("outcome", ""))
        change = compare_estimate(new_key or old_key or name, old, new,
                                  threshold=thresholds.get(outcome), tolerance=tolerance)
        changes.append(HeadlineChange(name, label, old_key, new_key, change))
    return tuple(changes)


def compare(previous: ReleaseSummary, current: ReleaseSummary, *, discrepancies: Path | None = None,
            thresholds: dict[str, float] | None = None, tolerance: float = 1e-9) -> Comparison:
    """Compare two release summaries.

    Parameters
    ----------
    previous, current : the two summaries (see :mod:`living_review.versions.summary`).
    discrepancies : ``data/discrepancies.csv`` of the current release, or None.
    thresholds : per outcome, a value on the estimate's scale for the direction and
        significance flags (e.g. ``{"ORR": 0.10}``); outcomes without one get None flags.
    tolerance : absolute difference below which an estimate did not move.
    """
    thresholds = thresholds or {}
    old_ids = {s["study_id"] for s in previous.studies}
    new_ids = {s["study_id"] for s in current.studies}
    changes = tuple(
        compare_estimate(key, previous.estimates.get(key), current.estimates.get(key),
                         threshold=thresholds.get(str((current.estimates.get(key) or previous.estimates.get(key))["outcome"])),
                         tolerance=tolerance)
        for key in sorted(set(previous.estimates) | set(current.estimates))
    )
    return Comparison(
        previous_version=previous.version,
        current_version=current.version,
        data_changed=previous.data_fingerprint != current.data_fingerprint,
        parameters_changed=tuple(_changed_parameters(previous.parameters, current.parameters)),
        studies_added=tuple(sorted(new_ids - old_ids)),
        studies_removed=tuple(sorted(old_ids - new_ids)),
        corrections=read_corrections(discrepancies, new_ids, current.version) if discrepancies else (),
        estimates=changes,
        headlines=compare_headlines(previous, current, thresholds=thresholds, tolerance=tolerance),
        previous_scope=str(previous.scope.get("name", "")),
        current_scope=str(current.scope.get("name", "")),
        previous_studies=tuple(sorted(old_ids)),
        current_studies=tuple(sorted(new_ids)),
    )


def compare_summaries(previous: Path, current: Path, **options) -> Comparison:
    """:func:`compare` two ``summary.json`` files; options as for :func:`compare`."""
    return compare(read_summary(previous), read_summary(current), **options)
