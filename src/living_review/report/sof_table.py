"""The summary-of-findings table in the standard GRADE shape, with footnotes and plain-language statements.

Columns as in GRADEpro and MAGICapp: outcome; № of participants (studies); the estimate
with its CI; the certainty as ⊕ symbols and a word, with a footnote letter on each
downgrade; and a plain-language statement. The footnotes, under the table, give each
downgrade's reason in a sentence (:attr:`CertaintyRating.explanations`).

Statements are GRADE's informative statements (Santesso et al. 2020) worded for a
non-comparative estimate: they say how many patients on the treatment have the outcome (or
what the median is), never that the treatment causes it, since there is no comparator. The
modal words follow the certainty: none (high), "probably" (moderate), "may" (low), and for
very low "the evidence is very uncertain about ...". The numbers are the estimate, its
confidence interval and, for a pooled proportion, its prediction interval (where a new
cohort's rate may fall); a word for the size ("a minority of patients", :func:`magnitude`)
is added only when the interval and the prediction interval both lie within that word's
band, so that the words never claim more than the intervals allow.

References
----------
Santesso N, Glenton C, Dahm P, et al. GRADE guidelines 26: informative statements to
communicate the findings of systematic reviews of interventions. J Clin Epidemiol
2020;119:126-35.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from living_review.appraisal.certainty import LANDMARK_KEY
from living_review.core.markup import md
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


def band(low: float, high: float) -> str | None:
    """The words of :data:`BANDS` when ``low`` and ``high`` fall in the same band, else None."""
    a, b = magnitude(max(0.0, low)), magnitude(min(1.0, high))
    return a if a == b else None


def _landmark(row) -> str | None:
    """'alive at 12 months' for a pooled reported landmark rate (keys ``os_12m``, ``pfs_6m``), else None."""
    if not LANDMARK_KEY.match(row.key):
        return None
    alive = "alive" if row.key.startswith("os_") else "alive without progression"
    return f"{alive} at {row.outcome.rsplit(' at ', 1)[1]}"


def _what(row) -> str:
    if row.key == "orr":
        return "an objective response"
    if row.key == "dcr":
        return "disease control"
    return row.outcome.replace("Grade ≥3", "grade ≥3")


def _per100(v: float) -> str:
    return f"{100 * v:.0f}"


def _intervals(row) -> tuple[str, tuple[float, float] | None]:
    """'95% CI 6 to 25; in a new cohort 1 to 55' and the widest of the two intervals."""
    level = getattr(getattr(row, "result", None), "level", 0.95)
    ci = f"{100 * level:g}% CI {_per100(row.ci_low)} to {_per100(row.ci_high)}"
    pooled = getattr(row, "result", None)
    lo, hi = getattr(pooled, "pi_low", float("nan")), getattr(pooled, "pi_high", float("nan"))
    if row.k < 2 or lo != lo or hi != hi:
        return ci, (row.ci_low, row.ci_high)
    return (f"{ci}; in a new cohort {_per100(lo)} to {_per100(hi)}, the prediction interval",
            (min(lo, row.ci_low), max(hi, row.ci_high)))


def statement(row, intervention: str = INTERVENTION) -> str:
    """Plain-language statement of one SofRow: an informative statement for a non-comparative
    estimate, worded by its certainty and tied to its intervals (module docstring)."""
    rating = row.certainty.rating
    if row.scale == "median":
        what = "progression-free survival" if row.key.startswith("pfs") else "overall survival"
        level = getattr(getattr(row, "result", None), "level", 0.95)
        value = (f"about {row.estimate:.1f} months ({100 * level:g}% CI {row.ci_low:.1f} to {row.ci_high:.1f} "
                 "months)")
        if rating == "very low":
            return f"The evidence is very uncertain about the median {what} on {intervention}: {value}."
        modal = {"high": "is", "moderate": "is probably", "low": "may be"}[rating]
        return f"The median {what} on {intervention} {modal} {value}."
    intervals, (lo, hi) = _intervals(row)
    words = band(lo, hi)
    size = f"about {_per100(row.estimate)} in 100 patients" + (f", {words}" if words else "")
    landmark = _landmark(row)
    if rating == "very low":
        verb = f"are {landmark}" if landmark else f"have {_what(row)}"
        return f"The evidence is very uncertain about how many patients on {intervention} {verb}: {size} ({intervals})."
    if landmark:
        modal = {"high": "are", "moderate": "are probably", "low": "may be"}[rating]
        return f"On {intervention}, {size}{',' if words else ''} {modal} {landmark} ({intervals})."
    modal = {"high": "have", "moderate": "probably have", "low": "may have"}[rating]
    return f"On {intervention}, {size}{',' if words else ''} {modal} {_what(row)} ({intervals})."


@dataclass(frozen=True)
class Footnotes:
    """Footnote letters per row (in row order) and the footnotes' text, letter by letter."""

    letters: tuple[tuple[str, ...], ...]
    notes: tuple[tuple[str, str], ...]


def footnotes(rows) -> Footnotes:
    """One letter per distinct downgrade sentence, then per remark (a domain not downgraded that
    a reader needs); rows sharing a sentence share its letter."""
    seen: dict[str, str] = {}
    letters = []
    for r in rows:
        mine = []
        for text in (*r.certainty.explanations, *getattr(r.certainty, "remarks", ())):
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
    # the footnotes quote the data (indirectness reasons): escaped like every cell
    lines = [f"({letter}) {md(text)}" for letter, text in notes]
    body = "\n\n".join(([note] if note else []) + lines)
    return f"{table}\n\n{body}\n" if body else table
