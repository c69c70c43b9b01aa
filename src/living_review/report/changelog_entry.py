"""A changelog entry: one :class:`living_review.versions.compare.Comparison` as a "What's new".

The entry says, for readers and in this order: what the version's data rest on (the
search), the cohorts and studies added and removed, by name with a citation, what happened
to the evidence data, the corrections as plain sentences, each headline conclusion from
the previous version to this one (with whether its direction or the reading of its CI
changed), the analysis parameters if they changed, and the other estimates that moved.

Every sentence is computed from the same lists as the tables beside it, so the text cannot
claim "unchanged" over a table of changes: counts in the text are the lengths of those
lists. When the previous release is the reproduction of the previous review (scope
``reproduction``), the headline table gives the values the previous review *published*
(:mod:`living_review.versions.published`) beside the values version 0 reproduced, and says
where version 0 did not reproduce a published value.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from living_review.core.markup import md
from living_review.core.words import count
from living_review.meta.options import TAU2_METHODS, TRANSFORMS
from living_review.report.dictionary import latex_columns
from living_review.versions.amendments import Amendment
from living_review.versions.analysis_changes import AnalysisChange
from living_review.versions.compare import Comparison, EstimateChange, Interval
from living_review.versions.published import PublishedValue

REPRODUCTION_SCOPE = "reproduction"
HEADLINE_WIDTHS = (0.24, 0.2, 0.2, 0.36)
REPRODUCTION_WIDTHS = (0.2, 0.16, 0.2, 0.16, 0.28)
ESTIMATE_WIDTHS = (0.36, 0.2, 0.2, 0.24)
NEW_WIDTHS = (0.6, 0.4)
#: a release adding this many new estimates or fewer lists each of them in its entry
MAX_LISTED_NEW = 20


@dataclass(frozen=True)
class Study:
    """How a cohort is named and cited: ``group`` is the same for the cohorts of one study."""

    label: str
    group: str
    cite_key: str | None = None


@dataclass(frozen=True)
class EntryContext:
    """What an entry needs beyond the two summaries (all optional).

    Attributes
    ----------
    studies : study_id -> :class:`Study` (else a cohort is named by its id and is its own study).
    published : headline name -> value the previous review printed.
    previous_review : how the previous review is named ("Cao 2024").
    search : scope name -> one sentence on the search its data rest on.
    chapters : ledger chapter name -> chapter title, to name estimates.
    thresholds : outcome -> reading threshold (``review.yml`` ``releases.thresholds``).
    """

    studies: dict[str, Study] = field(default_factory=dict)
    published: dict[str, PublishedValue] = field(default_factory=dict)
    previous_review: str = "the previous review"
    search: dict[str, str] = field(default_factory=dict)
    chapters: dict[str, str] = field(default_factory=dict)
    thresholds: dict[str, float] = field(default_factory=dict)


def _study(ctx: EntryContext, sid: str) -> Study:
    return ctx.studies.get(sid) or Study(sid, sid)


def count_studies(ctx: EntryContext, ids) -> int:
    """Number of studies among cohorts ``ids`` (cohorts of one paper are one study)."""
    return len({_study(ctx, s).group for s in ids})


def cohorts_text(ctx: EntryContext, ids) -> str:
    ids = tuple(ids)
    return f"{count(len(ids), 'cohort')} from {count(count_studies(ctx, ids), 'study')}"


def _named(ctx: EntryContext, sid: str) -> str:
    s = _study(ctx, sid)
    # labels come from data: escaped, so they are shown as written
    return f"{md(s.label)} {{cite:p}}`{s.cite_key}`" if s.cite_key else md(s.label)


def _value(interval: Interval | None, digits: int, missing: str) -> str:
    return interval.text(digits) if interval else missing


def _reading(ctx: EntryContext, outcome: str, old: Interval | PublishedValue | None, new: Interval | None) -> str:
    """What changed in a conclusion: direction against the threshold, and its CI's reading."""
    if old is None:
        return "new in this version"
    if new is None:
        return "no longer reported"
    t = ctx.thresholds.get(outcome)
    moved = abs(new.estimate - old.estimate) > 1e-9
    if t is None:
        return "estimate moved" if moved else "unchanged"

    def side(x: float) -> str:
        return "above" if x > t else "below" if x < t else "at"

    def ci(i) -> str | None:
        if getattr(i, "ci_low", None) is None or getattr(i, "ci_high", None) is None:
            return None
        return "excludes" if (i.ci_low > t or i.ci_high < t) else "includes"

    a, b = side(old.estimate), side(new.estimate)
    parts = [f"direction changed: {a} {t:g} before, {b} now" if a != b else f"same direction ({b} {t:g})"]
    ci_a, ci_b = ci(old), ci(new)
    if ci_a is None:
        parts.append(f"the CI now {ci_b} {t:g} (no CI published before)")
    elif ci_a != ci_b:
        parts.append(f"the CI {ci_a} {t:g} before and {ci_b} it now")
    else:
        parts.append(f"the CI {ci_b} {t:g} in both")
    return "; ".join(parts)


