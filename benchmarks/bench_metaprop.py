"""Time a sensitivity grid (11 tau² estimators × 5 transforms, each with leave-one-out and
cumulative analysis, 30 studies) in living_review.meta and in R metafor, and print the ratio.

Run: python benchmarks/bench_metaprop.py [--repeats 5]
R's side (benchmarks/bench_metaprop.R) runs when ``Rscript`` is on the PATH.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import time
import warnings
from pathlib import Path

import numpy as np

from living_review.meta import metaprop
from living_review.meta.effects import TRANSFORMS
from living_review.meta.influence import cumulative, leave_one_out
from living_review.meta.tau2 import TAU2_METHODS

K = 30


def data(k: int = K, seed: int = 2024):
    """30 synthetic single-arm studies: sizes 12-150, response logit ~ N(-1, 0.6²), years 2005-2024."""
    rng = np.random.default_rng(seed)
    n = rng.integers(12, 151, k)
    x = rng.binomial(n, 1 / (1 + np.exp(-rng.normal(-1.0, 0.6, k))))
    years = rng.integers(2005, 2025, k)
    return x, n, years


def grid(x, n, years) -> int:
    fits = 0
    for tr in TRANSFORMS:
        for m in TAU2_METHODS:
            metaprop(x, n, transform=tr, tau2_method=m)
            leave_one_out(x, n, transform=tr, tau2_method=m)
            cumulative(x, n, years, transform=tr, tau2_method=m)
            fits += 1 + 2 * len(x)
    return fits


def time_python(x, n, years, repeats):
    fits = grid(x, n, years)  # warm-up (imports, caches)
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        grid(x, n, years)
        times.append(time.perf_counter() - t0)
    return statistics.median(times), fits


def time_r(x, n, years, repeats):
    script = Path(__file__).with_name("bench_metaprop.R")
    out = subprocess.run(["Rscript", str(script), ",".join(map(str, x)), ",".join(map(str, n)),
                          ",".join(map(str, years)), str(repeats)], check=True, capture_output=True, text=True)
    res = json.loads(out.stdout.strip().splitlines()[-1])
    return res["seconds"], res["fits"]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args(argv)
    x, n, years = data()
    warnings.simplefilter("ignore")
    py_s, fits = time_python(x, n, years, args.repeats)
    print(f"grid: {len(TRANSFORMS)} transforms x {len(TAU2_METHODS)} estimators x (1 + leave-one-out + cumulative), "
          f"k = {K}: {fits} fits")
    print(f"python (living_review.meta): {py_s:.3f} s per grid, {1e3 * py_s / fits:.3f} ms per fit")
    if shutil.which("Rscript") is None:
        print("R: Rscript not found, ratio not computed")
        return 0
    r_s, r_fits = time_r(x, n, years, args.repeats)
    assert r_fits == fits, (r_fits, fits)
    print(f"R (metafor rma + leave1out + cumul): {r_s:.3f} s per grid, {1e3 * r_s / fits:.3f} ms per fit")
    print(f"ratio R / python per fit: {r_s / py_s:.1f}x ({'faster' if py_s < r_s else 'slower'} than metafor)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
