"""Reconstruct individual patient data from a digitised Kaplan-Meier curve (Guyot et al. 2012).

The algorithm is the published one: within each interval of the numbers-at-risk table,
censoring is spread evenly and its total adjusted until the reconstructed number at risk at the
start of the next interval matches the table; events at each digitised point are those that make
the reconstructed Kaplan-Meier estimate equal the digitised survival. In the last interval the
censoring rate of the earlier intervals is carried on, and, when the total number of events is
reported, adjusted to match it.

Departures from the published R code, each for an input that code cannot handle:

* readings that rise are put in non-increasing order before the algorithm runs, by sorting the
  values over the sorted times (the published code expects a non-increasing curve; a rise can
  give negative event counts). Time noise can put the bottom corner of a drop before its top corner;
  sorting keeps the whole drop there, where a least-squares fit would split it in halves that,
  with few patients at risk, both round to no event;
* tied times are collapsed before the algorithm runs (the published code keeps both points and
  its ``hist`` call then makes zero-width bins, which can put a censoring at the time of a drop);
* a rounded event count of -1 (a digitised point above the reconstructed curve) is set to 0;
* an at-risk time with no digitised point in its interval gets a point at that time holding
  the survival of the last point before it (the curve is a right-continuous step function);
  this also covers at-risk times past the end of the curve;
* a last interval with a single point receives no censoring (it has no width to spread it on);
* the numbers at risk are never allowed to go negative, and the adjustment loops stop after a
  fixed number of rounds (recorded in ``notes``) instead of cycling.

Points past the last at-risk time form the last interval, as in the published code.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from living_review.survival.km_input import SurvivalScale, prepare_at_risk, prepare_curve

MAX_ROUNDS = 1000


class ReconstructionWarning(UserWarning):
    """The reconstruction rests on less information than a full numbers-at-risk table."""


@dataclass(frozen=True)
class GuyotResult:
    """Reconstructed patient data and the per-point working of the algorithm."""

    ipd: pd.DataFrame
    points: pd.DataFrame
    n_patients: int
    n_events: int
    notes: tuple[str, ...]

    def summary(self) -> str:
        text = (f"{self.n_patients} patients reconstructed from {len(self.points)} curve points: "
                f"{self.n_events} events, {self.n_patients - self.n_events} censored")
        return "\n".join([text, *("  " + n for n in self.notes)])


def _spread_censoring(t: np.ndarray, lo: int, hi: int, n_censor: int) -> np.ndarray:
    """Counts of ``n_censor`` evenly spaced censoring times on (t[lo], t[hi]) falling in each (t[k], t[k+1]]."""
    breaks = t[lo:hi + 1]
    cen_t = t[lo] + np.arange(1, n_censor + 1) * (t[hi] - t[lo]) / (n_censor + 1)
    # same half-open bins and tolerance as R's hist(), so results agree at bin edges
    dx = np.diff(breaks)
    nb = len(breaks)
    diddle = 1e-7 * (np.median(dx) if nb > 5 else (np.ptp(cen_t) if nb <= 3 else dx[dx > 0].min()))
    fuzzy = breaks + np.r_[-diddle, np.full(nb - 1, diddle)]
    idx = np.searchsorted(fuzzy, cen_t, side="left") - 1
    return np.bincount(np.clip(idx, 0, nb - 2), minlength=nb - 1)


def _intervals(t: np.ndarray, s: np.ndarray, t_risk: np.ndarray):
    """Index of the first and last curve point in each at-risk interval, inserting missing points."""
    notes = []
    ends = np.r_[t_risk[1:], np.inf]
    for start, end in zip(t_risk, ends):
        if not np.any((t >= start) & (t < end)):
            j = int(np.searchsorted(t, start))
            t, s = np.insert(t, j, start), np.insert(s, j, s[j - 1])
            notes.append(f"no curve point in the at-risk interval starting at {start:g}; point "
                         f"({start:g}, {s[j]:.4f}) added by carrying the curve forward")
    lower = np.searchsorted(t, t_risk, side="left")
    upper = np.r_[lower[1:] - 1, len(t) - 1]
    return t, s, lower, upper, notes


def reconstruct(curve: pd.DataFrame, at_risk: pd.DataFrame | int, total_events: int | None = None, *,
                scale: SurvivalScale = "auto") -> GuyotResult:
    """Reconstruct patient data by the algorithm of Guyot et al. (2012), keeping its per-point working.

    Parameters are those of :func:`reconstruct_ipd`. Returns a :class:`GuyotResult` whose ``points``
    table has, per curve point, ``time``, ``survival``, ``n_risk`` (reconstructed), ``events``,
    ``censored`` (in the interval after the point) and ``km`` (reconstructed estimate).
    """
    prep = prepare_curve(curve, scale)
    notes = list(prep.notes)
    if isinstance(at_risk, (int, np.integer)):
        if at_risk <= 0:
            raise ValueError(f"the number of patients must be positive, got {at_risk}")
        t_risk, n_risk = np.array([0.0]), np.array([int(at_risk)])
    else:
        t_risk, n_risk = prepare_at_risk(at_risk)
    if len(t_risk) == 1:
        msg = ("no numbers-at-risk table beyond time 0: the reconstruction uses the total number of patients"
               + (" and events" if total_events is not None else " only (no censoring can be placed)")
               + "; censoring times are not identifiable and the curve's tail is uncertain")
        warnings.warn(msg, ReconstructionWarning, stacklevel=3)
        notes.append(msg)
    beyond = (t_risk > prep.time[-1]) & (n_risk == 0)
    if beyond.any():
        notes.append(f"{int(beyond.sum())} at-risk row(s) with nobody at risk after the end of the curve ignored")
        t_risk, n_risk = t_risk[~beyond], n_risk[~beyond]
    if total_events is not None and not 0 <= total_events <= n_risk[0]:
        raise ValueError(f"total_events={total_events} must lie between 0 and the number of patients {n_risk[0]}")
    t, s, lower, upper, added = _intervals(prep.time, prep.survival, t_risk)
    notes += added
    d, cen, n_hat, km, rounds_note = _guyot(t, s, lower, upper, n_risk.copy(), total_events)
    notes += rounds_note
    n = int(n_risk[0])
    times = [np.repeat(t, d), np.repeat((t[:-1] + t[1:]) / 2, cen[:-1])]
    events = [np.ones(int(d.sum()), int), np.zeros(int(cen[:-1].sum()), int)]
    rest = n - int(d.sum()) - int(cen[:-1].sum())
    # patients with neither an event nor a censoring are followed to the end of the curve
    times.append(np.full(rest, t[-1]))
    events.append(np.zeros(rest, int))
    ipd = pd.DataFrame({"time": np.concatenate(times), "event": np.concatenate(events)})
    ipd = ipd.sort_values(["time", "event"], ascending=[True, False], kind="stable").reset_index(drop=True)
    points = pd.DataFrame({"time": t, "survival": s, "n_risk": n_hat[:-1], "events": d, "censored": cen, "km": km})
    return GuyotResult(ipd, points, n, int(d.sum()), tuple(notes))


def _guyot(t, s, lower, upper, n_risk, total_events):
    n_int, n_t = len(n_risk), len(t)
    n_censor = np.zeros(n_int, int)
    n_hat = np.full(n_t + 1, n_risk[0] + 1, int)
    cen = np.zeros(n_t, int)
    d = np.zeros(n_t, int)
    km = np.ones(n_t)
    last_i = np.zeros(n_int, int)
    notes = []

    def events_pass(i: int, guard_last: bool) -> int:
        lo, hi = lower[i], upper[i]
        n_hat[lo] = n_risk[i]
        last = last_i[i]
        for k in range(lo, hi + 1):
            if i == 0 and k == lo:
                d[k], km[k] = 0, 1.0
            else:
                raw = np.rint(n_hat[k] * (1 - s[k] / km[last])) if km[last] > 0 else 0
                d[k] = min(max(int(raw), 0), n_hat[k])  # a point above the curve gives -1: no event
                km[k] = km[last] * (1 - d[k] / n_hat[k]) if n_hat[k] > 0 else km[last]
            if not (guard_last and k == hi):
                n_hat[k + 1] = n_hat[k] - d[k] - cen[k]
                if n_hat[k + 1] < 0:
                    n_hat[k + 1] = 0
                    cen[k] = n_hat[k] - d[k]
            if d[k] != 0:
                last = k
        return last

    def set_censoring(i: int, hi_break: int) -> None:
        lo = lower[i]
        if n_censor[i] <= 0 or hi_break <= lo:
            cen[lo:hi_break] = 0
            n_censor[i] = 0
        else:
            cen[lo:hi_break] = _spread_censoring(t, lo, hi_break, int(n_censor[i]))

    for i in range(n_int - 1):
        nxt = lower[i + 1]
        n_censor[i] = np.rint(n_risk[i] * s[nxt] / s[lower[i]] - n_risk[i + 1]) if s[lower[i]] > 0 else 0
        rounds = 0
        while n_hat[nxt] > n_risk[i + 1] or (n_hat[nxt] < n_risk[i + 1] and n_censor[i] > 0):
            set_censoring(i, nxt)
            last = events_pass(i, guard_last=False)
            n_censor[i] += n_hat[nxt] - n_risk[i + 1]
            rounds += 1
            if rounds == MAX_ROUNDS:
                notes.append(f"interval {i + 1}: censoring adjustment stopped after {MAX_ROUNDS} rounds")
                break
        if n_hat[nxt] < n_risk[i + 1]:
            n_risk[i + 1] = n_hat[nxt]
        last_i[i + 1] = last

    j = n_int - 1
    lo, hi = lower[j], upper[j]
    if n_int > 1:
        # carry on the average censoring rate of the earlier intervals
        span = t[upper[j - 1]] - t[lower[0]]
        rate = n_censor[:j].sum() * (t[hi] - t[lo]) / span if span > 0 else 0
        n_censor[j] = min(np.rint(rate), n_risk[j])
    if hi == lo and n_censor[j] > 0:
        notes.append("last at-risk interval holds a single curve point: no censoring placed in it")
    set_censoring(j, hi)
    events_pass(j, guard_last=False)

    if total_events is not None:
        sum_before = int(d[:upper[j - 1] + 1].sum()) if n_int > 1 else 0
        if n_int > 1 and sum_before >= total_events:
            d[lo:hi + 1] = 0
            cen[lo:hi] = 0
            n_hat[lo + 1:hi + 2] = n_risk[j]
            notes.append(f"events before the last interval ({sum_before}) already reach total_events; "
                         "no events placed after the last at-risk time")
        else:
            sumd, rounds = int(d.sum()), 0
            while sumd > total_events or (sumd < total_events and n_censor[j] > 0):
                n_censor[j] += sumd - total_events
                set_censoring(j, hi)
                events_pass(j, guard_last=True)
                sumd, rounds = int(d.sum()), rounds + 1
                if rounds == MAX_ROUNDS:
                    notes.append(f"matching total_events stopped after {MAX_ROUNDS} rounds at {sumd} events")
                    break
    return d, cen, n_hat, km, notes


def reconstruct_ipd(curve: pd.DataFrame, at_risk: pd.DataFrame | int, total_events: int | None = None, *,
                    scale: SurvivalScale = "auto") -> pd.DataFrame:
    """Reconstruct individual patient data from a digitised Kaplan-Meier curve (Guyot et al. 2012).

    Parameters
    ----------
    curve : pandas.DataFrame
        Digitised points, columns ``time`` (months) and ``survival`` (0-1, or percent 0-100).
        Noise is handled: readings that rise are rearranged into non-increasing order (values
        sorted over the sorted times), tied times are collapsed, readings within 0.01 above 1
        are clipped.
    at_risk : pandas.DataFrame or int
        Numbers-at-risk table, columns ``time`` (months, starting at 0) and ``n_risk``; or, when the
        publication has no table, the total number of patients (a :class:`ReconstructionWarning`
        is issued, as for a table with only the time-0 row).
    total_events : int, optional
        Total number of events reported; used to set the censoring in the last interval.
    scale : {"auto", "proportion", "percent"}
        Scale of ``survival``; ``"auto"`` reads percent when the largest value exceeds 1.5.

    Returns
    -------
    pandas.DataFrame
        One row per patient: ``time`` (months) and ``event`` (1 event, 0 censored). The number of
        rows equals the first at-risk count.

    Notes
    -----
    Between digitised points k-1 and k the events are ``d_k = round(n_k (1 - S_k / S^_last))``,
    where ``S^_last`` is the reconstructed KM at the last point with an event and ``n_k`` the
    reconstructed number at risk; ``n_{k+1} = n_k - d_k - c_k``. The censorings ``c_k`` of an
    interval are spread evenly over it and their total is adjusted until ``n`` at the next
    at-risk time equals the table. Censored patients are placed at the midpoint between points.
    See the module docstring for the documented departures from the published R code.

    References
    ----------
    Guyot P, Ades AE, Ouwens MJNM, Welton NJ. Enhanced secondary analysis of survival data:
    reconstructing the data from published Kaplan-Meier survival curves. BMC Med Res Methodol
    2012;12:9. doi:10.1186/1471-2288-12-9

    Example
    -------
    >>> curve = pd.DataFrame({"time": [0, 1, 2, 3, 4], "survival": [1.0, 0.8, 0.6, 0.5, 0.4]})
    >>> at_risk = pd.DataFrame({"time": [0, 2], "n_risk": [10, 6]})
    >>> len(reconstruct_ipd(curve, at_risk))
    10
    """
    return reconstruct(curve, at_risk, total_events, scale=scale).ipd
