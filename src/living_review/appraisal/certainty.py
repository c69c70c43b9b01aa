"""Certainty of evidence: the GRADE rating of one pooled single-arm (non-comparative) estimate.

What is rated
-------------
Certainty *in the estimate*: how sure one can be that the proportion (objective response,
disease control, a grade ≥3 adverse event) or the median (PFS, OS) in patients with
advanced ATC given TKI monotherapy lies close to the pooled value. It is not certainty in an
effect of the TKI: there is no comparator. GRADE's guidance for such estimates (overall
prognosis, event rates in broad categories of patients; Iorio et al. 2015) starts a body of
observational or single-arm evidence at *high* and rates it down with the usual domains.

Rating rules (applied by :func:`rate_certainty`; thresholds below, stated in the chapter)
------------------------------------------------------------------------------------------
1. **Start** *high* (Iorio et al. 2015). (Randomised comparisons are rated in
   :mod:`living_review.appraisal.comparative_certainty`.)
2. **Risk of bias** (JBI checklist per cohort, :mod:`living_review.data.risk_of_bias`): −1
   when more than half of the estimate's weight comes from cohorts at high or unclear risk
   of bias; −2 when more than half comes from cohorts at high risk.
3. **Inconsistency**: I² ≥ 50 % (*substantial* heterogeneity in the Cochrane Handbook's
   bands) −1; I² ≥ 75 % (*considerable*) −2. One study: not assessable.
4. **Indirectness**: the review's judgement per outcome with its reason
   (``single_arm_certainty.csv``): 0, −1 or −2.
5. **Imprecision** (GRADE guidelines 6, Guyatt et al. 2011; threshold approach, Zeng et
   al. 2022): −1 when the confidence interval crosses the outcome's decision threshold
   (:data:`DECISION_THRESHOLDS`; for a survival rate at a landmark, the rate that an
   exponential survival with the median's threshold gives there, :func:`decision_threshold`),
   −1 when the estimate (a proportion) rests on fewer patients
   than the optimal information size: the number a single study would need for a 95 %
   interval of ± :data:`OIS_HALF_WIDTH` around the pooled proportion,
   ``n = 1.96² p (1 − p) / 0.10²`` (not applied to medians, whose cohorts report no event
   counts). Both: −2.
6. **Publication bias and missing results** (GRADE guidelines 5, Guyatt et al. 2011):
   with 10 or more studies, Egger's test p < 0.10 with smaller cohorts showing larger
   values −1 (asymmetry the other way is stated, not downgraded); fewer than 10 studies:
   the test is not run. For a median, −1 when the cohorts that report a median but cannot
   enter the pooled estimate (no interval) hold more than half of the patients of the
   cohorts that report one: the estimate then rests on a selected minority; the footnote
   gives the estimate that keeps them.
7. The rating never falls below *very low*. No upgrading is applied.

References
----------
Iorio A, Spencer FA, Falavigna M, et al. Use of GRADE for assessment of evidence about
prognosis: rating confidence in estimates of event rates in broad categories of patients.
BMJ 2015;350:h870. Guyatt GH et al. GRADE guidelines 5 (publication bias), 6
(imprecision), 7 (inconsistency), 8 (indirectness). J Clin Epidemiol 2011;64:1277-1310.
Zeng L, Brignardello-Petersen R, Hultcrantz M, et al. GRADE guidance 34: update on rating
imprecision using a minimally contextualized approach. J Clin Epidemiol 2022;150:216-24.
Deeks JJ, Higgins JPT, Altman DG. Chapter 10, Cochrane Handbook for Systematic Reviews of
Interventions, version 6.4, 2023 (I² bands). Egger M et al. BMJ 1997;315:629-34.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Literal, get_args

from living_review.core.choices import check_choice

Scale = Literal["proportion", "median"]
SCALES: tuple[str, ...] = get_args(Scale)
LEVELS = ("very low", "low", "moderate", "high")
MAJORITY = 0.5
I2_SERIOUS, I2_VERY_SERIOUS = 0.50, 0.75
#: decision thresholds per outcome (proportion, or months for a median): the review team's
#: reading thresholds; the interval crossing one leaves the decision open
DECISION_THRESHOLDS: dict[str, float] = {"orr": 0.10, "dcr": 0.50, "ae_grade3": 0.10, "pfs_median": 3.0,
                                         "os_median": 6.0}
#: key of a survival rate at a reported landmark: endpoint and months (``os_12m``, ``pfs_6m``)
LANDMARK_KEY = re.compile(r"^(os|pfs)_(\d+(?:\.\d+)?)m$")


def decision_threshold(outcome: str) -> float:
    """The decision threshold of one outcome key.

    Keys of :data:`DECISION_THRESHOLDS` give their value. A survival rate at a landmark
    (``os_12m``, ``pfs_6m``: the proportion alive, or alive without progression, at 12 or 6
    months) takes the rate an exponential survival whose median equals the median's threshold
    gives at that time, ``0.5 ** (months / threshold)``, so that the two survival thresholds
    say the same thing: OS 6 months gives 25 % alive at 12 months.

    >>> decision_threshold("orr"), decision_threshold("os_12m"), decision_threshold("pfs_6m")
    (0.1, 0.25, 0.25)
    """
    if outcome in DECISION_THRESHOLDS:
        return DECISION_THRESHOLDS[outcome]
    hit = LANDMARK_KEY.match(outcome)
    if hit is None:
        raise ValueError(f"outcome={outcome!r} has no decision threshold; choose one of "
                         f"{', '.join(DECISION_THRESHOLDS)}, a landmark such as os_12m or pfs_6m, or give none")
    return 0.5 ** (float(hit.group(2)) / DECISION_THRESHOLDS[f"{hit.group(1)}_median"])


OIS_HALF_WIDTH, OIS_Z = 0.10, 1.959963984540054
#: kept for the comparative rows' rule of thumb (patients across both arms)
OPTIMAL_INFORMATION_SIZE = 300
MIN_K_SMALL_STUDY_TEST, SMALL_STUDY_P = 10, 0.10
DESIGN = "single-arm, non-comparative: certainty in the estimate, Iorio et al. 2015"


@dataclass(frozen=True)
class EvidenceProfile:
    """What the rating looks at for one outcome.

    Parameters
    ----------
    k, patients : studies and patients in the pooled estimate.
    ci_low, ci_high : its CI (fractions for proportions, months for medians).
    scale : "proportion" or "median".
    i2 : Q-based I² as a fraction (NaN when k < 2).
    share_rob_concern, share_rob_high : fractions of the estimate's weight from cohorts at
        high or unclear, and at high, risk of bias.
    comparative : kept for callers of the earlier rules; must be False (comparisons are
        rated by :mod:`living_review.appraisal.comparative_certainty`).
    small_study_p, small_study_slope : Egger's test p-value and slope (NaN when not run).
    outcome : key of :data:`DECISION_THRESHOLDS` or a landmark (``os_12m``), see :func:`decision_threshold` ("" : no threshold, none applied).
    estimate : the pooled value (for the optimal information size of a proportion).
    indirectness, indirectness_reason : the review's judgement (0, 1, 2) and why.
    missing_patients : patients of cohorts that report the outcome but cannot enter the estimate.
    missing_alternative : the estimate that keeps them, as text ("" : none).
    """

    k: int
    patients: int
    ci_low: float
    ci_high: float
    scale: Scale
    i2: float
    share_rob_concern: float
    share_rob_high: float
    comparative: bool = False
    small_study_p: float = float("nan")
    small_study_slope: float = float("nan")
    outcome: str = ""
    estimate: float = float("nan")
    indirectness: int = 0
    indirectness_reason: str = ""
    missing_patients: int = 0
    missing_alternative: str = ""


@dataclass(frozen=True)
class CertaintyRating:
    """Certainty of one outcome: the rating, the level it started at, downgrades and notes.

    ``downgrades`` are (domain, levels, reason in rule language); ``explanations`` say the
    same for readers, one plain sentence per downgrade in the same order; ``remarks`` are
    sentences for domains not downgraded that a reader needs (reverse funnel asymmetry,
    results left out), shown as footnotes too. ``design`` names the evidence the start level
    belongs to.
    """

    rating: str
    start: str
    downgrades: tuple[tuple[str, int, str], ...]
    notes: tuple[str, ...] = field(default=())
    explanations: tuple[str, ...] = field(default=())
    design: str = ""
    remarks: tuple[str, ...] = field(default=())

    def reasons(self) -> str:
        """The reasons in one line: each downgrade with its levels, then the notes."""
        design = self.design or ("randomised" if self.start == "high" else "single-arm, non-comparative")
        parts = [f"start {self.start} ({design})"]
        parts += [f"{domain} −{levels}: {why}" for domain, levels, why in self.downgrades]
        parts += list(self.notes)
        return "; ".join(parts)

    def summary(self) -> str:
        return f"{self.rating}: {self.reasons()}"


def _pct(v: float) -> str:
    return f"{100 * v:.0f}%"


def _value(v: float, scale: str) -> str:
    return f"{100 * v:.1f}%" if scale == "proportion" else f"{v:.1f} months"


_LEVEL_WORDS = {1: "one level", 2: "two levels"}


def _sentence(domain: str, levels: int, why: str) -> str:
    return f"Downgraded {_LEVEL_WORDS[levels]} for {domain}: {why}."


def optimal_information_size(p: float, half_width: float = OIS_HALF_WIDTH) -> int:
    """Patients one study needs for a 95 % Wald interval of ± ``half_width`` around ``p``.

    >>> optimal_information_size(0.5)
    97
    """
    if not 0 < p < 1:
        raise ValueError(f"proportion {p!r} must lie strictly between 0 and 1")
    return math.ceil(OIS_Z ** 2 * p * (1 - p) / half_width ** 2)


def _check(p: EvidenceProfile) -> None:
    check_choice("scale", p.scale, SCALES)
    if p.k < 1 or p.patients < 1:
        raise ValueError(f"a certainty rating needs at least one study and patient (k={p.k}, patients={p.patients})")
    if p.comparative:
        raise ValueError("comparative evidence is rated by living_review.appraisal.comparative_certainty")
    if p.outcome:
        decision_threshold(p.outcome)
    if p.indirectness not in (0, 1, 2):
        raise ValueError(f"indirectness={p.indirectness!r}: give 0, 1 or 2 levels")
    if not (0 <= p.share_rob_high <= p.share_rob_concern + 1e-9 <= 1 + 2e-9):
        raise ValueError(f"weight shares must satisfy 0 <= high ({p.share_rob_high}) <= high or unclear "
                         f"({p.share_rob_concern}) <= 1")


def _imprecision(p: EvidenceProfile) -> tuple[list[tuple[str, str]], list[str]]:
    """(rule text, plain text) per imprecision hit, and notes for what did not hit."""
    hits, notes = [], []
    ci = f"{_value(p.ci_low, p.scale)} to {_value(p.ci_high, p.scale)}"
    if p.outcome:
        t = decision_threshold(p.outcome)
        shown = _value(t, p.scale) if p.scale == "median" else _pct(t)
        if p.ci_low < t < p.ci_high:
            hits.append((f"CI {ci} crosses the decision threshold {shown}",
                         f"the confidence interval ({ci}) crosses the decision threshold of {shown}"))
        else:
            notes.append(f"CI {ci} does not cross the decision threshold {shown}")
    if p.scale == "proportion" and 0 < p.estimate < 1:
        ois = optimal_information_size(p.estimate)
        if p.patients < ois:
            hits.append((f"{p.patients} patients < optimal information size {ois}",
                         f"the {p.patients} patients are fewer than the optimal information size of {ois} "
                         f"(a 95% CI of ±{100 * OIS_HALF_WIDTH:.0f} points around {_pct(p.estimate)})"))
        else:
            notes.append(f"optimal information size met ({p.patients} ≥ {ois} patients)")
    elif p.scale == "median":
        notes.append("optimal information size not applied (medians: no event counts)")
    return hits, notes


def rate_certainty(p: EvidenceProfile) -> CertaintyRating:
    """Rate the certainty of one pooled estimate with the module's rules (see the module docstring).

    Example
    -------
    >>> rate_certainty(EvidenceProfile(k=1, patients=8, ci_low=0.01, ci_high=0.6, scale="proportion",
    ...     i2=float("nan"), share_rob_concern=1.0, share_rob_high=0.0, outcome="orr", estimate=0.2)).rating
    'very low'
    """
    _check(p)
    down, notes, plain, remarks = [], [], [], []
    if p.share_rob_high > MAJORITY:
        down.append(("risk of bias", 2, f"{_pct(p.share_rob_high)} of the weight from cohorts at high risk of bias"))
        plain.append(f"cohorts at high risk of bias (JBI) carry {_pct(p.share_rob_high)} of this estimate's weight "
                     f"(the threshold is more than {_pct(MAJORITY)})")
    elif p.share_rob_concern > MAJORITY:
        down.append(("risk of bias", 1, f"{_pct(p.share_rob_concern)} of the weight from cohorts at high or "
                     "unclear risk of bias"))
        plain.append(f"cohorts at high or unclear risk of bias (JBI) carry {_pct(p.share_rob_concern)} of this "
                     f"estimate's weight (the threshold is more than {_pct(MAJORITY)})")
    if p.k < 2 or math.isnan(p.i2):
        notes.append("inconsistency not assessable (one study)")
    elif p.i2 >= I2_SERIOUS:
        very = p.i2 >= I2_VERY_SERIOUS
        cut = I2_VERY_SERIOUS if very else I2_SERIOUS
        down.append(("inconsistency", 2 if very else 1, f"I² = {_pct(p.i2)} (≥ {_pct(cut)})"))
        plain.append(f"the cohorts' results differ more than chance alone would explain (I² = {_pct(p.i2)}, at "
                     f"least {_pct(cut)}, {'considerable' if very else 'substantial'} heterogeneity)")
    if p.indirectness:
        down.append(("indirectness", p.indirectness, p.indirectness_reason))
        plain.append(p.indirectness_reason.rstrip("."))
    elif p.indirectness_reason:
        notes.append("indirectness not serious")
        remarks.append(f"Indirectness not serious: {p.indirectness_reason.removeprefix('Not serious: ').rstrip('.')}.")
    hits, imp_notes = _imprecision(p)
    notes += imp_notes
    if hits:
        met = [n for n in imp_notes if n.startswith(("optimal", "CI "))]
        down.append(("imprecision", len(hits), " and ".join(w for w, _ in hits)))
        plain.append(" and ".join(s for _, s in hits) + "".join(f" ({n})" for n in met))
    _publication(p, down, notes, plain, remarks)
    level = max(0, LEVELS.index("high") - sum(levels for _, levels, _ in down))
    explanations = tuple(_sentence(d, n, s) for (d, n, _), s in zip(down, plain))
    return CertaintyRating(LEVELS[level], "high", tuple(down), tuple(notes), explanations, design=DESIGN,
                           remarks=tuple(remarks))


def _publication(p: EvidenceProfile, down: list, notes: list, plain: list, remarks: list) -> None:
    if p.missing_patients:
        total = p.missing_patients + p.patients
        share = p.missing_patients / total
        alt = f"; {p.missing_alternative}" if p.missing_alternative else ""
        said = (f"{p.missing_patients} of the {total} patients ({_pct(share)}) in cohorts that report a median are "
                f"not in the estimate, because their cohorts give no interval{alt}")
        if share > MAJORITY:
            down.append(("publication bias", 1, f"missing results: {p.missing_patients} of {total} patients "
                         f"({_pct(share)}) left out"))
            plain.append(f"{said}; more than {_pct(MAJORITY)} left out, so the estimate rests on a selected minority")
        else:
            notes.append(f"{p.missing_patients} of {total} patients left out (not more than {_pct(MAJORITY)})")
            remarks.append(f"Not downgraded for missing results: {said} (the threshold is more than "
                           f"{_pct(MAJORITY)}).")
    if p.k < MIN_K_SMALL_STUDY_TEST:
        notes.append(f"small-study test not run (k = {p.k} < {MIN_K_SMALL_STUDY_TEST})")
    elif math.isnan(p.small_study_p):
        notes.append("small-study test not run")
    elif p.small_study_p < SMALL_STUDY_P and p.small_study_slope > 0:
        down.append(("publication bias", 1, f"Egger p = {p.small_study_p:.2f}, smaller cohorts show larger "
                     "values (small-study inflation)"))
        plain.append(f"smaller cohorts report larger values than larger ones (Egger's test p = "
                     f"{p.small_study_p:.2f}, below {SMALL_STUDY_P:.2f}), the direction selective publication produces")
    elif p.small_study_p < SMALL_STUDY_P:
        notes.append(f"funnel asymmetry (Egger p = {p.small_study_p:.2f}) runs the other way: smaller cohorts "
                     "show smaller values, which selective publication would not produce; not downgraded")
        remarks.append(f"Not downgraded for publication bias: the funnel is asymmetric (Egger's test p = "
                       f"{p.small_study_p:.2f}, below {SMALL_STUDY_P:.2f}) but in reverse, smaller cohorts showing "
                       "smaller values, which selective publication would not produce.")
    else:
        notes.append(f"no small-study effect detected (Egger p = {p.small_study_p:.2f})")
