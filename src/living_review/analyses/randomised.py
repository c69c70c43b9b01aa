"""The randomised comparison of the review: its numbers for the book, and their ledger records.

The comparative chapter reports one randomised trial; :func:`randomised_comparison` finds it
in ``comparisons.csv`` (the one comparison whose allocation is ``randomised``) and gathers what
the chapter prints of it, so that the chapter names no trial and computes nothing itself.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from living_review.analyses import comparative as cmp
from living_review.appraisal import comparative_absolute as cabs


@dataclass(frozen=True)
class RandomisedComparison:
    """What the book prints of the randomised comparison.

    Attributes
    ----------
    comparison_id : its id in ``comparisons.csv``.
    study : its row of ``Evidence.studies`` (the experimental arm's cohort; ``study.name`` is its id).
    n_comparator : patients of the comparator arm (the largest OS row of that arm).
    hazard_ratio, landmarks, events : :func:`living_review.analyses.comparative.hazard_ratio`,
        :func:`~living_review.analyses.comparative.landmark_differences` and
        :func:`~living_review.analyses.comparative.event_differences` of it.
    absolute : the hazard ratio's absolute effect at the first landmark (GRADE's computation).
    median_tki, median_comparator : median OS per arm, months, as reported.
    grade34 : the grade 3-4 event difference, ``None`` when the data give no count for both arms.
    tki_label, comparator_label : the arms as tables name them: the drug, and the comparator's first
        component ("placebo + weekly paclitaxel + IMRT" -> "Placebo"; the treatment both arms share
        is in the text).
    """

    comparison_id: str
    study: pd.Series
    n_comparator: int
    hazard_ratio: cmp.HazardRatio
    landmarks: list[cmp.LandmarkDifference]
    events: list[cmp.EventDifference]
    absolute: cabs.AbsoluteEffect
    median_tki: float
    median_comparator: float
    grade34: cmp.EventDifference | None
    tki_label: str
    comparator_label: str


def randomised_comparison(evidence, level: float) -> RandomisedComparison:
    """The one randomised comparison of the data; ``ValueError`` when there is none or more than one."""
    rows = evidence.comparisons
    ids = sorted(set(rows.loc[rows["allocation"] == "randomised", "comparison_id"]))
    if len(ids) != 1:
        raise ValueError(f"the comparative chapter reports one randomised comparison; comparisons.csv holds "
                         f"{len(ids)} ({', '.join(ids) or 'none'}): update the chapter")
    cid = ids[0]
    mine = rows[rows["comparison_id"] == cid]
    study = evidence.studies.set_index("study_id").loc[mine["study_id"].iat[0]]
    hr = cmp.hazard_ratio(evidence, cid)
    landmarks = cmp.landmark_differences(evidence, cid, level=level)
    events = cmp.event_differences(evidence, cid, level=level)
    os_rows = mine[mine["endpoint"] == "OS"]
    medians = os_rows[os_rows["statistic"] == "median"].set_index("arm")["value"]
    first = landmarks[0]
    grade34 = [e for e in events if e.grade_band == "3-4"]
    return RandomisedComparison(
        cid, study, int(os_rows.loc[os_rows["arm"] == "comparator", "n"].max()), hr, landmarks, events,
        cabs.absolute_effect(first.comparator_pct / 100, hr.ratio, hr.ci_low, hr.ci_high),
        float(medians["experimental"]), float(medians["comparator"]), grade34[0] if grade34 else None,
        str(study["drug"]).capitalize(), str(mine["comparator"].iat[0]).split(" + ")[0].capitalize())


def record_randomised(rc: RandomisedComparison, *, chapter: str, level: float) -> list[str]:
    """Put the hazard ratio, each landmark difference and each event difference on record."""
    from living_review.provenance.ledger import record

    sid, cid, hr = rc.study.name, rc.comparison_id, rc.hazard_ratio
    params = {"method": "newcombe", "level": level, "difference": "TKI minus comparator"}
    keys = [record(f"compare.{sid}.os.hazard_ratio", outcome="OS hazard ratio", estimate=hr.ratio, ci_low=hr.ci_low,
                   ci_high=hr.ci_high, k=1, n=hr.n, params={"as": "reported", "level": hr.ci_level / 100},
                   inputs=[{"study_id": sid, "comparison_id": cid}], chapter=chapter,
                   extra={"p_printed": hr.p_printed, "p_two_sided_from_ci": hr.p_two_sided_from_ci})]
    for d in rc.landmarks:  # key parts in the outcome's words, so that the changelog names the estimate
        keys.append(record(f"compare.{sid}.os_at_{d.label().replace(' ', '_')}.difference",
                           outcome=f"OS at {d.label()}, difference", estimate=d.primary.difference,
                           ci_low=d.primary.ci_low, ci_high=d.primary.ci_high, k=1, n=d.n_tki + d.n_comparator,
                           params=params, chapter=chapter,
                           inputs=[{"study_id": sid, "tki_pct": d.tki_pct, "n_tki": d.n_tki,
                                    "comparator_pct": d.comparator_pct, "n_comparator": d.n_comparator}]))
    for e in rc.events:
        band = "grade3" if e.grade_band == ">=3" else f"grade_{e.grade_band}"
        keys.append(record(f"compare.{sid}.{band}.difference",
                           outcome=f"Treatment-related adverse events, highest grade {e.grade_band}, difference",
                           estimate=e.difference.difference, ci_low=e.difference.ci_low,
                           ci_high=e.difference.ci_high, k=1, n=e.tki_n + e.comparator_n, params=params,
                           chapter=chapter,
                           inputs=[{"study_id": sid, "tki_events": e.tki_events, "tki_n": e.tki_n,
                                    "comparator_events": e.comparator_events, "comparator_n": e.comparator_n}]))
    return keys
