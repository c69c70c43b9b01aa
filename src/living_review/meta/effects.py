"""Study-level effects for proportions: input checks, transforms, variances, back-transforms.

Every transform follows R ``meta::metaprop`` (Schwarzer et al.), so that study values and
pooled results agree with what readers see in R.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
from scipy import stats

from living_review.core.choices import check_choice
from living_review.meta.options import TRANSFORMS, Transform  # noqa: F401 (re-exported)

#: Continuity correction added to studies with 0 or n events (logit and raw scales only).
INCR = 0.5


def check_counts(events, totals, studies: Sequence[str] | None = None):
    """Validate event counts and totals and return them as float arrays.

    Parameters
    ----------
    events, totals : sequences of non-negative integers (patients).
    studies : optional study labels used in error messages.

    Returns
    -------
    (events, totals, labels) : two float arrays of length k and a list of k labels.

    Raises
    ------
    ValueError
        On mismatched lengths, NaN, negative or non-integer counts, a total of 0, or
        events above the total; the message names the offending study.

    Example
    -------
    >>> check_counts([2, 0], [8, 15])[0]
    array([2., 0.])
    """
    x = np.asarray(events, dtype=float).ravel()
    n = np.asarray(totals, dtype=float).ravel()
    if x.size != n.size:
        raise ValueError(
            f"events has {x.size} values but totals has {n.size}; give one event count "
            "and one total per study."
        )
    if x.size == 0:
        raise ValueError("no studies given: events and totals are empty.")
    labels = [f"study {i + 1}" for i in range(x.size)] if studies is None else [str(s) for s in studies]
    if len(labels) != x.size:
        raise ValueError(f"studies has {len(labels)} labels for {x.size} studies; give one label per study.")
    for i, lab in enumerate(labels):
        xi, ni = x[i], n[i]
        if np.isnan(xi) or np.isnan(ni):
            raise ValueError(f"{lab}: events or total is missing (NaN); drop the study or fill in the count.")
        if xi < 0 or ni < 0:
            raise ValueError(f"{lab}: negative count (events={xi:g}, total={ni:g}); counts must be >= 0.")
        if xi != np.floor(xi) or ni != np.floor(ni):
            raise ValueError(f"{lab}: counts must be whole numbers (events={xi:g}, total={ni:g}).")
        if ni == 0:
            raise ValueError(f"{lab}: total is 0; a proportion needs at least one patient.")
        if xi > ni:
            raise ValueError(f"{lab}: events ({xi:g}) exceed the total ({ni:g}); check the extraction.")
    return x, n, labels


def check_transform(transform: str) -> str:
    """Return ``transform`` if it is one of :data:`TRANSFORMS`, else raise ValueError."""
    check_choice("transform", transform, TRANSFORMS)
    return transform


def study_effects(events, totals, transform: Transform = "PFT"):
    """Transformed proportions ``yi`` and their sampling variances ``vi``.

    Parameters
    ----------
    events, totals : arrays of counts (already checked).
    transform : "PFT", "PLOGIT", "PLN", "PAS" or "PRAW".

    Returns
    -------
    (yi, vi) : float arrays on the transformed scale.

    Notes
    -----
    With c = 0.5 only when x = 0 or x = n (PLOGIT, PLN and PRAW only, as meta does):

    - PFT:    y = ½[asin√(x/(n+1)) + asin√((x+1)/(n+1))],  v = 1/(4n+2)
    - PLOGIT: y = log((x+c)/(n−x+c)),                      v = 1/(x+c) + 1/(n−x+c)
    - PLN:    y = log((x+c)/(n+2c)),                       v = 1/(x+c) − 1/(n+2c)
    - PAS:    y = asin√(x/n),                              v = 1/(4n)
    - PRAW:   y = x/n,  v = (x+c)(n−x+c)/(n+2c)³  (= p(1−p)/n when c = 0)

    References
    ----------
    Freeman MF, Tukey JW (1950) Ann Math Stat 21:607-11. Schwarzer G et al. (2019)
    Res Synth Methods 10:476-83.

    Example
    -------
    >>> y, v = study_effects(np.array([2.]), np.array([8.]), "PAS")
    """
    x = np.asarray(events, dtype=float)
    n = np.asarray(totals, dtype=float)
    edge = (x == 0) | (x == n)
    c = np.where(edge, INCR, 0.0)
    if transform == "PFT":
        yi = 0.5 * (np.arcsin(np.sqrt(x / (n + 1))) + np.arcsin(np.sqrt((x + 1) / (n + 1))))
        vi = 1.0 / (4 * n + 2)
    elif transform == "PLOGIT":
        yi = np.log((x + c) / (n - x + c))
        vi = 1.0 / (x + c) + 1.0 / (n - x + c)
    elif transform == "PLN":
        yi = np.log((x + c) / (n + 2 * c))
        vi = 1.0 / (x + c) - 1.0 / (n + 2 * c)
    elif transform == "PAS":
        yi = np.arcsin(np.sqrt(x / n))
        vi = 1.0 / (4 * n)
    elif transform == "PRAW":
        yi = x / n
        vi = (x + c) * (n - x + c) / (n + 2 * c) ** 3
    else:  # pragma: no cover - guarded by check_transform
        check_transform(transform)
    return yi, np.broadcast_to(vi, yi.shape).astype(float)


def _pft(p, n):
    return 0.5 * (np.arcsin(np.sqrt(p * n / (n + 1))) + np.arcsin(np.sqrt((p * n + 1) / (n + 1))))


def back_transform(values, transform: Transform, n_harmonic: float | None = None):
    """Map values from the transformed scale back to proportions.

    Parameters
    ----------
    values : array on the transformed scale.
    transform : the transform used.
    n_harmonic : harmonic mean of the study sizes; required for PFT.

    Notes
    -----
    PFT uses Miller's (1978) inverse at n = 1/mean(1/n_i):
    p = ½[1 − sgn(cos 2t)·√(1 − (sin 2t + (sin 2t − 1/sin 2t)/n)²)], set to 0 or 1 outside
    the transform's range, as metafor's ``transf.ipft.hm``. PAS: sin²(t) clipped to
    [0, π/2]. PLOGIT: expit. PLN: exp (values above 1 are kept, as in R). PRAW: identity (values outside [0, 1] are kept, as in R).

    Known pitfall: with very unequal study sizes one harmonic mean does not describe every
    study, and the back-transformed value can disagree with other tools or land on 0/1
    (Schwarzer et al. 2019); check against PLOGIT or the GLMM.

    References
    ----------
    Miller JJ (1978) Am Stat 32:138.

    Example
    -------
    >>> float(back_transform(np.array(0.0), "PLOGIT"))
    0.5
    """
    t = np.asarray(values, dtype=float)
    if transform == "PRAW":
        return t.copy()
    if transform == "PLOGIT":
        return 1.0 / (1.0 + np.exp(-t))
    if transform == "PLN":
        return np.exp(t)
    if transform == "PAS":
        return np.where(t < 0, 0.0, np.where(t > np.pi / 2, 1.0, np.sin(t) ** 2))
    if n_harmonic is None:
        raise ValueError("the PFT back-transform needs the harmonic mean of the study sizes.")
    nh = float(n_harmonic)
    with np.errstate(invalid="ignore", divide="ignore"):
        s = np.sin(2 * t)
        p = 0.5 * (1 - np.sign(np.cos(2 * t)) * np.sqrt(1 - (s + (s - 1 / s) / nh) ** 2))
    p = np.where(t > _pft(1.0, nh), 1.0, np.where(t < _pft(0.0, nh), 0.0, p))
    return p


def harmonic_mean(totals) -> float:
    """Harmonic mean 1/mean(1/n) of the study sizes."""
    n = np.asarray(totals, dtype=float)
    return float(1.0 / np.mean(1.0 / n))


def clopper_pearson(events, totals, level: float = 0.95):
    """Exact (Clopper-Pearson) confidence limits of each study's proportion.

    Notes
    -----
    lower = Beta⁻¹(α/2; x, n−x+1), upper = Beta⁻¹(1−α/2; x+1, n−x), with 0 and 1 at the
    edges, identical to R ``binom.test``.

    Example
    -------
    >>> lo, hi = clopper_pearson([0], [15]); round(float(hi[0]), 4)
    0.218
    """
    x = np.asarray(events, dtype=float)
    n = np.asarray(totals, dtype=float)
    a = 1 - level
    with np.errstate(invalid="ignore"):
        lo = np.where(x == 0, 0.0, stats.beta.ppf(a / 2, x, n - x + 1))
        hi = np.where(x == n, 1.0, stats.beta.ppf(1 - a / 2, x + 1, n - x))
    return lo, hi
