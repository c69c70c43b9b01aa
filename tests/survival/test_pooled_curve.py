"""Tests for living_review.survival.pooled_curve (Combescure, Foucher & Jackson 2014; msurv 0.1.0).

References: (1) the msurv example printed in metaSurvival's README (fixtures/msurv_readme_*.csv, with the
Cabibbo data of fixtures/msurv_exampledata.csv); (2) metafor for the one-time case
(tests/survival/r/pooled_curve_metafor.R); (3) hand computations written beside each value;
(4) a simulation with known Weibull curves through Kaplan-Meier (SIMULATED data).
"""

from dataclasses import FrozenInstanceError
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from living_review.survival import pool_survival
from living_review.survival.km import km_on_grid

FIX = Path(__file__).parent / "fixtures"
VARIANTS = {"correction_0.25_0.5": (0.25, 0.5), "no_correction": None}


def _half_unit(text: str) -> float:
    """Half a unit in the last printed digit of ``text`` (plus float slack)."""
    decimals = len(text.split(".")[1]) if "." in text else 0
    return 0.5 * 10.0 ** -decimals + 1e-12


@pytest.fixture(scope="module")
def example():
    return pd.read_csv(FIX / "msurv_exampledata.csv", comment="#")


@pytest.fixture(scope="module")
def fits(example):
    return {v: pool_survival(example["Study"], example["Time"], example["NbRisk"], example["Survival"], correction=c,
                             n_draws=10000, seed=20140101) for v, c in VARIANTS.items()}


def test_reproduces_every_printed_digit_of_the_msurv_curves(fits):
    printed = pd.read_csv(FIX / "msurv_readme_curves.csv", comment="#", dtype=str)
    assert len(printed) == 80
    for r in printed.itertuples():
        curve = getattr(fits[r.variant], r.model).set_index("time")
        for col in ("survival", "ci_low", "ci_high"):
            text = getattr(r, col)
            got = curve.loc[float(r.time), col]
            assert abs(got - float(text)) <= _half_unit(text), (r.variant, r.model, r.time, col, got, text)


def test_reproduces_the_printed_medians_means_and_heterogeneity(fits):
    printed = pd.read_csv(FIX / "msurv_readme_scalars.csv", comment="#", dtype=str).set_index(["variant", "quantity"])
    for variant, res in fits.items():
        values = {"median_fixed": res.median_fixed, "median_random": res.median_random, "mean_fixed": res.mean_fixed,
                  "mean_random": res.mean_random, "heterogeneity_q": res.q, "heterogeneity_h2": res.h2,
                  "heterogeneity_i2_pct": 100 * res.i2}
        for quantity, got in values.items():
            text = printed.loc[(variant, quantity), "estimate"]
            assert abs(got - float(text)) <= _half_unit(text), (variant, quantity, got, text)


# Spread (SD) of each Monte Carlo median limit with 10,000 draws, measured over seeds 0-19 on the example:
# fixed 0.004 / 0.007, random 0.013 / 0.023 months. msurv draws unseeded, so its printed limits are one
# draw of the same distribution; running msurv 0.1.0 with set.seed(1..8) gave means 5.964, 7.156, 4.485,
# 6.724, against our 5.965, 7.154, 4.483, 6.708. The printed random upper limit (6.790) lies 3.6 SD out.
MC_SD = {"median_fixed": (0.004, 0.007), "median_random": (0.013, 0.023)}


def test_monte_carlo_median_limits_agree_with_msurv_within_monte_carlo_error(example):
    # the printed limits are one msurv run: compare them with the mean of 5 seeded runs of ours, allowing
    # 5 SD of a single run
    printed = pd.read_csv(FIX / "msurv_readme_scalars.csv", comment="#").set_index(["variant", "quantity"])
    runs = [pool_survival(example["Study"], example["Time"], example["NbRisk"], example["Survival"], n_draws=10000,
                          seed=seed) for seed in range(5)]
    for quantity in MC_SD:
        ours = np.mean([getattr(r, f"{quantity}_ci") for r in runs], axis=0)
        row = printed.loc[("correction_0.25_0.5", quantity)]
        for got, want, sd in zip(ours, (row["ci_low"], row["ci_high"]), MC_SD[quantity]):
            assert abs(got - want) < 5 * sd, (quantity, got, want)


def test_monte_carlo_is_seeded_and_its_survival_limits_are_close_to_greenwood(example):
    args = (example["Study"], example["Time"], example["NbRisk"], example["Survival"])
    a = pool_survival(*args, ci="montecarlo", n_draws=4000, seed=3)
    b = pool_survival(*args, ci="montecarlo", n_draws=4000, seed=3)
    pd.testing.assert_frame_equal(a.random, b.random)
    assert a.median_random_ci == b.median_random_ci
    greenwood = pool_survival(*args)
    # delta method and simulation estimate the same interval; measured max difference 0.005 (10,000 draws)
    assert (a.random["ci_low"] - greenwood.random["ci_low"]).abs().max() < 0.01
    assert (a.random["survival"] == greenwood.random["survival"]).all()
    assert np.isnan(greenwood.median_random_ci).all()


