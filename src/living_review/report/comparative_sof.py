"""The comparative summary of findings: one row per comparison and outcome rated in
``comparative_certainty.csv``, in GRADE's shape for comparisons.

Six columns: the outcome with the comparison and its setting; № of participants (studies);
the effect (the relative effect with its CI and its p-value as printed, each arm's risk or
median, and the difference with its CI: for a hazard ratio, GRADE's absolute effect, the
ratio and its limits applied to the comparator's landmark survival,
:mod:`living_review.appraisal.comparative_absolute`); the certainty
(:mod:`living_review.appraisal.comparative_certainty`) with footnote letters; and a
plain-language statement (Santesso et al. 2020): "results in" (high), "probably" (moderate),
"may" (low), and for very low "the evidence is very uncertain about the effect of …"; and,
labelled as a sensitivity analysis, the difference of the two arms' printed landmark rates
(binomial, Newcombe), which ignores censoring and the hazard ratio.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from living_review.analyses import comparative as cmp
from living_review.appraisal.certainty import CertaintyRating
from living_review.appraisal.comparative_absolute import absolute_effect
from living_review.appraisal.comparative_absolute import text as absolute_text
from living_review.appraisal.comparative_certainty import ComparativeProfile, rate_comparison
from living_review.core.markup import md
from living_review.report.dictionary import latex_columns
from living_review.report.sof_table import SYMBOLS, footnotes
from living_review.report.tables import markdown_source

#: PDF column widths (fractions of the line): the single-arm table's five columns and the sensitivity column
LATEX_WIDTHS = (0.17, 0.14, 0.22, 0.10, 0.19, 0.14)
#: the sensitivity column: the landmark difference from the two arms' printed rates, not from the hazard ratio
SENSITIVITY = "Sensitivity analysis"
_MODAL = {"high": "", "moderate": "probably ", "low": "may "}
_STAT_WORDS = {"median": "median", "average": "'average survival'"}


@dataclass(frozen=True)
class ComparativeRow:
    """One row of the comparative summary of findings."""

    comparison_id: str
    outcome: str
    setting: str
    intervention: str
    comparator: str
    allocation: str
    patients: int
    studies: int
    relative: str
    measure: str  # what the arm values are: "Alive at 1 year", "Median", ... ("" for counts)
    comparator_value: str
    tki_value: str
    difference: str
    direction: int  # +1 the TKI arm fares better, -1 worse, 0 no interval excludes no effect
    certainty: CertaintyRating
    sensitivity: str = ""  # the binomial difference of the two arms' printed rates ("" : none)


def _outcome(endpoint: str, band) -> str:
    if endpoint == "treatment_related_ae":
        return ("Treatment-related death (grade 5)" if band == "5" else
                f"Treatment-related adverse events, highest grade {band}")
    return {"OS": "Overall survival", "PFS": "Progression-free survival"}[endpoint]


def _survival(evidence, cid: str, endpoint: str, level: float):
    rows = evidence.comparisons[evidence.comparisons["comparison_id"] == cid]
    hr = cmp.hazard_ratio(evidence, cid, endpoint)
    if hr is not None:
        lms = cmp.landmark_differences(evidence, cid, endpoint, level)
        first = lms[0] if lms else None
        measure = "" if first is None else f"Alive at {first.label()}"
        comp = "—" if first is None else f"{first.comparator_pct:.1f}%"
        tki, diff, sens = "—", "—", ""
        if first is not None:
            # GRADE's absolute effect: the HR and its limits applied to the comparator's survival
            e = absolute_effect(first.comparator_pct / 100, hr.ratio, hr.ci_low, hr.ci_high)
            tki = f"{100 * e.survival:.1f}% (by the hazard ratio; {first.tki_pct:.1f}% as printed)"
            diff = f"{absolute_text(e)} points, from the hazard ratio"
            sens = f"{cmp.difference_text(first.primary)} points, difference of the two printed rates (Newcombe)"
        direction = 0 if hr.includes_null else (1 if hr.ratio < 1 else -1)
        printed = "CI, level not printed" if hr.ci_level != hr.ci_level else f"{hr.ci_level:g}% CI"
        p = f"; {hr.p_text()}" if hr.p_text() else ""
        return (f"HR {hr.ratio:g} ({printed} {hr.ci_low:g} to {hr.ci_high:g}{p})", measure, comp, tki, diff, hr.n,
                hr.includes_null, direction, sens)
    comp = rows[(rows["arm"] == "comparator") & (rows["endpoint"] == endpoint)].iloc[0]
    words = _STAT_WORDS.get(comp["statistic"], comp["statistic"])
    found = cmp.tki_time(evidence, rows, endpoint, comp["statistic"], comp["unit"])
    if found is None:
        raise ValueError(f"comparison {cid!r}: the TKI arm has no {words} of {endpoint} in {comp['unit']} to set "
                         "beside the comparator's (add it to comparisons.csv or studies.csv)")
    tki_value, n_tki = found[0], int(found[3])
    p = "" if pd.isna(comp["p_value"]) else f"p = {comp['p_value']:g}, "
    return ("not reported", words[0].upper() + words[1:], f"{comp['value']:.1f} {comp['unit']}",
            f"{tki_value:.1f} {comp['unit']}", f"{p}no interval reported", n_tki + int(comp["n"]), None, 0, "")


def _events(evidence, cid: str, band: str, level: float):
    hit = [e for e in cmp.event_differences(evidence, cid, level) if e.grade_band == band]
    if not hit:
        raise ValueError(f"comparison {cid!r} reports no treatment-related adverse events of grade {band} for both arms")
    e = hit[0]
    null = e.difference.ci_low <= 0 <= e.difference.ci_high
    direction = 0 if null else (-1 if e.difference.difference > 0 else 1)
    return ("not estimated", "", f"{e.comparator_events}/{e.comparator_n} ({100 * e.comparator_events / e.comparator_n:.1f}%)",
            f"{e.tki_events}/{e.tki_n} ({100 * e.tki_events / e.tki_n:.1f}%)",
            f"{cmp.difference_text(e.difference)} points", e.tki_n + e.comparator_n, null, direction, "")


def build_rows(evidence, rob_overall: dict[tuple[str, str], str], level: float = 0.95) -> list[ComparativeRow]:
    """One row per line of ``comparative_certainty.csv``; ``rob_overall`` maps (comparison,
    outcome) to the overall risk-of-bias judgement of that outcome with the tool for the
    comparison's design (:func:`living_review.report.comparative_risk_of_bias.overall_by_outcome`)."""
    out = []
    comps = evidence.comparisons
    for _, j in evidence.comparative_certainty.iterrows():
        cid, ep, band = j["comparison_id"], j["endpoint"], j["grade_band"]
        rows = comps[comps["comparison_id"] == cid]
        allocation = rows["allocation"].iat[0]
        if (cid, ep) not in rob_overall:
            raise ValueError(f"comparison {cid!r} has no risk-of-bias judgement of {ep} (assess that outcome in "
                             "risk_of_bias.csv)")
        if ep == "treatment_related_ae":
            rel, measure, comp, tki, diff, n, null, direction, sens = _events(evidence, cid, band, level)
        else:
            rel, measure, comp, tki, diff, n, null, direction, sens = _survival(evidence, cid, ep, level)
        rating = rate_comparison(ComparativeProfile(allocation, 1, n, rob_overall[cid, ep], int(j["indirectness"]),
                                                    j["indirectness_reason"], null))
        # the comparator's name without the composition the comparisons table gives in brackets
        comparator = rows["comparator"].iat[0].split(" (")[0]
        out.append(ComparativeRow(cid, _outcome(ep, band), j["setting"], j["intervention"], comparator,
                                  allocation, n, 1, rel, measure, comp, tki, diff, direction, rating, sens))
    return out