def _headline_rows(c: Comparison, ctx: EntryContext, digits: int) -> list[str]:
    reproduction = c.previous_scope == REPRODUCTION_SCOPE and bool(ctx.published)
    if reproduction:
        out = [latex_columns(REPRODUCTION_WIDTHS).rstrip(), "",
               f"| Conclusion | {ctx.previous_review}, as published | Version {c.previous_version} "
               f"(reproduction) | Now ({c.current_version}) | Change since {ctx.previous_review} |", "|---|---|---|---|---|"]
    else:
        out = [latex_columns(HEADLINE_WIDTHS).rstrip(), "",
               f"| Conclusion | Version {c.previous_version} | Now ({c.current_version}) | What changed |", "|---|---|---|---|"]
    for h in c.headlines:
        ch = h.change
        new = _value(ch.current, digits, "not reported")
        if reproduction:
            pub = ctx.published.get(h.name)
            old = _value(ch.previous, digits, f"not in {c.previous_version}")
            if pub is not None and ch.previous is not None:
                ok = pub.reproduced_by(ch.previous.estimate, ch.previous.ci_low, ch.previous.ci_high)
                old += "; reproduces it" if ok else "; does not reproduce it"
            reading = _reading(ctx, ch.outcome, pub, ch.current) if pub else _reading(ctx, ch.outcome, ch.previous, ch.current)
            out.append(f"| {md(h.label)} | {md(pub.text()) if pub else 'not published'} | {md(old)} | {md(new)} "
                       f"| {md(reading)} |")
        else:
            old = _value(ch.previous, digits, "not reported")
            out.append(f"| {md(h.label)} | {md(old)} | {md(new)} | {md(_reading(ctx, ch.outcome, ch.previous, ch.current))} |")
    return out


# the engine's option codes, printed as the chapters print them
CODES = {c.lower(): c for c in (*TRANSFORMS, *TAU2_METHODS, "GLMM", "ATC")}


def _key_words(part: str, outcome: str, ctx: EntryContext) -> str:
    """One ledger-key part in a reader's words: study ids become cohort names, option codes are
    upper-case, and a part the outcome already says ("grade3", the term) is dropped."""
    if part.lower() == outcome.lower() or (part.lower() == "grade3" and ">=3" in outcome):
        return ""
    if part.replace("_", " ").lower() in outcome.lower():
        return ""
    for prefix, words in (("upto_", "up to "), ("", "")):
        sid = part[len(prefix):] if part.startswith(prefix) else None
        if sid is not None and sid in ctx.studies:
            return words + ctx.studies[sid].label
    return " ".join(CODES.get(w.lower(), w) for w in part.replace("_", " ").split())


def estimate_label(change: EstimateChange, ctx: EntryContext, chapter: str = "") -> str:
    """A reader's name for a ledger estimate: outcome, what was pooled, and its chapter."""
    parts = change.key.split(".")
    rest = [w for w in (_key_words(p, change.outcome, ctx) for p in parts[1:]) if w]
    title = ctx.chapters.get(chapter, "")
    text = f"{change.outcome}, {', '.join(rest)}" if rest else change.outcome
    return f"{text} ({title})" if title else text


