"""The summary-of-findings table in the standard GRADE shape, with footnotes and plain-language statements.

Columns as in GRADEpro and MAGICapp: outcome; № of participants (studies); the estimate
with its CI; the certainty as ⊕ symbols and a word, with a footnote letter on each
downgrade; and a plain-language statement. The footnotes, under the table, give each
downgrade's reason in a sentence (:attr:`CertaintyRating.explanations`).

Statements follow GRADE's informative statements (Santesso et al. 2020): "results in"
(high), "probably results in" (moderate), "may result in" (low), "may result in …, but
the evidence is very uncertain" (very low). The size of a proportion is put in words by
:func:`magnitude`.

References
----------
Santesso N, Glenton C, Dahm P, et al. GRADE guidelines 26: informative statements to
communicate the findings of systematic reviews of interventions. J Clin Epidemiol
2020;119:126-35.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from living_review.report.dictionary import latex_columns
from living_review.report.tables import markdown_source

SYMBOLS = {"high": "⊕⊕⊕⊕", "moderate": "⊕⊕⊕◯", "low": "⊕⊕◯◯", "very low": "⊕◯◯◯"}
INTERVENTION = "TKI monotherapy"
#: upper bounds (exclusive) of each verbal band for a proportion of patients
BANDS = ((0.05, "very few patients"), (0.20, "a small minority of patients"), (0.40, "a minority of patients"),
         (0.60, "about half of patients"), (0.80, "a majority of patients"), (1.01, "most patients"))
#: PDF column widths (fractions of the line): the statement column wraps instead of running off the page
LATEX_WIDTHS = (0.16, 0.13, 0.19, 0.15, 0.33)
LETTERS = "abcdefghijklmnopqrstuvwxyz"


def magnitude(p: float) -> str:
    """A proportion in words: 0.13 -> 'a small minority of patients' (bands in :data:`BANDS`)."""
    if not 0 <= p <= 1:
        raise ValueError(f"proportion {p!r} is outside 0-1")
    return next(words for bound, words in BANDS if p < bound)


def _effect(row) -> str:
    if row.scale == "median":
        what = "progression-free survival" if row.key.startswith("pfs") else "overall survival"
        return f"a median {what} of about {round(2 * row.estimate) / 2:g} months"
    if row.key.startswith(("os_", "pfs_")) and row.key.endswith("m"):  # a pooled reported landmark rate
        alive = "alive" if row.key.startswith("os_") else "alive without progression"
        months = row.outcome.rsplit(" at ", 1)[1]
        return f"{magnitude(row.estimate).replace(' of patients', '')} of patients {alive} at {months}"
    if row.key == "orr":
        return f"objective response in {magnitude(row.estimate)}"
    if row.key == "dcr":
        return f"disease control in {magnitude(row.estimate)}"
    return f"{row.outcome.replace('Grade ≥3', 'grade ≥3')} in {magnitude(row.estimate)}"


def statement(row, intervention: str = INTERVENTION) -> str:
    """Plain-language statement of one SofRow, worded by its certainty (Santesso et al. 2020)."""
    rating, effect = row.certainty.rating, _effect(row)
    if rating == "high":
        return f"{intervention} results in {effect}."
    if rating == "moderate":
        return f"{intervention} probably results in {effect}."
    if rating == "low":
        return f"{intervention} may result in {effect}."
    return f"{intervention} may result in {effect}, but the evidence is very uncertain."


@dataclass(frozen=True)
class Footnotes:
    """Footnote letters per row (in row order) and the footnotes' text, letter by letter."""

    letters: tuple[tuple[str, ...], ...]
    notes: tuple[tuple[str, str], ...]


def footnotes(rows) -> Footnotes:
    """One letter per distinct downgrade sentence; rows sharing a sentence share its letter."""
    seen: dict[str, str] = {}
    letters = []
    for r in rows:
        mine = []
        for text in r.certainty.explanations:
            if text not in seen:
                if len(seen) >= len(LETTERS):
                    raise ValueError(f"more than {len(LETTERS)} distinct footnotes; shorten the table")
                seen[text] = LETTERS[len(seen)]
            mine.append(seen[text])
        letters.append(tuple(mine))
    return Footnotes(tuple(letters), tuple((letter, text) for text, letter in seen.items()))


def _estimate(r, level: float) -> str:
    if r.scale == "proportion":
        one = "; one study, exact CI" if r.k == 1 else ""  # one study is not pooled
        return f"{100 * r.estimate:.1f}% ({100 * r.ci_low:.1f} to {100 * r.ci_high:.1f}{one})"
    return f"{r.estimate:.1f} months ({r.ci_low:.1f} to {r.ci_high:.1f})"


def standard_table(rows, level: float = 0.95, intervention: str = INTERVENTION) -> pd.DataFrame:
    """The table: Outcome, № of participants (studies), Estimate (CI), Certainty, What happens."""
    head = f"Estimate ({100 * level:g}% CI)"
    marks = footnotes(rows).letters
    out = []
    for r, letters in zip(rows, marks):
        # plain letters: a MyST role inside a table cell is escaped like every cell value
        sup = f" ({', '.join(letters)})" if letters else ""
        out.append({"Outcome": r.outcome, "№ of participants (studies)": f"{r.patients} ({r.k} cohorts)",
                    head: _estimate(r, level),
                    "Certainty": f"{SYMBOLS[r.certainty.rating]} {r.certainty.rating.capitalize()}{sup}",
                    "What happens": statement(r, intervention)})
    return pd.DataFrame(out, columns=["Outcome", "№ of participants (studies)", head, "Certainty", "What happens"])


def standard_source(rows, level: float = 0.95, *, caption: str, name: str, note: str = "",
                    intervention: str = INTERVENTION) -> str:
    """MyST source of :func:`standard_table` with PDF column widths, then its footnotes as a list."""
    table = latex_columns(LATEX_WIDTHS) + markdown_source(standard_table(rows, level, intervention), caption=caption,
                                                          name=name,
                                                          align="llll" + "l")
    notes = footnotes(rows).notes
    lines = [f"({letter}) {text}" for letter, text in notes]
    body = "\n\n".join(([note] if note else []) + lines)
    return f"{table}\n\n{body}\n" if body else table