def statement(r: ComparativeRow) -> str:
    """Plain-language statement worded by the row's certainty (Santesso et al. 2020); the
    comparator is named in the row's outcome cell."""
    what, rating = r.outcome[0].lower() + r.outcome[1:], r.certainty.rating
    if rating == "very low":
        return f"The evidence is very uncertain about the effect of {r.intervention} on {what}."
    modal = _MODAL[rating]
    subject = r.intervention[0].upper() + r.intervention[1:]
    if r.direction == 0:
        verb = "result" if rating == "low" else "results"  # "may result", "probably results", "results"
        return f"{subject} {modal}{verb} in little to no difference in {what}."
    better = r.outcome.startswith(("Overall", "Progression"))
    base = ("improve" if better else "reduce") if r.direction > 0 else ("worsen" if better else "increase")
    change = base if rating == "low" else base + "s"
    return f"{subject} {modal}{change} {what}."


def _effect(r: ComparativeRow, pct: str) -> str:
    parts = [] if r.relative in ("not reported", "not estimated") else [f"{r.relative}."]
    arms = f"{r.comparator_value} with the comparator, {r.tki_value} with the TKI"
    if r.difference.startswith("p = ") or r.difference == "no interval reported":
        tail = r.difference
    else:
        tail = f"difference {r.difference} ({pct})"
    parts.append(f"{r.measure}: {arms}; {tail}." if r.measure else f"{arms[0].upper()}{arms[1:]}; {tail}.")
    return " ".join(parts)