def test_one_time_is_the_univariate_dersimonian_laird_of_metafor():
    # Rscript tests/survival/r/pooled_curve_metafor.R: rma(y, v, method = "FE" / "DL") on
    # y = asin(sqrt((n S + 0.25)/(n + 0.5))), v = 0.25/(n + 0.5); S = sin(b)^2, CI exp(log S -+ 1.96 * 2 se / tan b)
    res = pool_survival(list("abcd"), [6] * 4, [20, 35, 50, 12], [0.8, 0.55, 0.7, 0.9])
    fe, re = res.fixed.iloc[0], res.random.iloc[0]
    assert (fe["survival"], fe["ci_low"], fe["ci_high"]) == pytest.approx(
        (0.695618159586247, 0.617666634610149, 0.783407418876639), abs=1e-12)
    assert (re["survival"], re["ci_low"], re["ci_high"]) == pytest.approx(
        (0.716875649408719, 0.596647327971038, 0.861330760438968), abs=1e-12)
    assert res.tau[0, 0] == pytest.approx(0.012459575600314, abs=1e-14)
    assert res.q == pytest.approx(7.093441745125062, abs=1e-12)  # metafor QE
    # msurv's degrees of freedom are (observed intervals - studies): 0 here, so H² and I² are undefined
    assert res.df == 0 and np.isnan(res.h2) and np.isnan(res.i2)


def test_hand_computed_two_studies_two_times_without_correction():
    # a: S = 0.8, 0.6 (n 20, 15); b: S = 0.75, 0.5 (n 30, 22). Conditional survival a: 0.8, 0.75; b: 0.75, 2/3.
    # No correction (msurv correctionFlag = FALSE): y = asin(sqrt(c)), v = 1/n; fixed effect per time is
    # sum(n y)/sum(n): t1 (20 asin(sqrt .8) + 30 asin(sqrt .75))/50, t2 (15 asin(sqrt .75) + 22 asin(sqrt(2/3)))/37.
    res = pool_survival(["a", "a", "b", "b"], [1, 2, 1, 2], [20, 15, 30, 22], [0.8, 0.6, 0.75, 0.5], correction=None)
    b1 = (20 * np.arcsin(np.sqrt(0.8)) + 30 * np.arcsin(np.sqrt(0.75))) / 50
    b2 = (15 * np.arcsin(np.sqrt(0.75)) + 22 * np.arcsin(np.sqrt(2 / 3))) / 37
    s = [np.sin(b1) ** 2, np.sin(b1) ** 2 * np.sin(b2) ** 2]
    np.testing.assert_allclose(res.fixed["survival"], s, rtol=0, atol=1e-14)
    # Var log S(t2) = 4 (cot(b1)^2 / 50 + cot(b2)^2 / 37)
    se2 = np.sqrt(4 * (1 / np.tan(b1) ** 2 / 50 + 1 / np.tan(b2) ** 2 / 37))
    assert res.fixed["ci_high"].iloc[1] == pytest.approx(s[1] * np.exp(1.96 * se2), abs=1e-14)
    assert res.fixed["n_risk"].tolist() == [50, 37]
    # Q over the four intervals, df = 4 observed - 2 studies
    y = np.arcsin(np.sqrt([[0.8, 0.75], [0.75, 2 / 3]]))
    q = (np.array([[20, 15], [30, 22]]) * (y - [b1, b2]) ** 2).sum()
    assert res.q == pytest.approx(q, abs=1e-12) and res.df == 2


def test_a_study_that_stops_early_gives_no_weight_later():
    # msurv: later intervals get the other studies' mean and variance 1e12, so the fixed effect at t2 is study a's
    res = pool_survival(["a", "a", "b"], [1, 2, 1], [20, 15, 30], [0.8, 0.6, 0.75])
    cond_a2 = np.arcsin(np.sqrt((15 * 0.75 + 0.25) / 15.5))
    assert np.sin(res.beta_fixed[1]) ** 2 == pytest.approx(np.sin(cond_a2) ** 2, abs=1e-10)
    assert res.df == 3 - 2


def test_medians_not_reached_exactly_half_and_interpolated():
    above = pool_survival(["a", "b"], [1, 1], [50, 50], [0.8, 0.9])
    assert np.isnan(above.median_random) and np.isnan(above.median_fixed)
    # no correction, equal n: both studies S(2) = 0.4, S(1) = 0.8 -> pooled 0.8 then 0.4; median 1 + (0.8-0.5)/0.4
    lin = pool_survival(["a", "a", "b", "b"], [1, 2, 1, 2], [50, 40, 50, 40], [0.8, 0.4, 0.8, 0.4], correction=None)
    assert lin.median_fixed == pytest.approx(1.75, abs=1e-12)
    half = pool_survival(["a", "a", "b", "b"], [1, 2, 1, 2], [50, 40, 50, 40], [0.8, 0.5, 0.8, 0.5], correction=None)
    assert half.median_fixed == pytest.approx(2.0)


