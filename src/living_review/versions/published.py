"""The headline values the previous review printed, as it printed them.

A changelog entry that compares the update with version 0 (the reproduction of the
previous review) shows, next to each headline conclusion, the value the previous review
published, read from ``data/previous_version_results.csv``, and says whether version 0
reproduced it. Version 0's own value is this review's computation from the previous
review's inputs: it is never presented as the published one.

A headline's name gives the row: ``<outcome>_<subset>`` with the outcome in lower case
(``orr_all`` is ORR, subset ``all``; ``dcr_lenvatinib`` is DCR, subset ``lenvatinib``);
``<outcome>_median`` is the median (statistic ``median``) of subset ``all``.

Example
-------
>>> values = read_published("data/previous_version_results.csv")  # doctest: +SKIP
>>> values["os_median"].text()  # doctest: +SKIP
'4.8 (2.74 to 8.84)'
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from living_review.core.encoding import read_frame

# statistic names of previous_version_results.csv: (estimate, lower bound, upper bound)
PROPORTION_STATISTICS = ("estimate", "ci_lower", "ci_upper")
MEDIAN_STATISTICS = ("median", "median_ci_lower", "median_ci_upper")


@dataclass(frozen=True)
class PublishedValue:
    """One value as the previous review printed it; a bound it did not print is None."""

    estimate: float
    ci_low: float | None
    ci_high: float | None
    decimals: tuple[int, int | None, int | None]
    source: str

    @property
    def has_ci(self) -> bool:
        return self.ci_low is not None and self.ci_high is not None

    def text(self) -> str:
        d0, d1, d2 = self.decimals
        point = f"{self.estimate:.{d0}f}"
        if not self.has_ci:
            return f"{point} (CI not published)"
        return f"{point} ({self.ci_low:.{d1}f} to {self.ci_high:.{d2}f})"

    def reproduced_by(self, estimate: float, ci_low: float, ci_high: float) -> bool:
        """True when ``estimate`` and its CI round to every printed figure."""
        d0, d1, d2 = self.decimals
        same = [_rounds_to(estimate, self.estimate, d0)]
        if self.has_ci:
            same += [_rounds_to(ci_low, self.ci_low, d1), _rounds_to(ci_high, self.ci_high, d2)]
        return all(same)


def _rounds_to(value: float, printed: float, decimals: int) -> bool:
    # half a unit of the last printed digit, plus float slack
    return abs(value - printed) <= 0.5 * 10 ** -decimals + 1e-12


def _row_of(name: str) -> tuple[str, str, tuple[str, str, str]]:
    outcome, _, subset = name.partition("_")
    if subset == "median":
        return outcome.upper(), "all", MEDIAN_STATISTICS
    return outcome.upper(), subset, PROPORTION_STATISTICS


def read_published(path: str | Path, names: tuple[str, ...] = ()) -> dict[str, PublishedValue]:
    """Published values by headline name (only the names given, or all that the file holds).

    Parameters
    ----------
    path : ``data/previous_version_results.csv`` (columns outcome, subset, statistic,
        value, decimals, source); a missing file gives ``{}``.
    names : headline names to look up; a name without a published point estimate is left out.
    """
    path = Path(path)
    if not path.is_file():
        return {}
    table = read_frame(path, path.name, dtype={"value": float, "decimals": "Int64"})
    if not names:
        names = tuple(sorted({f"{o.lower()}_{s}" for o, s in zip(table["outcome"], table["subset"])}
                             | {f"{o.lower()}_median" for o in table.loc[table["statistic"] == "median", "outcome"]}))
    found = {}
    for name in names:
        outcome, subset, statistics = _row_of(name)
        rows = table[(table["outcome"] == outcome) & (table["subset"] == subset)].set_index("statistic")
        if statistics[0] not in rows.index:
            continue
        values = [float(rows.at[s, "value"]) if s in rows.index else None for s in statistics]
        decimals = tuple(int(rows.at[s, "decimals"]) if s in rows.index else None for s in statistics)
        found[name] = PublishedValue(values[0], values[1], values[2], decimals, str(rows.at[statistics[0], "source"]))
    return found