def table(rows: list[ComparativeRow], level: float = 0.95) -> pd.DataFrame:
    """The comparative summary of findings as a frame (columns in the module docstring)."""
    marks = footnotes(rows).letters
    pct = f"{100 * level:g}% CI"
    out = []
    for r, letters in zip(rows, marks):
        sup = f" ({', '.join(letters)})" if letters else ""
        design = "randomised trial" if r.allocation == "randomised" else "non-randomised comparison"
        out.append({"Outcome and comparison": f"{r.outcome}: {r.intervention} v {r.comparator}. Setting: {r.setting}.",
                    "№ of participants (studies)": f"{r.patients} (1 {design})",
                    "Effect": _effect(r, pct),
                    "Certainty": f"{SYMBOLS[r.certainty.rating]} {r.certainty.rating.capitalize()}{sup}",
                    "What happens": statement(r),
                    SENSITIVITY: r.sensitivity or "—"})
    return pd.DataFrame(out)


def source(rows: list[ComparativeRow], level: float = 0.95, *, caption: str, name: str) -> str:
    """MyST source of :func:`table` with PDF column widths, then the footnotes as a list."""
    body = latex_columns(LATEX_WIDTHS) + markdown_source(table(rows, level), caption=caption, name=name,
                                                         align="l" * 6)
    # the footnotes quote the data (the indirectness reasons): escaped like every cell
    notes = "\n\n".join(f"({letter}) {md(text)}" for letter, text in footnotes(rows).notes)
    return f"{body}\n\n{notes}\n" if notes else body


def drug_comparisons_text(evidence, drug: str) -> str:
    """The comparisons whose TKI arm received ``drug``, for its drug chapter: 'one randomised
    comparison: Sherman 2023 (NRG/RTOG 0912), pazopanib added to weekly paclitaxel and IMRT v
    placebo + weekly paclitaxel + IMRT (first-line ...)', or 'none'."""
    studies = evidence.studies.set_index("study_id")
    judged = evidence.comparative_certainty
    parts, seen = [], set()
    for cid, group in evidence.comparisons.groupby("comparison_id", sort=False):
        sid = group["study_id"].iat[0]
        if sid not in studies.index or studies.loc[sid, "drug"] != drug or cid in seen:
            continue
        seen.add(cid)
        mine = judged[judged["comparison_id"] == cid]
        what = mine["intervention"].iat[0] if len(mine) else drug
        setting = f" ({mine['setting'].iat[0]})" if len(mine) else ""
        design = "randomised" if group["allocation"].iat[0] == "randomised" else "non-randomised"
        parts.append(f"{studies.loc[sid, 'label'].split(', ')[0]}, {design}: {what} v "
                     f"{group['comparator'].iat[0].split(' (')[0]}{setting}")
    if not parts:
        return "none"
    n = len(parts)
    return f"{n} comparison{'' if n == 1 else 's'}: " + "; ".join(parts)


def design_summary(rows) -> str:
    """'1 randomised and 2 non-randomised comparisons, 4 outcomes, each of low or very low certainty'."""
    by_design: dict[str, set[str]] = {}
    for r in rows:
        by_design.setdefault(r.allocation, set()).add(r.comparison_id)
    return (f"{len(by_design.get('randomised', ()))} randomised and {len(by_design.get('non_randomised', ()))} "
            f"non-randomised comparisons, {len(rows)} outcomes, each of "
            f"{' or '.join(sorted({r.certainty.rating for r in rows}))} certainty")
