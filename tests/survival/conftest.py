"""Simulated survival data for the survival tests. Everything here is SIMULATED, never study data.

The functions are exposed as fixtures (the test files cannot import this module under
``--import-mode=importlib``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from lifelines import KaplanMeierFitter


def simulate_ipd(n: int, dist: str, seed: int, follow_up: float = 24.0) -> pd.DataFrame:
    """SIMULATED patients: exponential (median 5 months) or Weibull (shape 1.4, median 6 months) event
    times, uniform dropout on (0, 40) months and administrative censoring at ``follow_up``."""
    rng = np.random.default_rng(seed)
    if dist == "exponential":
        event_t = rng.exponential(5 / np.log(2), n)
    elif dist == "weibull":
        shape = 1.4
        event_t = 6 / np.log(2) ** (1 / shape) * rng.weibull(shape, n)
    else:
        raise ValueError(dist)
    cens_t = np.minimum(rng.uniform(0, 40, n), follow_up)
    # digitisers work from figures drawn to 0.01 month at best; round so that tied times can occur
    time = np.round(np.minimum(event_t, cens_t), 2)
    time = np.maximum(time, 0.01)
    out = pd.DataFrame({"time": time, "event": (event_t <= cens_t).astype(int)})
    out.attrs["simulated"] = True
    return out


def km_steps(ipd: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Kaplan-Meier estimate (lifelines) as a right-continuous step function: times from 0, values."""
    kmf = KaplanMeierFitter().fit(ipd["time"], ipd["event"])
    sf = kmf.survival_function_.iloc[:, 0]
    return sf.index.to_numpy(float), sf.to_numpy(float)


def step_value(times: np.ndarray, values: np.ndarray, at: np.ndarray) -> np.ndarray:
    idx = np.searchsorted(times, at, side="right") - 1
    return values[np.clip(idx, 0, None)]


def sup_distance(a: tuple[np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray]) -> float:
    """Largest vertical distance between two right-continuous step functions (attained at a jump)."""
    grid = np.union1d(a[0], b[0])
    return float(np.max(np.abs(step_value(*a, grid) - step_value(*b, grid))))


def digitise(ipd: pd.DataFrame, seed: int | None = None, s_noise: float = 0.0, t_noise: float = 0.0) -> pd.DataFrame:
    """Read the KM curve of SIMULATED ``ipd`` as a digitiser would: both corners of every step, the start
    and the end of the curve; optional uniform noise of +/- ``s_noise`` (survival) and +/- ``t_noise``
    (months). Times are kept at or above 0, as a reading left of the y axis would be discarded."""
    t, s = km_steps(ipd)
    jumps = np.flatnonzero(np.diff(s) != 0) + 1
    pts_t = np.r_[0.0, np.repeat(t[jumps], 2), ipd["time"].max()]
    pts_s = np.r_[1.0, np.column_stack([s[jumps - 1], s[jumps]]).ravel(), s[-1]]
    if seed is not None:
        rng = np.random.default_rng(seed)
        pts_t = np.maximum(pts_t + rng.uniform(-t_noise, t_noise, len(pts_t)), 0.0)
        pts_s = pts_s + rng.uniform(-s_noise, s_noise, len(pts_s))
    return pd.DataFrame({"time": pts_t, "survival": pts_s})


def at_risk_table(ipd: pd.DataFrame, every: float = 3.0) -> pd.DataFrame:
    times = np.arange(0, ipd["time"].max(), every)
    return pd.DataFrame({"time": times, "n_risk": [(ipd["time"] >= x).sum() for x in times]})


def digitised_steps(curve: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """The step function the raw digitised points draw (sorted by time; at tied times the last reading)."""
    c = curve.sort_values("time", kind="stable")
    keep = np.r_[c["time"].to_numpy()[1:] != c["time"].to_numpy()[:-1], True]
    return c["time"].to_numpy()[keep], c["survival"].to_numpy()[keep]


class Sim:
    simulate_ipd = staticmethod(simulate_ipd)
    km_steps = staticmethod(km_steps)
    sup_distance = staticmethod(sup_distance)
    digitise = staticmethod(digitise)
    at_risk_table = staticmethod(at_risk_table)
    digitised_steps = staticmethod(digitised_steps)


@pytest.fixture
def sim():
    """Functions that make SIMULATED data for the survival tests."""
    return Sim
