"""Tests for living_review.survival.guyot (Guyot et al. 2012 reconstruction). All data SIMULATED.

Round trip: SIMULATED patients -> lifelines Kaplan-Meier -> read at the step corners as a digitiser
would (optionally with uniform noise of +/-0.004 in survival and +/-0.05 month in time) ->
reconstruct -> lifelines KM of the reconstruction; the distance is the largest vertical gap
between two step functions. Bounds are those stated in issue 8 for a faithful implementation.
Measured with this design over seeds 0-99 (exponential / Weibull): noise-free max distance 0.110 /
0.095 (n=25), 0.063 / 0.051 (n=60), 0.026 / 0.043 (n=150), 0.022 / 0.020 (n=300); with noise, the
excess over the digitised points' own distance max 0.033 / 0.027 (n=25), 0.013 / 0.013 (n=60),
0.005 / 0.010 (n=150), 0.000 / 0.003 (n=300). The tests use seeds 0-19. (Time noise can swap the
two corners of a drop; averaging them instead of sorting them gave 0.070 at n=25, see
test_swapped_corners_keep_their_drop.)

Agreement: committed inputs and outputs of tests/survival/r/guyot_2012.R (the published R code)
made by tests/survival/r/make_guyot_cases.py; re-run when Rscript is installed.
"""

import shutil
import subprocess
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from living_review.survival.guyot import ReconstructionWarning, reconstruct, reconstruct_ipd

HERE = Path(__file__).parent
CASES = HERE / "fixtures" / "guyot_r"
R_SCRIPT = HERE / "r" / "guyot_2012.R"
HAS_R = shutil.which("Rscript") is not None
SEEDS = range(20)


def _round_trip(sim, n, dist, seed, noisy):
    ipd = sim.simulate_ipd(n, dist, seed)
    true = sim.km_steps(ipd)
    curve = sim.digitise(ipd, seed + 1000, 0.004, 0.05) if noisy else sim.digitise(ipd)
    at_risk = sim.at_risk_table(ipd)
    rec = reconstruct_ipd(curve, at_risk)
    assert len(rec) == at_risk["n_risk"].iloc[0] == n
    return sim.sup_distance(true, sim.km_steps(rec)), sim.sup_distance(true, sim.digitised_steps(curve))


@pytest.mark.parametrize("dist", ["exponential", "weibull"])
@pytest.mark.parametrize("n", [25, 60, 150, 300])
def test_round_trip_noise_free(sim, n, dist):
    bound = 0.12 if n == 25 else 0.07
    worst = max(_round_trip(sim, n, dist, seed, noisy=False)[0] for seed in SEEDS)
    assert worst < bound


@pytest.mark.parametrize("dist", ["exponential", "weibull"])
@pytest.mark.parametrize("n", [25, 60, 150, 300])
def test_round_trip_with_digitising_noise(sim, n, dist):
    excess = np.array([np.subtract(*_round_trip(sim, n, dist, seed, noisy=True)) for seed in SEEDS])
    assert excess.max() <= (0.03 if n >= 60 else 0.05)


def test_swapped_corners_keep_their_drop():
    # 4 SIMULATED patients, events at 1, 2, 3, 4; time noise read the bottom corner of the drop at 3
    # (2.98, 0.25) before its top corner (3.02, 0.5). Averaging the two (0.375) would give
    # round(2 * (1 - 0.375 / 0.5)) = 0 events there and move the event to 4; sorting keeps it.
    curve = pd.DataFrame({"time": [0, 1, 1, 2, 2, 3.02, 2.98, 4, 4],
                          "survival": [1, 1, .75, .75, .5, .5, .25, .25, 0]})
    res = reconstruct(curve, pd.DataFrame({"time": [0, 3], "n_risk": [4, 2]}))
    np.testing.assert_allclose(res.ipd["time"], [1, 2, 3.02, 4])
    assert res.ipd["event"].tolist() == [1, 1, 1, 1]
    assert any("rearranged" in note for note in res.notes)


