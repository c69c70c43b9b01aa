"""Certainty of evidence: a GRADE-style rating of one pooled outcome.

Rating rules (applied by :func:`rate_certainty`, stated in the summary chapter)
--------------------------------------------------------------------------------
1. **Start.** Single-arm, non-comparative evidence (every study here) starts at *low*;
   randomised comparative evidence would start at *high*.
2. **Risk of bias**, from the assessment of each cohort (JBI checklist for case series,
   :mod:`living_review.data.risk_of_bias`): −1 when more than half of the estimate's
   meta-analysis weight comes from cohorts at high or unclear risk of bias; −2 when more
   than half comes from cohorts at high risk.
3. **Inconsistency.** I² ≥ 50 %: −1; I² ≥ 75 %: −2. With one study it is not assessable
   (stated, not downgraded).
4. **Imprecision.** The interval is *wide* when it spans more than 20 percentage points
   (proportions) or when its upper limit exceeds twice its lower limit (medians). The
   sample is *small* below 300 patients (the usual optimal-information-size rule of
   thumb). Wide or small: −1; wide and small: −2.
5. **Publication bias.** With fewer than 10 studies it is not assessable (stated, not
   downgraded); with 10 or more, Egger's test p < 0.10 gives −1.
6. The rating never falls below *very low*. No upgrading is applied.

References
----------
Guyatt GH et al. GRADE guidelines 1-9, J Clin Epidemiol 2011;64 (imprecision: 64:1283-93;
inconsistency: 64:1294-302). Higgins JPT, Thompson SG. Stat Med 2002;21:1539-58.
Egger M et al. BMJ 1997;315:629-34.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal, get_args

Scale = Literal["proportion", "median"]
SCALES: tuple[str, ...] = get_args(Scale)
LEVELS = ("very low", "low", "moderate", "high")
MAJORITY = 0.5
I2_SERIOUS, I2_VERY_SERIOUS = 0.50, 0.75
WIDE_PROPORTION, WIDE_MEDIAN_RATIO = 0.20, 2.0
OPTIMAL_INFORMATION_SIZE = 300
MIN_K_SMALL_STUDY_TEST, SMALL_STUDY_P = 10, 0.10


@dataclass(frozen=True)
class EvidenceProfile:
    """What the rating looks at for one outcome.

    Parameters
    ----------
    k, patients : studies and patients in the pooled estimate.
    ci_low, ci_high : its CI (fractions for proportions, months for medians).
    scale : "proportion" or "median".
    i2 : Q-based I² as a fraction (NaN when k < 2).
    share_rob_concern : fraction of the estimate's weight from cohorts at high or unclear
        risk of bias.
    share_rob_high : fraction of the estimate's weight from cohorts at high risk of bias.
    comparative : randomised comparative evidence (False for single-arm studies).
    small_study_p : Egger's test p-value (NaN when not run).
    small_study_slope : Egger's slope on the standard error, on the analysis scale: positive
        when smaller studies show larger values (small-study inflation), negative when they
        show smaller ones; only inflation can downgrade (NaN: direction unknown, not downgraded).
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


@dataclass(frozen=True)
class CertaintyRating:
    """Certainty of one outcome: the rating, the level it started at, downgrades and notes.

    ``downgrades`` are (domain, levels, reason in rule language); ``explanations`` say the
    same for readers, one plain sentence per downgrade in the same order. ``design`` names
    the evidence the start level belongs to (empty: single-arm, or randomised when high).
    """

    rating: str
    start: str
    downgrades: tuple[tuple[str, int, str], ...]
    notes: tuple[str, ...] = field(default=())
    explanations: tuple[str, ...] = field(default=())
    design: str = ""

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


_LEVEL_WORDS = {1: "one level", 2: "two levels"}


def _sentence(domain: str, levels: int, why: str) -> str:
    return f"Downgraded {_LEVEL_WORDS[levels]} for {domain}: {why}."