def thresholds_sentence(ctx: EntryContext) -> str:
    """Where the reading thresholds are set, and their values."""
    values = ", ".join(f"{outcome} {value:.2f}" for outcome, value in sorted(ctx.thresholds.items()))
    return (f"Each conclusion is read against its threshold, set in the review's configuration (review.yml, "
            f"section releases, thresholds): {values}. \"Direction changed\" means the estimate now lies on the "
            "other side of its threshold; the interval's reading says whether it includes the threshold.")


def _flag_text(e: EstimateChange, ctx: EntryContext) -> list[str]:
    t = ctx.thresholds.get(e.outcome)
    words = {"direction changed": f"direction changed against {e.outcome} {t:g}" if t is not None else "direction changed",
             "significance changed": f"the CI's reading against {t:g} changed" if t is not None else "significance changed"}
    return [words.get(f, f) for f in e.flags()] if e.flagged else []


def _analysis_sentence(changes: tuple[AnalysisChange, ...]) -> str:
    exact = [a for a in changes if a.exact]
    other = [a for a in changes if not a.exact]
    parts = []
    if exact:
        one = len(exact) == 1
        parts.append(f"{count(len(exact), 'estimate')} that {'rests' if one else 'rest'} on one study "
                     f"{'is' if one else 'are'} now reported with that study's exact (Clopper-Pearson) "
                     f"interval instead of a pooled one")
    if other:
        parts.append(f"{count(len(other), 'estimate')} {'is' if len(other) == 1 else 'are'} computed differently "
                     "from the same inputs")
    return (f"{count(len(changes), 'estimate')} moved with the same inputs, a change in analysis rather than in "
            f"the evidence: {'; '.join(parts)}. Each is marked in the table of other estimates below.")


