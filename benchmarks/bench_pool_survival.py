"""Timing of living_review.survival.pool_survival on SIMULATED inputs.

    PYTHONPATH=src python benchmarks/bench_pool_survival.py

Targets: 20 studies x 50 times pooled in under 5 ms without Monte Carlo; the median CIs from
10,000 Monte Carlo draws in under 200 ms. Prints the best of several repeats. Measured: 2-3 ms and 80 ms (one BLAS thread).
"""

from __future__ import annotations

import os
import time

# Small matrices (50 x 50): BLAS threads cost more than they save on a busy machine (measured one
# 50 x 50 eigh at 0.5 ms with one thread, 18 ms with the default threads). Set before numpy loads.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np

from living_review.survival import pool_survival


def simulated_input(k: int = 20, t: int = 50, seed: int = 0):
    """k SIMULATED studies, each followed at all t times (months 1..t), exponential-like curves."""
    rng = np.random.default_rng(seed)
    study, times, n_risk, surv = [], [], [], []
    for i in range(k):
        n = rng.integers(40, 300)
        hazard = rng.uniform(0.03, 0.2)
        s = np.exp(-hazard * np.arange(1, t + 1)) * rng.uniform(0.97, 1.0)
        s = np.minimum.accumulate(s)
        entering = np.maximum(np.round(n * np.concatenate([[1.0], s[:-1]])), 1)
        study += [i] * t
        times += list(range(1, t + 1))
        n_risk += list(entering)
        surv += list(s)
    return study, times, n_risk, surv


def best_of(fn, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    args = simulated_input()
    pool_survival(*args)  # warm-up
    plain = best_of(lambda: pool_survival(*args), 20)
    mc = best_of(lambda: pool_survival(*args, n_draws=10_000, seed=1), 5)
    print(f"20 studies x 50 times, no Monte Carlo: {1000 * plain:.2f} ms (target < 5 ms)")
    print(f"same with 10,000 Monte Carlo draws (median CIs): {1000 * mc:.1f} ms (target < 200 ms)")


if __name__ == "__main__":
    main()
