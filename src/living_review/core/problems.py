"""What the validator reports: one :class:`Problem` per defect, and the error that carries them all.

Every problem names the file, the physical line of the CSV file (header = line 1), the
column, what is wrong and how to fix it, so that a data editor can go straight to the cell.

Example
-------
>>> p = Problem("data/studies.csv", 4, "orr_events", "9 exceeds orr_n 8 (correct the count)")
>>> str(p)
'data/studies.csv:4: orr_events: 9 exceeds orr_n 8 (correct the count)'
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    """One defect in the evidence data.

    Parameters
    ----------
    file : path of the file as shown to the user, e.g. ``data/studies.csv``.
    line : physical line of the file (header = 1; 0 when the file as a whole is at fault).
    column : column name, or ``"-"`` when no single column is at fault.
    message : what is wrong, followed by how to fix it in parentheses.
    severity : ``"error"`` stops loading; ``"warning"`` is shown but data still load.
    """

    file: str
    line: int
    column: str
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        tag = "warning: " if self.severity == "warning" else ""
        return f"{self.file}:{self.line}: {self.column}: {tag}{self.message}"


def errors(problems: Iterable[Problem]) -> list[Problem]:
    """The problems that stop loading."""
    return [p for p in problems if p.severity == "error"]


class DataValidationError(ValueError):
    """Raised by :func:`living_review.data.load_evidence` when the data hold any error.

    ``problems`` lists every problem found (errors and warnings), never only the first;
    the message shows one per line.
    """

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        n_err = len(errors(self.problems))
        lines = "\n".join(str(p) for p in self.problems)
        super().__init__(f"{n_err} error(s) in the evidence data:\n{lines}")
