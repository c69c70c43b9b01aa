"""Benchmark: reconstruct a 500-patient Kaplan-Meier curve from 300 digitised points (target < 1 s).

All data here are SIMULATED: 500 exponential survival times (median 5 months) with uniform
censoring, the lifelines Kaplan-Meier curve read at 300 evenly spaced times (as a digitiser
clicking along the curve), and the numbers at risk every 3 months.

Run:  python benchmarks/bench_guyot.py [--repeat 7]
Prints the median and the slowest of the repeats; exits with status 1 if the slowest exceeds 1 s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

import numpy as np
import pandas as pd
from lifelines import KaplanMeierFitter

from living_review.survival.guyot import reconstruct_ipd

TARGET_SECONDS = 1.0


def simulated_inputs(n: int = 500, n_points: int = 300, seed: int = 2012) -> tuple[pd.DataFrame, pd.DataFrame]:
    """SIMULATED digitised curve (``n_points`` points) and at-risk table for ``n`` patients."""
    rng = np.random.default_rng(seed)
    event_t = rng.exponential(5 / np.log(2), n)
    cens_t = np.minimum(rng.uniform(0, 40, n), 24)
    t = np.minimum(event_t, cens_t)
    e = (event_t <= cens_t).astype(int)
    kmf = KaplanMeierFitter().fit(t, e)
    grid = np.linspace(0, t.max(), n_points)
    curve = pd.DataFrame({"time": grid, "survival": kmf.survival_function_at_times(grid).to_numpy()})
    risk_t = np.arange(0, t.max(), 3.0)
    at_risk = pd.DataFrame({"time": risk_t, "n_risk": [(t >= x).sum() for x in risk_t]})
    return curve, at_risk


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)
    curve, at_risk = simulated_inputs()
    reconstruct_ipd(curve, at_risk)  # warm-up: imports and first-call costs are not the algorithm's
    times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        ipd = reconstruct_ipd(curve, at_risk)
        times.append(time.perf_counter() - start)
    print(f"reconstruct_ipd, SIMULATED 500 patients from {len(curve)} digitised points, "
          f"{len(at_risk)} at-risk times: median {statistics.median(times):.3f} s, "
          f"slowest {max(times):.3f} s over {args.repeat} runs ({len(ipd)} patients; target < {TARGET_SECONDS:.0f} s)")
    return 0 if max(times) < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
