"""Tests for living_review.survival.pooled_curve_strata (between-strata Q of Combescure et al. 2014, 2.3).

Reference: R RISCA::survival.summary.strata(Study, Time, NbRisk, Survival, "Greenwood", Location) on
msurv's Cabibbo example data (fixtures/msurv_exampledata.csv); RISCA prints the Q statistics rounded to
2 decimals: Asia 131.82 (H 1.88, I² 46.9 %), NortAmericaEurope 407.4 (2.24, 55.33 %), all strata 704.5
(2.8, 64.23 %), times up to 24; p prints as 0.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from living_review.survival import pool_survival_strata

FIX = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def by_location():
    d = pd.read_csv(FIX / "msurv_exampledata.csv", comment="#")
    return pool_survival_strata(d["Study"], d["Time"], d["NbRisk"], d["Survival"], d["Location"])


def test_matches_risca_by_location(by_location):
    r = by_location
    assert r.time_bound == 24
    assert r.strata["Asia"].q == pytest.approx(131.82, abs=0.005)
    assert r.strata["NortAmericaEurope"].q == pytest.approx(407.4, abs=0.005)
    assert r.overall.q == pytest.approx(704.5, abs=0.005)
    assert 100 * r.strata["NortAmericaEurope"].i2 == pytest.approx(55.33, abs=0.005)
    assert r.q_between == pytest.approx(r.overall.q - r.strata["Asia"].q - r.strata["NortAmericaEurope"].q)
    assert r.df == 12 * 1  # 12 times up to 24, 2 strata
    assert r.p < 1e-20
    # RISCA's printed random-effects curve of Asia at 21 and 24: 0.036 (0.014-0.089), 0.028 (0.011-0.072)
    tail = r.strata["Asia"].random.set_index("time").loc[[21.0, 24.0]]
    np.testing.assert_allclose(tail["survival"], [0.036, 0.028], atol=0.0005)
    np.testing.assert_allclose(tail["ci_high"], [0.089, 0.072], atol=0.0005)


def test_identical_strata_give_no_between_strata_heterogeneity():
    # the same two studies copied into two strata: Q_all = 2 sum Q_g + 0 between, so Q_between = 0 (hand check)
    study = ["a", "a", "b", "b", "c", "c", "d", "d"]
    surv = [0.8, 0.6, 0.7, 0.5] * 2
    res = pool_survival_strata(study, [1, 2] * 4, [20, 15, 30, 22] * 2, surv, ["x"] * 4 + ["y"] * 4)
    assert res.q_between == pytest.approx(0, abs=1e-10)
    assert res.p == pytest.approx(1.0)


@pytest.mark.parametrize("strata, message", [(["x", "y", "x", "y"], "study a: more than one stratum"),
                                             (["x"] * 4, "needs 2 or more"),
                                             (["x", "x", "y", "y"], "fewer than 2 studies")])
def test_bad_strata(strata, message):
    with pytest.raises(ValueError, match=message):
        pool_survival_strata(["a", "a", "b", "b"], [1, 2, 1, 2], [20, 15, 30, 22], [0.8, 0.6, 0.7, 0.5], strata)