def test_median_error_is_reported_and_small_for_large_n(sim):
    from lifelines.utils import median_survival_times
    from lifelines import KaplanMeierFitter

    errors = {}
    for n in (25, 300):
        errs = []
        for seed in range(10):
            ipd = sim.simulate_ipd(n, "weibull", seed)
            rec = reconstruct_ipd(sim.digitise(ipd, seed, 0.004, 0.05), sim.at_risk_table(ipd))
            med = [median_survival_times(KaplanMeierFitter().fit(d["time"], d["event"])) for d in (ipd, rec)]
            errs.append(abs(med[0] - med[1]))
        errors[n] = max(errs)
    print(f"largest |median error| (months): n=25 {errors[25]:.3f}, n=300 {errors[300]:.3f}")
    assert errors[300] < 0.25  # measured 0.05 (step corners move by at most the 0.05-month noise)


def _fixture_case(name):
    curve = pd.read_csv(CASES / f"{name}_curve.tsv", sep="\t")
    risk = pd.read_csv(CASES / f"{name}_atrisk.tsv", sep="\t")
    events = (CASES / f"{name}_events.txt").read_text().strip()
    return (pd.DataFrame({"time": curve["TIME"], "survival": curve["S"]}),
            pd.DataFrame({"time": risk["t.risk"], "n_risk": risk["n.risk"]}),
            None if events == "NA" else int(events))


R_CASES = sorted(p.name[: -len("_curve.tsv")] for p in CASES.glob("*_curve.tsv"))


@pytest.mark.parametrize("name", R_CASES)
def test_matches_published_r_code(name):
    curve, at_risk, events = _fixture_case(name)
    res = reconstruct(curve, at_risk, events)
    km_r = pd.read_csv(CASES / f"{name}_km_R.tsv", sep="\t")
    ipd_r = pd.read_csv(CASES / f"{name}_ipd_R.tsv", sep="\t")
    assert res.notes == ()
    np.testing.assert_array_equal(res.points["events"], km_r["events"])
    np.testing.assert_array_equal(res.points["n_risk"], km_r["n_risk"])
    # the last point's censoring is never used to form patients (published code: j in 1:(n.t-1))
    np.testing.assert_array_equal(res.points["censored"].iloc[:-1], km_r["censored"].iloc[:-1])
    key = ["time", "event"]
    a = ipd_r[key].sort_values(key).reset_index(drop=True)
    b = res.ipd[key].sort_values(key).reset_index(drop=True)
    np.testing.assert_allclose(b["time"], a["time"], rtol=0, atol=1e-9)
    np.testing.assert_array_equal(b["event"], a["event"])


def test_fixture_set_is_complete():
    assert len(R_CASES) == 6


def _run_r(tmp_path, curve_t, curve_s, t_risk, lower, upper, n_risk, events="NA"):
    pd.DataFrame({"k": range(1, len(curve_t) + 1), "TIME": curve_t, "S": curve_s}).to_csv(
        tmp_path / "c.tsv", sep="\t", index=False)
    pd.DataFrame({"i": range(1, len(t_risk) + 1), "t.risk": t_risk, "lower": lower, "upper": upper,
                  "n.risk": n_risk}).to_csv(tmp_path / "r.tsv", sep="\t", index=False)
    out = subprocess.run(["Rscript", str(R_SCRIPT), str(tmp_path / "c.tsv"), str(tmp_path / "r.tsv"), events,
                          str(tmp_path / "km.tsv"), str(tmp_path / "ipd.tsv")], capture_output=True, text=True)
    if out.returncode != 0:
        return None
    return pd.read_csv(tmp_path / "km.tsv", sep="\t")


@pytest.mark.slow
@pytest.mark.r
@pytest.mark.skipif(not HAS_R, reason="Rscript not installed")
@pytest.mark.parametrize("name", R_CASES)
def test_committed_r_outputs_still_reproduce(tmp_path, name):
    curve = pd.read_csv(CASES / f"{name}_curve.tsv", sep="\t")
    risk = pd.read_csv(CASES / f"{name}_atrisk.tsv", sep="\t")
    km = _run_r(tmp_path, curve["TIME"], curve["S"], risk["t.risk"], risk["lower"], risk["upper"], risk["n.risk"],
                (CASES / f"{name}_events.txt").read_text().strip())
    pd.testing.assert_frame_equal(km, pd.read_csv(CASES / f"{name}_km_R.tsv", sep="\t"))


