"""The quote behind each number, for readers: one entry per study on the sources page.

Every extracted value of a study is shown with the words of its source it stands on
(``data/quotes.csv``): the value, the quote as printed, where it was read and the source code
(linked to its entry in the glossary above it), or the declared derivation from quoted
numbers. The page is in the appendix, so the PDF prints the same list. Every piece of text
from data is escaped (:func:`living_review.report.sources.myst_text`), which covers the
HTML and the LaTeX writers alike.

Example
-------
>>> import pandas as pd
>>> s = pd.DataFrame([{"study_id": "x2020", "label": "X 2020", "pr": 4}])
>>> q = pd.DataFrame([{"study_id": "x2020", "field": "pr", "source": "P-1", "locator": "abstract",
...                    "quote": "PR 4 (9.5%)", "quoted_from": "seed_text", "derivation": None,
...                    "discrepancy_id": None, "notes": None}])
>>> print(quotes_section(q, s))
X 2020
: partial responses 4: "PR 4 (9.5%)", abstract (source {term}`P-1`)
<BLANKLINE>
"""

from __future__ import annotations

import pandas as pd

from living_review.report.sources import myst_text

#: what a field means to a reader (fields not listed read with spaces for underscores)
FIELD_WORDS = {
    "n_enrolled": "patients enrolled", "n_evaluable_response": "patients evaluable for response",
    "n_safety": "safety population", "cr": "complete responses", "pr": "partial responses",
    "sd": "stable disease", "pd": "progressive disease", "ne": "not evaluable", "orr_events": "objective responses",
    "orr_n": "ORR denominator", "dcr_events": "disease control", "dcr_n": "DCR denominator",
    "pfs_median": "median PFS", "pfs_ci_lower": "PFS interval, lower", "pfs_ci_upper": "PFS interval, upper",
    "pfs_ci_level": "PFS interval level", "os_median": "median OS", "os_ci_lower": "OS interval, lower",
    "os_ci_upper": "OS interval, upper", "os_ci_level": "OS interval level", "pub_date": "publication date",
    "dose_mg_per_day": "dose (mg/day)", "doi": "DOI", "pmid": "PMID", "registry_id": "trial registration",
}
FROM_WORDS = {"seed_text": "", "extraction_notes": "; copied from the extraction notes",
              "rows_check": "; as quoted by the 2026-12 check of the 1.1.0 rows (page not held)"}


def _value(v) -> str:
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _filled(v) -> bool:
    return isinstance(v, str) and v.strip() != ""


def quotes_section(quotes: pd.DataFrame, studies: pd.DataFrame) -> str:
    """A MyST definition list: for each study (in the order of ``studies``), each quoted value.

    ``quotes`` has the columns of ``quotes.csv``; ``studies`` at least ``study_id`` and ``label``
    and the fields the quotes name.
    """
    missing = {"study_id", "field", "source", "locator", "quote", "quoted_from", "derivation",
               "discrepancy_id"} - set(quotes.columns)
    if missing:
        raise ValueError(f"quotes table lacks column(s) {sorted(missing)}")
    rows = {sid: r for sid, r in zip(studies["study_id"], studies.to_dict("records"))}
    lines: list[str] = []
    for sid in studies["study_id"]:
        mine = quotes[quotes["study_id"] == sid]
        if mine.empty:
            continue
        lines.append(myst_text(rows[sid].get("label") or sid))
        for q in mine.to_dict("records"):
            field = q["field"]
            what = FIELD_WORDS.get(field, field.replace("_", " "))
            value = _value(rows[sid].get(field)) if field in rows[sid] else ""
            head = f"{what} {value}".strip() if value else what
            if _filled(q.get("discrepancy_id")):
                head += f" (correction {q['discrepancy_id']})"
            text = f'"{q["quote"]}", {q["locator"]}'
            if _filled(q.get("derivation")):
                text = f"derived as {q['derivation']} from {text}"
            text += FROM_WORDS.get(q["quoted_from"], "")
            lines.append(f": {myst_text(head)}: {myst_text(text)} (source {{term}}`{q['source']}`)")
        lines.append("")
    return "\n".join(lines)
