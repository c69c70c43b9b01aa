"""Quoted extraction: every extracted value of ``studies.csv`` stands on a quote of its source.

``quotes.csv`` holds one row per study and field: the source code and locator, a short
verbatim quote, and, for a value that is not printed, the declared derivation that gives it
from quoted numbers. :func:`value_rules` and :func:`correction_rules` check that

- a quoted value appears in its quote (a number as a number of the quote, ``4`` not inside
  ``14``; an identifier as text; a date by its year and month), and that a cell a quote
  speaks for is not empty;
- a derived value follows from its derivation with exactly one possible answer
  (:data:`DERIVATIONS`), from inputs that are themselves quoted or derived;
- a resolved correction in ``discrepancies.csv`` has a quote with its ``discrepancy_id``;
- (:mod:`living_review.data.quote_judgements`) a risk-of-bias support saying a topic is "not
  reported" is flagged for a human when a quote of the same study and source contains its word.

Values without a quote are listed per study as warnings; :func:`quote_counts` counts the
quoted, derived and unquoted values (``living-review validate`` prints them).

Example
-------
>>> numbers_in("CR 1 (2.4%), PR 4 (9.5%); nine had stable disease")
(1.0, 2.4, 4.0, 9.5, 9.0)
>>> percent_candidates("ORR 24%", 17)
(4,)
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from living_review.core.problems import Problem

Row = tuple[int, dict[str, Any]]
#: the studies.csv values that need a quote (counts, medians, intervals, dates, doses, identifiers)
QUOTED_FIELDS: tuple[str, ...] = (
    "n_enrolled", "n_evaluable_response", "n_safety", "cr", "pr", "sd", "pd", "ne", "orr_events", "orr_n",
    "dcr_events", "dcr_n", "pfs_median", "pfs_ci_lower", "pfs_ci_upper", "pfs_ci_level", "os_median",
    "os_ci_lower", "os_ci_upper", "os_ci_level", "pub_date", "dose_mg_per_day", "doi", "pmid", "registry_id",
)
TEXT_FIELDS = ("doi", "pmid", "registry_id")
#: the declared derivations: name -> what the value must be
DERIVATIONS: dict[str, str] = {
    "sum": "sum(a, b, ...): the sum of the named fields of the same row",
    "difference": "difference(a, b, ...): a minus the other named fields",
    "zero_remainder": "zero_remainder(total, a, b, ...): 0, because total - a - b - ... = 0 leaves "
                      "nothing for the counts not printed",
    "percent": "percent(n_field) or percent(n_field, i): the only integer k of 0..n whose 100k/n rounds "
               "to the one (or the i-th) percentage of the quote, at its printed decimals",
    "multiple": "multiple(k): k times the one dose in mg of the quote (a dose given k times a day)",
    "same": "same(field): the number of another field of the row (one group of patients, two rates)",
}
_NUMBER = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)(?![\d])")
_PERCENT = re.compile(r"(?<![\w.])(\d+(?:\.(\d+))?)\s*%")
_REGISTRY = re.compile(r"\b(?:NCT\d{8}|UMIN\d{9}|EudraCT \d{4}-\d{6}-\d{1,2})\b")
_DOSE = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)\s*mg\b")
_CALL = re.compile(r"^([a-z_]+)\(([^()]*)\)$")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH = re.compile(r"\b(" + "|".join(_MONTHS) + r")[a-z]*\b", re.I)


@dataclass(frozen=True)
class QuoteCounts:
    """How many values of ``QUOTED_FIELDS`` are quoted, derived and unquoted, and which are unquoted."""

    quoted: int
    derived: int
    unquoted: int
    unquoted_by_study: tuple[tuple[str, tuple[str, ...]], ...]

    def line(self) -> str:
        return (f"values: {self.quoted} quoted, {self.derived} derived, {self.unquoted} unquoted "
                f"({len(self.unquoted_by_study)} studies with unquoted values)")


_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
          "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty")
_WORD = re.compile(r"\b(" + "|".join(_WORDS) + r")\b", re.I)


def numbers_in(text: str) -> tuple[float, ...]:
    """The numbers written in ``text``, in digits or as words up to twenty (``14/27`` gives 14 and 27;
    ``four patients`` gives 4; ``S-3`` gives 3)."""
    words = tuple(float(_WORDS.index(w.lower())) for w in _WORD.findall(text))
    return tuple(float(m) for m in _NUMBER.findall(text)) + words


def percent_candidates(quote: str, n: int, which: int | None = None) -> tuple[int, ...] | None:
    """The counts of ``n`` that the percentage of ``quote`` can be: its only one, or its ``which``-th
    (from 1); None when there is no such percentage."""
    found = _PERCENT.findall(quote)
    if which is None and len(found) != 1 or which is not None and not 1 <= which <= len(found):
        return None
    value, decimals = float(found[(which or 1) - 1][0]), len(found[(which or 1) - 1][1])
    half = 0.5 * 10 ** -decimals + 1e-9
    return tuple(k for k in range(n + 1) if abs(100 * k / n - value) <= half) if n > 0 else ()


def _text(value: Any) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _shows(value: Any, field: str, quote: str) -> str | None:
    """Why ``quote`` does not show ``value``, or None when it does."""
    if field in TEXT_FIELDS:  # one of the identifiers of the cell; all of them: checked over all its quotes
        found = [p for p in str(value).split("; ") if p.lower() in quote.lower()]
        if found:
            return None
        named = [m for m in _REGISTRY.findall(quote) if m.lower() not in str(value).lower()]
        return f"the quote gives {', '.join(named)}, which the cell does not hold" if named else \
            f"{value} is not in the quote"
    if field == "pub_date":
        year, month = str(value)[:4], str(value)[5:7]
        if year not in _NUMBER.findall(quote) and not re.search(rf"\b{year}\b", quote):
            return f"the year {year} is not in the quote"
        named = {_MONTHS.index(m.lower()[:3]) + 1 for m in _MONTH.findall(quote)}
        if month and int(month) not in named and not re.search(rf"\b{year}-{month}\b", quote):
            return f"the month {month} of {value} is not in the quote"
        if not month and named:
            return "the quote gives a month that pub_date leaves out"
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None if str(value).lower() in quote.lower() else f"{value!r} is not in the quote"
    return None if any(abs(x - float(value)) < 1e-9 for x in numbers_in(quote)) else \
        f"{_text(value)} is not a number of the quote"


def _derive(spec: str, value: Any, row: dict[str, Any], quote: str) -> str | None:
    """Why ``value`` does not follow from the derivation ``spec``, or None when it does (uniquely)."""
    m = _CALL.match(spec.strip())
    if not m or m.group(1) not in DERIVATIONS:
        return f"unknown derivation {spec!r} (use one of: {'; '.join(DERIVATIONS.values())})"
    kind, args = m.group(1), [a.strip() for a in m.group(2).split(",") if a.strip()]
    if kind == "multiple":
        numbers = [float(m) for m in _DOSE.findall(quote)]
        if len(args) != 1 or not args[0].isdigit() or len(numbers) != 1:
            return "multiple(k) needs an integer k and a quote with exactly one dose in mg"
        expected = int(args[0]) * numbers[0]
        return None if abs(float(value) - expected) < 1e-9 else f"{_text(value)} is not {args[0]} x {_text(numbers[0])}"
    which = None
    if kind == "percent" and len(args) == 2 and args[1].isdigit():
        which, args = int(args[1]), args[:1]
    empty = [a for a in args if row.get(a) is None]
    if not args or empty:
        return f"{kind} needs filled fields of the same row (empty or unknown: {', '.join(empty) or 'none given'})"
    vals = [row[a] for a in args]
    if kind == "percent":
        found = percent_candidates(quote, int(vals[0]), which)
        if found is None:
            return ("percent(n_field) needs a quote with exactly one percentage, percent(n_field, i) one with "
                    "an i-th")
        if len(found) != 1:
            return (f"{_text(vals[0])} patients fit {' or '.join(map(str, found)) or 'no count'}: "
                    "not one possible answer")
        return None if found[0] == value else f"the percentage fits {found[0]} of {_text(vals[0])}, not {_text(value)}"
    if kind == "same":
        if len(vals) != 1:
            return "same(field) names exactly one field"
        expected = vals[0]
    elif kind == "sum":
        expected = sum(vals)
    elif kind == "difference":
        expected = vals[0] - sum(vals[1:])
    else:  # zero_remainder
        rest = vals[0] - sum(vals[1:])
        if rest != 0:
            return f"{args[0]} - {' - '.join(args[1:])} = {_text(rest)}, not 0"
        expected = 0
    return None if abs(float(value) - float(expected)) < 1e-9 else \
        f"{_text(value)} is not {kind}({', '.join(args)}) = {_text(expected)}"


def _inputs(spec: str) -> list[str]:
    m = _CALL.match(spec.strip())
    if not m or m.group(1) == "multiple":
        return []
    return [a.strip() for a in m.group(2).split(",") if a.strip() and not a.strip().isdigit()]


def _clip(text: str, n: int = 160) -> str:
    return text if len(text) <= n else text[: n - 3] + "..."


def value_rules(f_quotes: str, quotes: list[Row], f_studies: str, studies: list[Row],
                discrepancies: list[Row]) -> list[Problem]:
    """Each quoted or derived value of ``studies.csv`` against its quote; the unquoted values per study."""
    return list(_value_problems(f_quotes, quotes, f_studies, studies, discrepancies)) + \
        unquoted_warnings(f_studies, quotes, studies)


def correction_rules(f_disc: str, discrepancies: list[Row], quotes: list[Row]) -> list[Problem]:
    """A resolved correction of ``discrepancies.csv`` without a supporting quote."""
    return list(_correction_problems(f_disc, discrepancies, quotes))


def _by_study(studies: list[Row]) -> dict[str, Row]:
    return {v["study_id"]: (line, v) for line, v in studies if v.get("study_id")}


def _value_problems(fq: str, quotes: list[Row], fs: str, studies: list[Row],
                    discrepancies: list[Row]) -> Iterator[Problem]:
    if not studies:  # an empty studies.csv is reported there, once
        return
    by_id = _by_study(studies)
    columns = set(studies[0][1])
    disc = {v.get("discrepancy_id"): v for _, v in discrepancies}
    held = {(q["study_id"], q["field"]) for _, q in quotes}
    reported: set[tuple[str, str]] = set()
    for qline, q in quotes:
        sid, field, quote = q["study_id"], q["field"], q.get("quote") or ""
        did = q.get("discrepancy_id")
        if did is not None and did not in disc:
            yield Problem(fq, qline, "discrepancy_id", f"{did} is not in discrepancies.csv (correct the id)")
        if sid not in by_id:
            yield Problem(fq, qline, "study_id", f"unknown study {sid!r} (use a study_id of studies.csv)")
            continue
        if field not in columns:
            if did is None or disc.get(did, {}).get("field") != field:
                yield Problem(fq, qline, "field", f"{field!r} is not a column of studies.csv (name the column "
                              "the quote gives, or the field of the discrepancy in discrepancy_id)")
            continue
        sline, row = by_id[sid]
        value, spec = row.get(field), q.get("derivation")
        where = f"{fs}:{sline} {sid} {field}"
        if value is None:
            yield Problem(fs, sline, field, f"{sid}: the cell is empty but {fq}:{qline} quotes its value: "
                          f"'{_clip(quote)}' ({q['source']}; fill the cell from the quote, or delete the quote)")
            continue
        if field not in QUOTED_FIELDS and (isinstance(value, (bool, str))):
            continue  # a judgement (design, eligibility): the quote supports it, a person reads it
        why = _derive(spec, value, row, quote) if spec else _shows(value, field, quote)
        if why:
            what = f"derivation {spec}" if spec else "quote"
            yield Problem(fs, sline, field, f"{sid}: {field} = {_text(value)} does not match its {what} "
                          f"({fq}:{qline}, {q['source']}, {q['locator']}: '{_clip(quote)}'): {why} "
                          "(correct the value, or the quote if it was miscopied)")
        if field in TEXT_FIELDS and not spec:
            texts = " ".join(x.get("quote") or "" for _, x in quotes if (x["study_id"], x["field"]) == (sid, field))
            lost = [p for p in str(value).split("; ") if p.lower() not in texts.lower()]
            if lost and (sid, field) not in reported:
                reported.add((sid, field))
                yield Problem(fs, sline, field, f"{sid}: {'; '.join(lost)} is in none of the quotes of {field} "
                              f"(quote its source in {fq}, or correct the value)")
        for name in _inputs(spec or ""):
            if (sid, name) not in held and row.get(name) is not None:
                yield Problem(fq, qline, "derivation", f"{where}: input {name} has no quote (quote it first; a "
                              "derivation stands on quoted numbers)")


def _correction_problems(fd: str, discrepancies: list[Row], quotes: list[Row]) -> Iterator[Problem]:
    supported = {q.get("discrepancy_id") for _, q in quotes if q.get("discrepancy_id") and q.get("quote")}
    for line, d in discrepancies:
        used = (d.get("value_used") or "").lower()
        if d.get("status") != "resolved" or used.startswith(("not encoded", "missing")):
            continue
        if d["discrepancy_id"] not in supported:
            yield Problem(fd, line, "status", f"{d['discrepancy_id']} ({d.get('study_id')}, {d.get('field')}) is a "
                          "resolved correction without a supporting quote (add the passage that supports "
                          f"'{_clip(d.get('value_used') or '', 80)}' to quotes.csv with discrepancy_id "
                          f"{d['discrepancy_id']}, or set status unresolved)")


def unquoted(quotes: list[Row], studies: list[Row]) -> dict[str, tuple[str, ...]]:
    """The filled ``QUOTED_FIELDS`` of each study that no quote speaks for."""
    held = {(q["study_id"], q["field"]) for _, q in quotes}
    out: dict[str, tuple[str, ...]] = {}
    for _, v in studies:
        missing = tuple(f for f in QUOTED_FIELDS if v.get(f) is not None and (v["study_id"], f) not in held)
        if missing:
            out[v["study_id"]] = missing
    return out


def unquoted_warnings(fs: str, quotes: list[Row], studies: list[Row]) -> list[Problem]:
    """One warning per study listing its values without a quote."""
    lines = {v["study_id"]: line for line, v in studies}
    return [Problem(fs, lines[sid], "-", f"{sid}: {len(fields)} value{'s' if len(fields) != 1 else ''} without a quote: {', '.join(fields)} "
                    "(add each to quotes.csv with its source, locator and verbatim quote, or its derivation)",
                    "warning") for sid, fields in unquoted(quotes, studies).items()]


def quote_counts(quotes: list[Row], studies: list[Row]) -> QuoteCounts:
    """The quoted, derived and unquoted values of ``QUOTED_FIELDS`` over every study."""
    kinds: dict[tuple[str, str], str] = {}
    for _, q in quotes:
        key = (q["study_id"], q["field"])
        kinds[key] = "derived" if q.get("derivation") else kinds.get(key, "quoted")
    quoted = derived = 0
    for _, v in studies:
        for f in QUOTED_FIELDS:
            kind = kinds.get((v["study_id"], f)) if v.get(f) is not None else None
            quoted += kind == "quoted"
            derived += kind == "derived"
    missing = unquoted(quotes, studies)
    return QuoteCounts(quoted, derived, sum(map(len, missing.values())),
                       tuple(sorted(missing.items())))