# --- documented edge cases the published code cannot handle ---------------------------------------

EDGE = {
    # two readings at each drop (top and bottom corner): tied times
    "tied_times": (pd.DataFrame({"time": [0, 1, 1, 2, 2, 3, 4, 5, 5, 6],
                                 "survival": [1, 1, .9, .9, .75, .75, .75, .75, .6, .6]}),
                   pd.DataFrame({"time": [0, 3], "n_risk": [20, 12]}), None),
    # 0.65 -> 4 events of 10 gives KM 0.60 below the next reading 0.65: the published code rounds to -1
    "minus_one": (pd.DataFrame({"time": [0, 1, 2, 3], "survival": [1, .65, .65, .48]}), 10, None),
    # no curve point between at-risk times 2 and 4
    "empty_interval": (pd.DataFrame({"time": [0, .5, 1, 1.5, 4.5, 5, 6], "survival": [1, .9, .8, .7, .5, .4, .4]}),
                       pd.DataFrame({"time": [0, 2, 4], "n_risk": [30, 20, 12]}), None),
    # the last at-risk interval holds one point
    "single_last": (pd.DataFrame({"time": [0, 1, 2, 3, 4, 5, 7], "survival": [1, .9, .8, .7, .6, .5, .45]}),
                    pd.DataFrame({"time": [0, 3, 6], "n_risk": [40, 25, 10]}), None),
}


@pytest.mark.parametrize("case", sorted(EDGE))
def test_edge_cases_give_valid_patient_data(case):
    curve, at_risk, events = EDGE[case]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ReconstructionWarning)
        res = reconstruct(curve, at_risk, events)
    n = at_risk if isinstance(at_risk, int) else at_risk["n_risk"].iloc[0]
    assert len(res.ipd) == n
    assert (res.points[["events", "censored", "n_risk"]] >= 0).all().all()
    assert set(res.ipd["event"]) <= {0, 1} and (res.ipd["time"] >= 0).all()
    if case == "tied_times":
        assert any("tied times" in note for note in res.notes)
    if case == "empty_interval":
        assert 2.0 in res.points["time"].to_numpy() and any("carrying the curve forward" in x for x in res.notes)
    if case == "single_last":
        assert res.points["time"].iloc[-1] == 7


