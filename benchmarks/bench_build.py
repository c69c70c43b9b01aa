"""Benchmark of the HTML build: cold, unchanged, after a data change, serial against parallel.

Clones the project's committed state (``git clone`` of the current commit, so that only
tracked files take part) into a temporary folder and times ``make html`` there, using
this environment as it is (``INSTALL=no``; nothing is installed):

1. cold build with one process (``LIVING_REVIEW_JOBS=1``), after ``make clean``;
2. cold build on every core (the default), after ``make clean``;
3. no change;
4. one row changed in ``data/adverse_events.csv`` (a note, so the data stay valid);
5. one study added to ``data/studies.csv`` (a copy of ``wirth2021`` under a new id, not in
   the previous version, with its reference in ``book/references.bib`` and its risk-of-bias
   judgements);
6. with ``--tests``: ``python -m pytest -q`` (the whole suite: long).

Prints each time, its ratio to the cold build on every core, how many chapters each step
executed, the serial/parallel ratio of the cold builds, and the load average of the machine
before and after (the figures depend on what else runs on it).

Run: ``python benchmarks/bench_build.py [--keep DIR] [--tests]``.
The goals (2 cores): cold ≤ 35 s; no change ≤ 0.1 × cold; one adverse-event row ≤ 0.35 × cold;
one study ≤ 0.5 × cold; tests ≤ 3 min.
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COLD = "cold, parallel"
#: seconds, or a ratio to the cold build on every core
GOALS = {"cold, 1 process": None, COLD: 35, "tests": 180}
RATIOS = {"no change": 0.1, "one adverse-event row changed": 0.35, "one study added": 0.5}


def _env(root: Path, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("LIVING_REVIEW_BUILD_DIR", "SOURCE_DATE_EPOCH")}
    return {**env, "LIVING_REVIEW_ROOT": str(root), "PYTHONPATH": str(root / "src"), **extra}


def _make(root: Path, target: str, **extra: str) -> tuple[float, list[str]]:
    command = ["make", "-C", str(root), target, f"VENV={sys.prefix}", "INSTALL=no"]
    started = time.perf_counter()
    result = subprocess.run(command, env=_env(root, **extra), capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"'{' '.join(command)}' failed:\n{(result.stdout + result.stderr)[-4000:]}")
    return seconds, re.findall(r"Executed notebook in [0-9.]+ seconds: (\S+)", result.stdout)


def _change_adverse_event(root: Path) -> None:
    path = root / "data" / "adverse_events.csv"
    rows = list(csv.reader(path.open(newline="", encoding="utf-8")))
    notes = rows[0].index("notes")
    rows[1][notes] = (rows[1][notes] + " (checked)").strip()
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def _add_study(root: Path) -> None:
    path = root / "data" / "studies.csv"
    rows = list(csv.reader(path.open(newline="", encoding="utf-8")))
    header = rows[0]
    new = list(next(r for r in rows if r[0] == "wirth2021"))
    new[0] = "bench2026"
    for column in ("doi", "pmid", "registry_id"):
        new[header.index(column)] = ""
    new[header.index("in_previous_version")] = "false"
    with path.open("a", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerow(new)
    for table in ("risk_of_bias.csv", "biomarkers.csv"):  # its judgements and biomarker rows, as wirth2021's
        path = root / "data" / table
        if path.is_file():
            head, *rows = list(csv.reader(path.open(newline="", encoding="utf-8")))
            sid = head.index("study_id")
            with path.open("a", newline="", encoding="utf-8") as handle:
                csv.writer(handle, lineterminator="\n").writerows([*r[:sid], "bench2026", *r[sid + 1:]]
                                                                  for r in rows if r[sid] == "wirth2021")
    bib = root / "book" / "references.bib"
    text = bib.read_text(encoding="utf-8")
    start = text.index("@article{wirth2021,")
    end = text.index("\n}\n", start) + 3
    entry = re.sub(r"year\s*=\s*\{?\d{4}\}?", "year = {2026}", text[start:end].replace("{wirth2021,", "{bench2026,", 1))
    bib.write_text(text + "\n" + entry, encoding="utf-8")  # another year: another citation label


def _line(name: str, seconds: float, cold: float | None) -> str:
    """One figure: its time, its ratio to the cold build, and whether it meets its goal."""
    ratio = f"{seconds / cold:5.2f} x cold" if cold else " " * 12
    if name in RATIOS and cold:
        goal, met = f"goal <= {RATIOS[name]} x cold", seconds / cold <= RATIOS[name]
    elif GOALS.get(name) is not None:
        goal, met = f"goal <= {GOALS[name]} s", seconds <= GOALS[name]
    else:
        return f"{name:32s} {seconds:7.1f} s  {ratio}"
    return f"{name:32s} {seconds:7.1f} s  {ratio}  ({goal}: {'met' if met else 'not met'})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", metavar="DIR", help="build in DIR and keep it (default: a temporary folder)")
    parser.add_argument("--tests", action="store_true", help="also time the whole test suite (long)")
    args = parser.parse_args()
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-build-"))
    root = folder / "project"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(root)], check=True)
    print(f"cores: {os.cpu_count()}; load average before: {os.getloadavg()[0]:.1f}", flush=True)
    figures: dict[str, float] = {}

    def measure(name: str, target: str = "html", **extra: str) -> None:
        seconds, executed = _make(root, target, **extra)
        figures[name] = seconds
        print(_line(name, seconds, figures.get(COLD)) + f"  {len(executed):2d} chapter(s) executed"
              f"  [load {os.getloadavg()[0]:.1f}]", flush=True)
        twice = sorted({c for c in executed if executed.count(c) > 1})
        if 0 < len(set(executed)) < 20:
            print(f"{'':32s} executed: {', '.join(sorted(set(executed)))}", flush=True)
        if twice:
            print(f"{'':32s} executed twice: {', '.join(twice)}", flush=True)

    try:
        _make(root, "clean")
        measure("cold, 1 process", LIVING_REVIEW_JOBS="1")
        _make(root, "clean")
        measure("cold, parallel")
        measure("no change")
        _change_adverse_event(root)
        measure("one adverse-event row changed")
        _add_study(root)
        measure("one study added")
        if args.tests:
            started = time.perf_counter()
            subprocess.run([sys.executable, "-m", "pytest", "-q", "-n", "auto", "--dist", "loadscope"], cwd=root, env=_env(root), check=False)
            print(_line("tests", time.perf_counter() - started, figures.get(COLD)), flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    serial, parallel = figures["cold, 1 process"], figures["cold, parallel"]
    print(f"serial/parallel ratio of the cold build: {serial / parallel:.2f}")


if __name__ == "__main__":
    main()
