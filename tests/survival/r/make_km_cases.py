"""Write the patient data and R survival outputs used by test_km.py (SIMULATED data).

Run from the project root with R installed:  python tests/survival/r/make_km_cases.py
Patients are reconstructed with living_review.survival.guyot from three of the SIMULATED curves in
tests/survival/fixtures/guyot_r/; tests/survival/r/km_survival.R then writes survfit's Kaplan-Meier
table and survdiff's log-rank statistics into tests/survival/fixtures/km_r/.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pandas as pd

from living_review.survival.guyot import reconstruct_ipd

HERE = Path(__file__).resolve().parent
CASES = HERE.parent / "fixtures" / "guyot_r"
OUT = HERE.parent / "fixtures" / "km_r"
NAMES = ("weib_n100", "exp_n300", "weib_n40_events")


def case(name: str) -> pd.DataFrame:
    curve = pd.read_csv(CASES / f"{name}_curve.tsv", sep="\t")
    risk = pd.read_csv(CASES / f"{name}_atrisk.tsv", sep="\t")
    events = (CASES / f"{name}_events.txt").read_text().strip()
    ipd = reconstruct_ipd(pd.DataFrame({"time": curve["TIME"], "survival": curve["S"]}),
                          pd.DataFrame({"time": risk["t.risk"], "n_risk": risk["n.risk"]}),
                          None if events == "NA" else int(events))
    return ipd.assign(group=name)[["group", "time", "event"]]


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    pd.concat([case(n) for n in NAMES]).to_csv(OUT / "ipd.tsv", sep="\t", index=False, float_format="%.17g")
    subprocess.run(["Rscript", str(HERE / "km_survival.R"), str(OUT / "ipd.tsv"), str(OUT / "km_R.tsv"),
                    str(OUT / "logrank_R.tsv")], check=True)


if __name__ == "__main__":
    main()
