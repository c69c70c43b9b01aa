"""Write the inputs and the R outputs used by test_guyot.py's agreement tests (SIMULATED data).

Run from the project root with R installed:  python tests/survival/r/make_guyot_cases.py
Each case is a SIMULATED patient sample; the curve is read at the lower corner of every step (so
times are strictly increasing, which the published R code needs), plus the start and end of the
curve; the at-risk table is taken every 3 months. The script writes, per case, ``<case>_curve.tsv``
and ``<case>_atrisk.tsv`` (inputs in the layout of the published code), and ``<case>_km_R.tsv`` and
``<case>_ipd_R.tsv`` (outputs of tests/survival/r/guyot_2012.R), into tests/survival/fixtures/guyot_r/.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "fixtures" / "guyot_r"
CASES = [  # name, n, distribution, seed, pass total events
    ("exp_n25", 25, "exponential", 3, False),
    ("exp_n60_events", 60, "exponential", 4, True),
    ("weib_n100", 100, "weibull", 5, False),
    ("weib_n150_events", 150, "weibull", 6, True),
    ("exp_n300", 300, "exponential", 7, False),
    ("weib_n40_events", 40, "weibull", 8, True),
]


def simulated_case(n: int, dist: str, seed: int):
    sys.path.insert(0, str(HERE.parent))
    from conftest import at_risk_table, km_steps, simulate_ipd  # noqa: E402  (functions of this test folder)

    ipd = simulate_ipd(n, dist, seed)
    t, s = km_steps(ipd)
    jumps = np.flatnonzero(np.diff(s) != 0) + 1
    ct = np.r_[0.0, t[jumps]]
    cs = np.r_[1.0, s[jumps]]
    if ipd["time"].max() > ct[-1]:
        ct, cs = np.r_[ct, ipd["time"].max()], np.r_[cs, cs[-1]]
    ar = at_risk_table(ipd)
    lower = np.searchsorted(ct, ar["time"].to_numpy(), side="left")
    upper = np.r_[lower[1:] - 1, len(ct) - 1]
    keep = lower <= upper  # an at-risk interval without a point is an edge case R cannot run
    ar, lower, upper = ar[keep], lower[keep], np.r_[lower[keep][1:] - 1, len(ct) - 1]
    if lower[-1] == upper[-1]:  # a one-point last interval is another edge case R cannot run
        ar, lower, upper = ar.iloc[:-1], lower[:-1], np.r_[lower[1:-1] - 1, len(ct) - 1]
    return ipd, ct, cs, ar, lower, upper


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, n, dist, seed, with_events in CASES:
        ipd, ct, cs, ar, lower, upper = simulated_case(n, dist, seed)
        curve = pd.DataFrame({"k": np.arange(1, len(ct) + 1), "TIME": ct, "S": cs})
        risk = pd.DataFrame({"i": np.arange(1, len(ar) + 1), "t.risk": ar["time"].to_numpy(),
                             "lower": lower + 1, "upper": upper + 1, "n.risk": ar["n_risk"].to_numpy()})
        curve.to_csv(OUT / f"{name}_curve.tsv", sep="\t", index=False, float_format="%.10g")
        risk.to_csv(OUT / f"{name}_atrisk.tsv", sep="\t", index=False, float_format="%.10g")
        events = str(int(ipd["event"].sum())) if with_events else "NA"
        (OUT / f"{name}_events.txt").write_text(events + "\n")
        subprocess.run(["Rscript", str(HERE / "guyot_2012.R"), str(OUT / f"{name}_curve.tsv"),
                        str(OUT / f"{name}_atrisk.tsv"), events, str(OUT / f"{name}_km_R.tsv"),
                        str(OUT / f"{name}_ipd_R.tsv")], check=True)
        print(name, "written")


if __name__ == "__main__":
    main()