@pytest.mark.slow
@pytest.mark.r
@pytest.mark.skipif(not HAS_R, reason="Rscript not installed")
def test_published_code_on_the_edge_cases(tmp_path):
    # tied times: hist() accepts the repeated breaks (zero-width bins); here the patients agree
    c = EDGE["tied_times"][0]
    assert _run_r(tmp_path, c["time"], c["survival"], [0, 3], [1, 6], [5, 10], [20, 12]) is not None
    ipd_r = pd.read_csv(tmp_path / "ipd.tsv", sep="\t").sort_values(["time", "event"]).reset_index(drop=True)
    ours = reconstruct_ipd(c, EDGE["tied_times"][1]).sort_values(["time", "event"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(ipd_r[["time", "event"]].astype(float), ours.astype(float))
    # rounding to -1: rep() with a negative count stops the IPD step
    c = EDGE["minus_one"][0]
    assert _run_r(tmp_path, c["time"], c["survival"], [0], [1], [4], [10]) is None
    # empty interval: lower > upper for the second interval
    c = EDGE["empty_interval"][0]
    km = _run_r(tmp_path, c["time"], c["survival"], [0, 2, 4], [1, 5, 5], [4, 4, 7], [30, 20, 12])
    assert km is None or (km[["events", "censored", "n_risk"]] < 0).any().any()
    # single point in the last interval: cen[lower:(upper-1)] runs backwards and wipes the censoring of
    # the point before, so the counts no longer add up: n(5) - d(5) - c(5) != n(7)
    c = EDGE["single_last"][0]
    km = _run_r(tmp_path, c["time"], c["survival"], [0, 3, 6], [1, 4, 7], [3, 6, 7], [40, 25, 10], "30")
    assert km.loc[5, "n_risk"] - km.loc[5, "events"] - km.loc[5, "censored"] != km.loc[6, "n_risk"]
    ours = reconstruct(c, EDGE["single_last"][1], 30).points
    assert ours.loc[5, "n_risk"] - ours.loc[5, "events"] - ours.loc[5, "censored"] == ours.loc[6, "n_risk"]


# --- input handling ---------------------------------------------------------------------------------

def test_percent_input_equals_proportions(sim):
    ipd = sim.simulate_ipd(80, "exponential", 1)
    curve, at_risk = sim.digitise(ipd), sim.at_risk_table(ipd)
    pct = curve.assign(survival=curve["survival"] * 100)
    pd.testing.assert_frame_equal(reconstruct_ipd(pct, at_risk), reconstruct_ipd(curve, at_risk))
    pd.testing.assert_frame_equal(reconstruct_ipd(pct, at_risk, scale="percent"), reconstruct_ipd(curve, at_risk))


def test_points_past_last_at_risk_time_form_the_last_interval(sim):
    ipd = sim.simulate_ipd(100, "weibull", 2)
    curve = sim.digitise(ipd)
    at_risk = sim.at_risk_table(ipd).iloc[:3]  # table stops at 6 months; curve runs to 24
    res = reconstruct(curve, at_risk, int(ipd["event"].sum()))
    assert len(res.ipd) == 100 and res.n_events == ipd["event"].sum()
    assert res.ipd.loc[res.ipd["event"] == 1, "time"].max() > 6


def test_missing_at_risk_table_uses_n_and_events_with_warning(sim):
    ipd = sim.simulate_ipd(60, "exponential", 3)
    with pytest.warns(ReconstructionWarning, match="total number of patients and events"):
        res = reconstruct(sim.digitise(ipd), 60, int(ipd["event"].sum()))
    assert len(res.ipd) == 60 and res.n_events == ipd["event"].sum()
    with pytest.warns(ReconstructionWarning, match="only"):
        assert len(reconstruct_ipd(sim.digitise(ipd), 60)) == 60


def _from_file(df, name):
    df = df.copy()
    df.index = range(2, len(df) + 2)  # line numbers in the file, header on line 1
    df.attrs["source"] = name
    return df


@pytest.mark.parametrize("curve, at_risk, message", [
    (pd.DataFrame({"time": [0, 1, 2], "survival": [1.0, 1.2, 0.8]}), None,
     r"study_os\.csv row 3: survival 1\.2 is above 1.*scale='percent'"),
    (pd.DataFrame({"time": [0, -1, 2], "survival": [1.0, 0.9, 0.8]}), None, r"study_os\.csv row 3: negative time"),
    (pd.DataFrame({"time": [], "survival": []}), None, r"study_os\.csv: the curve is empty"),
    (pd.DataFrame({"time": [0, 1, 2], "survival": [1.0, 0.9, 0.8]}),
     pd.DataFrame({"time": [0, 1, 2], "n_risk": [10, 8, 9]}), r"study_os_atrisk\.csv row 4: n_risk rises from 8 to 9"),
])
def test_bad_input_names_file_and_row(curve, at_risk, message):
    at_risk = pd.DataFrame({"time": [0], "n_risk": [10]}) if at_risk is None else at_risk
    with pytest.raises(ValueError, match=message):
        reconstruct_ipd(_from_file(curve, "study_os.csv"), _from_file(at_risk, "study_os_atrisk.csv"))


def test_bad_scale_lists_choices():
    with pytest.raises(ValueError, match="choose one of auto, proportion, percent"):
        reconstruct_ipd(pd.DataFrame({"time": [0, 1], "survival": [1, .5]}), 4, scale="fraction")


def test_public_entry_point_and_speed(sim):
    import time

    from living_review.survival import reconstruct_ipd as public

    ipd = sim.simulate_ipd(500, "exponential", 11)  # SIMULATED
    t, s = sim.km_steps(ipd)
    grid = np.linspace(0, t[-1], 300)
    curve = pd.DataFrame({"time": grid, "survival": s[np.searchsorted(t, grid, side="right") - 1]})
    start = time.perf_counter()
    rec = public(curve, sim.at_risk_table(ipd))
    assert time.perf_counter() - start < 1.0  # issue 8: under 1 s; benchmarks/bench_guyot.py measures ~0.005 s
    assert len(rec) == 500