def render_markdown(comparison: Comparison, digits: int = 3, context: EntryContext | None = None,
                    chapters_of: dict[str, str] | None = None, *, released: str | None = None,
                    analysis: tuple[AnalysisChange, ...] = (), amendments: tuple[Amendment, ...] = ()) -> str:
    """The changelog entry for ``comparison`` as MyST Markdown (a level-2 heading, paragraphs, tables).

    ``chapters_of`` maps ledger keys to the chapter that published them (for the estimates' names);
    ``released`` is the release date of the current version (its search line lists only searches
    up to it, as the context's sentence must); ``analysis`` the estimates that moved with the
    same inputs (:mod:`living_review.versions.analysis_changes`); ``amendments`` the protocol
    amendments this version made (:mod:`living_review.versions.amendments`).
    """
    c, ctx = comparison, context or EntryContext()
    chapters_of = chapters_of or {}
    out = [f"## Version {c.current_version} (compared with {c.previous_version})", ""]
    if c.current_scope in ctx.search:
        when = f"Released {released}; searches up to that day. " if released else ""
        out += [f"**Search.** {md(when + ctx.search[c.current_scope])}", ""]

    out.append(f"**Studies.** Version {c.current_version} holds {cohorts_text(ctx, c.current_studies)}; "
               f"version {c.previous_version} held {cohorts_text(ctx, c.previous_studies)}.")
    out.append("")
    for verb, ids in (("Added", c.studies_added), ("Removed", c.studies_removed)):
        if ids:
            out += [f"{verb}: {cohorts_text(ctx, ids)}:", ""] + [f"- {_named(ctx, s)}" for s in ids] + [""]
        else:
            out += [f"{verb}: none.", ""]

    same_data = not c.data_changed
    if same_data and (c.studies_added or c.studies_removed):
        data = (f"Both versions were built from the same data files; version {c.previous_version} held only part "
                f"of them (its scope: {c.previous_scope or 'not recorded'}), so the cohorts above are what "
                f"version {c.current_version} adds to what {c.previous_version} showed.")
    elif same_data:
        data = "The data files are the same as in the previous version."
    else:
        data = ("The data files changed" + (", and the cohorts listed above were added or removed."
                                             if c.studies_added or c.studies_removed else
                                             ", but no cohort was added or removed") )
        if not (c.studies_added or c.studies_removed):
            data += (f"; {count(len(c.corrections), 'correction')} {'is' if len(c.corrections) == 1 else 'are'} "
                     f"recorded for this release.")
    out += [f"**Evidence data.** {data}", ""]

    labels = {sid: s.label for sid, s in ctx.studies.items()}
    if c.corrections:
        out += [f"**Corrections.** {count(len(c.corrections), 'correction')} recorded for this release:", ""]
        out += [f"- {md(corr.sentence(labels))}" for corr in c.corrections] + [""]
    else:
        out += ["**Corrections.** None recorded for this release.", ""]

    if amendments:
        out += [f"**Protocol amendments.** {count(len(amendments), 'amendment')} made in this version:", ""]
        out += [f"- {a.markdown()}" for a in amendments] + [""]

    if c.headlines:
        out += ["**Headline conclusions.**", ""] + _headline_rows(c, ctx, digits) + [""]
        if ctx.thresholds:
            out += [md(thresholds_sentence(ctx)), ""]

    if c.parameters_changed:
        text = f"**Analysis parameters.** Changed: {md('; '.join(p.replace(' -> ', ' → ') for p in c.parameters_changed))}."
        out += [text + (f" {md(_analysis_sentence(analysis))}" if analysis else ""), ""]
    elif analysis:
        out += [f"**Analysis parameters.** The analysis settings are unchanged, but "
                f"{md(_analysis_sentence(analysis))}", ""]
    else:
        out += ["**Analysis parameters.** Unchanged.", ""]
    why = {a.key: ("analysis changed: exact interval of one study" if a.exact else "analysis changed: same inputs")
           for a in analysis}

    both = [e for e in c.estimates if e.previous is not None and e.current is not None]
    changed = [e for e in c.moved if e.status != "added"]
    added = [e for e in c.moved if e.status == "added"]
    text = (f"**Other estimates.** Both versions publish {count(len(both), 'estimate')} "
            + ("under the same names" if analysis else "under the same analysis"))
    moved = [e for e in changed if e.status == "moved"]
    removed = [e for e in changed if e.status == "removed"]
    text += f"; {len(moved)} of them moved" if moved else "; none of them moved"
    if removed:
        text += f", and {count(len(removed), 'estimate')} of version {c.previous_version} {'is' if len(removed) == 1 else 'are'} no longer published"
    text += "."
    if added:
        by_chapter: dict[str, int] = {}
        for e in added:
            title = ctx.chapters.get(chapters_of.get(e.key, ""), "") or "chapter not recorded"
            by_chapter[title] = by_chapter.get(title, 0) + 1
        where = "; ".join(f"{title} {n}" for title, n in sorted(by_chapter.items()))
        text += (f" Version {c.current_version} publishes {count(len(added), 'new estimate')} ({where})"
                 + (", listed below." if len(added) <= MAX_LISTED_NEW else
                    "; their values are in the chapters and in the release summary."))
    if c.headlines and any(h.previous_key != h.current_key for h in c.headlines) and not changed:
        text += (" The headline conclusions above moved because the updated analyses carry them, "
                 "not because a shared estimate changed.")
    out += [text, ""]
    if changed:
        out += [latex_columns(ESTIMATE_WIDTHS).rstrip(), ""]
        out += [f"| Estimate | Version {c.previous_version} | Now | Flag |", "|---|---|---|---|"]
        for e in changed:
            old = _value(e.previous, digits, "not published")
            new = _value(e.current, digits, "no longer published")
            flags = "; ".join([*_flag_text(e, ctx), *([why[e.key]] if e.key in why else [])])
            out.append(f"| {md(estimate_label(e, ctx, chapters_of.get(e.key, '')))} | {md(old)} | {md(new)} | {md(flags)} |")
    if added and len(added) <= MAX_LISTED_NEW:
        out += ["", latex_columns(NEW_WIDTHS).rstrip(), "", "| New estimate | Now |", "|---|---|"]
        out += [f"| {md(estimate_label(e, ctx, chapters_of.get(e.key, '')))} | "
                f"{md(_value(e.current, digits, 'not published'))} |" for e in added]
    return "\n".join(out).rstrip() + "\n"