@pytest.mark.parametrize("kwargs, message", [
    ({"survival": [0.8, 1.2, 0.7, 0.6]}, r"study a, time 2: survival 1.2 is outside \[0, 1\]"),
    ({"survival": [0.6, 0.8, 0.7, 0.6]}, "study a, time 2: survival rises"),
    ({"n_risk": [20, -1, 30, 22]}, "study a, time 2: n_risk -1"),
    ({"time": [1, 2, 1, 3]}, "study b, time 2: no survival given"),
    ({"study": ["a"] * 4, "time": [1, 2, 3, 4]}, "pooling needs at least 2"),
    ({"time": [0, 2, 0, 2]}, "study a, time 0: time must be a positive"),
    ({"survival": [0.0, 0.0, 0.7, 0.6]}, "study a, time 2: given after survival reached 0"),
])
def test_bad_input_names_study_and_time(kwargs, message):
    args = {"study": ["a", "a", "b", "b"], "time": [1, 2, 1, 2], "n_risk": [20, 15, 30, 22],
            "survival": [0.8, 0.6, 0.75, 0.5]} | kwargs
    with pytest.raises(ValueError, match=message):
        pool_survival(**args)


@pytest.mark.parametrize("kwargs, message", [({"ci": "bootstrap"}, "greenwood, montecarlo"),
                                             ({"correction": (0, 0.5)}, "two positive numbers"),
                                             ({"level": 1.5}, "strictly between 0 and 1"),
                                             ({"ci": "montecarlo"}, "n_draws")])
def test_bad_options_list_what_is_allowed(kwargs, message):
    with pytest.raises(ValueError, match=message):
        pool_survival(["a", "b"], [1, 1], [10, 10], [0.5, 0.6], **kwargs)


def test_result_is_frozen():
    res = pool_survival(["a", "b"], [1, 1], [10, 10], [0.5, 0.6])
    with pytest.raises(FrozenInstanceError):
        res.q = 0
    assert "2 studies" in res.summary()


# --- simulation: SIMULATED studies from known Weibull curves, through Kaplan-Meier --------------------
GRID = np.arange(2, 26, 2.0)
SHAPE, MEDIAN = 1.3, 6.0
SCALE = MEDIAN / np.log(2) ** (1 / SHAPE)


def _simulated_meta(seed: int, sd_log_scale: float, k: int = 8):
    """k SIMULATED studies (n 40-150), Weibull event times whose log scale varies with SD ``sd_log_scale``,
    uniform dropout on (0, 60) and end of follow-up at 30 months; KM read at GRID with the numbers entering."""
    rng = np.random.default_rng(seed)
    parts = []
    for i in range(k):
        n = int(rng.integers(40, 151))
        event = SCALE * np.exp(rng.normal(0, sd_log_scale)) * rng.weibull(SHAPE, n)
        censor = np.minimum(rng.uniform(0, 60, n), 30)
        g = km_on_grid(np.minimum(event, censor), (event <= censor).astype(int), GRID)
        s = g["survival"].to_numpy()
        parts.append(g.iloc[: (np.argmax(s == 0) if (s == 0).any() else len(s) - 1) + 1].assign(study=i))
    d = pd.concat(parts)
    return pool_survival(d["study"], d["time"], d["n_risk"], d["survival"])


@pytest.mark.parametrize("sd_log_scale, max_mean_error, min_coverage", [
    # measured over seeds 0-199: mean of the largest |error| 0.025 (95th centile 0.043); coverage at 6 and
    # 12 months 0.99 and 0.99 (conservative: the binomial variance ignores censoring within an interval)
    (0.0, 0.035, 0.95),
    # between-study SD 0.3 of log scale, truth = the typical study's curve: mean largest error 0.054 (95th
    # centile 0.11); coverage 0.945 and 0.925 (DerSimonian-Laird with 8 studies is known to undercover)
    (0.3, 0.07, 0.88),
])
def test_simulation_recovers_the_weibull_truth(sd_log_scale, max_mean_error, min_coverage):
    errors, cover = [], []
    for seed in range(200):
        r = _simulated_meta(seed, sd_log_scale).random
        truth = np.exp(-(r["time"].to_numpy() / SCALE) ** SHAPE)
        errors.append(np.abs(r["survival"].to_numpy() - truth).max())
        inside = (r["ci_low"] <= truth) & (truth <= r["ci_high"])
        cover.append([inside[r["time"] == 6].item(), inside[r["time"] == 12].item()])
    coverage = np.mean(cover, axis=0)
    print(f"sd {sd_log_scale}: mean max error {np.mean(errors):.4f}, coverage at 6/12 months {coverage}")
    assert np.mean(errors) < max_mean_error
    assert (coverage >= min_coverage).all()