def rate_certainty(p: EvidenceProfile) -> CertaintyRating:
    """Rate the certainty of one pooled outcome with the module's rules (see the module docstring).

    Returns
    -------
    CertaintyRating : "high", "moderate", "low" or "very low" with its reasons.

    Example
    -------
    >>> rate_certainty(EvidenceProfile(k=1, patients=8, ci_low=0.01, ci_high=0.6, scale="proportion",
    ...     i2=float("nan"), share_rob_concern=1.0, share_rob_high=0.0)).rating
    'very low'
    """
    if p.scale not in SCALES:
        raise ValueError(f"scale={p.scale!r} is not allowed; choose one of {', '.join(SCALES)}")
    if p.k < 1 or p.patients < 1:
        raise ValueError(f"a certainty rating needs at least one study and patient (k={p.k}, patients={p.patients})")
    start = "high" if p.comparative else "low"
    if not (0 <= p.share_rob_high <= p.share_rob_concern + 1e-9 <= 1 + 2e-9):
        raise ValueError(f"weight shares must satisfy 0 <= high ({p.share_rob_high}) <= high or unclear "
                         f"({p.share_rob_concern}) <= 1")
    down, notes, plain = [], [], []
    if p.share_rob_high > MAJORITY:
        down.append(("risk of bias", 2, f"{_pct(p.share_rob_high)} of the weight from cohorts at high risk of bias"))
        plain.append(f"cohorts at high risk of bias carry {_pct(p.share_rob_high)} of this estimate's weight "
                     f"(the threshold is more than {_pct(MAJORITY)})")
    elif p.share_rob_concern > MAJORITY:
        down.append(("risk of bias", 1, f"{_pct(p.share_rob_concern)} of the weight from cohorts at high or "
                     "unclear risk of bias"))
        plain.append(f"cohorts at high or unclear risk of bias carry {_pct(p.share_rob_concern)} of this estimate's "
                     f"weight (the threshold is more than {_pct(MAJORITY)})")
    if p.k < 2 or math.isnan(p.i2):
        notes.append("inconsistency not assessable (one study)")
    elif p.i2 >= I2_SERIOUS:
        very = p.i2 >= I2_VERY_SERIOUS
        cut = I2_VERY_SERIOUS if very else I2_SERIOUS
        down.append(("inconsistency", 2 if very else 1, f"I² = {_pct(p.i2)} (≥ {_pct(cut)})"))
        plain.append(f"the cohorts' results differ more than chance alone would explain (I² = {_pct(p.i2)}, "
                     f"at least {_pct(cut)})")
    if p.scale == "proportion":
        wide = p.ci_high - p.ci_low > WIDE_PROPORTION
        width = f"CI spans {100 * (p.ci_high - p.ci_low):.0f} points"
        wide_plain = (f"the confidence interval spans {100 * (p.ci_high - p.ci_low):.0f} percentage points (more "
                      f"than {100 * WIDE_PROPORTION:.0f})")
    else:
        wide = p.ci_high > WIDE_MEDIAN_RATIO * p.ci_low
        width = f"CI upper/lower = {p.ci_high / p.ci_low:.1f}"
        wide_plain = (f"the upper limit of the confidence interval is {p.ci_high / p.ci_low:.1f} times the lower "
                      f"(more than {WIDE_MEDIAN_RATIO:g})")
    small = p.patients < OPTIMAL_INFORMATION_SIZE
    small_plain = f"the estimate rests on {p.patients} patients, fewer than {OPTIMAL_INFORMATION_SIZE}"
    hits = [(w, s) for w, s, hit in ((width, wide_plain, wide),
                                     (f"{p.patients} patients (< {OPTIMAL_INFORMATION_SIZE})", small_plain, small))
            if hit]
    if hits:
        down.append(("imprecision", len(hits), " and ".join(w for w, _ in hits)))
        plain.append(" and ".join(s for _, s in hits))
    if p.k < MIN_K_SMALL_STUDY_TEST:
        notes.append(f"publication bias not assessable (k = {p.k} < {MIN_K_SMALL_STUDY_TEST})")
    elif math.isnan(p.small_study_p):
        notes.append("publication bias not tested")
    elif p.small_study_p < SMALL_STUDY_P and p.small_study_slope > 0:
        down.append(("publication bias", 1, f"Egger p = {p.small_study_p:.2f}, smaller cohorts show larger "
                     "values (small-study inflation)"))
        plain.append(f"smaller cohorts report larger values than larger ones (Egger's test p = "
                     f"{p.small_study_p:.2f}, below {SMALL_STUDY_P:.2f}), the direction selective publication produces")
    elif p.small_study_p < SMALL_STUDY_P:
        notes.append(f"funnel asymmetry (Egger p = {p.small_study_p:.2f}) runs the other way: smaller cohorts "
                     "show smaller values, which selective publication would not produce; not downgraded")
    else:
        notes.append(f"no small-study effect detected (Egger p = {p.small_study_p:.2f})")
    level = max(0, LEVELS.index(start) - sum(levels for _, levels, _ in down))
    explanations = tuple(_sentence(d, n, s) for (d, n, _), s in zip(down, plain))
    return CertaintyRating(LEVELS[level], start, tuple(down), tuple(notes), explanations)
