"""A changelog entry: one :class:`living_review.release.compare.Comparison` as MyST Markdown.

The entry lists, in order: whether the evidence data and the analysis parameters changed,
the studies added and removed, the corrections from the discrepancy records, the headline
conclusions followed by name (previous value, current value and flags), every estimate
published by both versions that moved, old value next to new, and the withdrawn ones; the
estimates first published in the current version are counted by ledger family (the first
part of their key), since their values have nothing to be compared with.
"""

from __future__ import annotations

from living_review.release.compare import Comparison, EstimateChange
from living_review.report.dictionary import latex_columns
from living_review.report.markup import code, md

# PDF column widths (fractions of the line) of the entry's two tables
HEADLINE_WIDTHS = (0.3, 0.22, 0.22, 0.24)
ESTIMATE_WIDTHS = (0.28, 0.1, 0.18, 0.18, 0.24)


def _interval_text(change: EstimateChange, digits: int) -> tuple[str, str]:
    old = change.previous.text(digits) if change.previous else "not published"
    new = change.current.text(digits) if change.current else "no longer published"
    return old, new


def _flag_text(change: EstimateChange) -> str:
    return "; ".join(change.flags()) if change.flagged else ""


def render_markdown(comparison: Comparison, digits: int = 3) -> str:
    """The changelog entry for ``comparison`` as MyST Markdown (a level-2 heading and lists)."""
    c = comparison
    out = [f"## Version {c.current_version} (compared with {c.previous_version})", ""]
    out.append(f"- Evidence data: {'changed' if c.data_changed else 'unchanged'}.")
    # every value below comes from data or summaries: escaped, so it is shown literally
    out.append(f"- Analysis parameters: {md('; '.join(c.parameters_changed)) if c.parameters_changed else 'unchanged'}.")
    out.append(f"- Studies added: {md(', '.join(c.studies_added)) or 'none'}.")
    out.append(f"- Studies removed: {md(', '.join(c.studies_removed)) or 'none'}.")
    out += ["", "### Corrections", ""]
    out += [f"- {md(corr.summary())}" for corr in c.corrections] or ["None."]
    if c.headlines:
        out += ["", "### Headline conclusions", "", latex_columns(HEADLINE_WIDTHS).rstrip(), ""]
        out += ["| Conclusion | Previous (CI) | Now (CI) | Flag |", "|---|---|---|---|"]
        for h in c.headlines:
            old, new = _interval_text(h.change, digits)
            out.append(f"| {md(h.label)} | {md(old)} | {md(new)} | {md(_flag_text(h.change))} |")
        out += ["", "Analyses carrying each conclusion (previous → now, by ledger key):", ""]
        out += [f"- {md(h.label)}: {code(h.previous_key or 'none')} → {code(h.current_key or 'none')}"
                for h in c.headlines]
    out += ["", "### Estimates that changed", ""]
    changed = [e for e in c.moved if e.status != "added"]
    added = [e for e in c.moved if e.status == "added"]
    if not changed:
        out.append("No pooled estimate of the previous version changed or was withdrawn.")
    else:
        out += [latex_columns(ESTIMATE_WIDTHS).rstrip(), ""]
        out += ["| Estimate | Outcome | Previous (CI) | Now (CI) | Flag |", "|---|---|---|---|---|"]
        for e in changed:
            old, new = _interval_text(e, digits)
            out.append(f"| {md(e.key)} | {md(e.outcome)} | {md(old)} | {md(new)} | {md(_flag_text(e))} |")
    if added:
        out += ["", f"Estimates first published in version {c.current_version}: {len(added)} "
                f"({_by_family(added)}); their values are in the chapters and in the release summary."]
    return "\n".join(out) + "\n"


def _by_family(changes: list[EstimateChange]) -> str:
    counts: dict[str, int] = {}
    for change in changes:
        family = change.key.split(".", 1)[0]
        counts[family] = counts.get(family, 0) + 1
    return ", ".join(f"{family} {n}" for family, n in sorted(counts.items()))
