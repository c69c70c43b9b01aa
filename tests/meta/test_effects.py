"""Study-level transforms, variances, back-transforms and input checks."""

from __future__ import annotations

import math

import numpy as np
import pytest

from living_review.meta.effects import (back_transform, check_counts, clopper_pearson, harmonic_mean,
                                        study_effects)

X = np.array([0.0, 3, 10])
N = np.array([15.0, 20, 10])


def test_formulas_match_direct_computation():
    # direct computation from the formulas in R meta's metaprop (reference-behaviour notes)
    y, v = study_effects(X, N, "PLOGIT")
    assert y[0] == pytest.approx(math.log(0.5 / 15.5)) and v[0] == pytest.approx(1 / 0.5 + 1 / 15.5)
    assert y[1] == pytest.approx(math.log(3 / 17)) and v[1] == pytest.approx(1 / 3 + 1 / 17)
    y, v = study_effects(X, N, "PFT")
    assert y[1] == pytest.approx(0.5 * (math.asin(math.sqrt(3 / 21)) + math.asin(math.sqrt(4 / 21))))
    assert v[1] == pytest.approx(1 / 82)
    y, v = study_effects(X, N, "PAS")
    assert y[2] == pytest.approx(math.pi / 2) and v[0] == pytest.approx(1 / 60)
    y, v = study_effects(X, N, "PRAW")
    assert y[0] == 0 and v[0] == pytest.approx(0.5 * 15.5 / 16**3) and v[1] == pytest.approx(0.15 * 0.85 / 20)


@pytest.mark.parametrize("transform", ["PLOGIT", "PAS", "PRAW"])
def test_back_transform_inverts_transform(transform):
    p = np.array([0.1, 0.37, 0.8])
    t = {"PLOGIT": np.log(p / (1 - p)), "PAS": np.arcsin(np.sqrt(p)), "PRAW": p}[transform]
    np.testing.assert_allclose(back_transform(t, transform), p, rtol=1e-12)


def test_pft_back_transform_is_miller_and_clipped():
    # Miller (1978): inverse of the PFT at a single n returns the proportion exactly
    n = 25.0
    for x in (3.0, 12.0, 20.0):
        y, _ = study_effects(np.array([x]), np.array([n]), "PFT")
        assert back_transform(y, "PFT", n)[0] == pytest.approx(x / n, abs=1e-12)
    # below the transform of 0 or above that of 1: mapped to 0 and 1 (metafor transf.ipft.hm)
    assert back_transform(np.array([-0.1, 2.0]), "PFT", n).tolist() == [0.0, 1.0]
    with pytest.raises(ValueError, match="harmonic mean"):
        back_transform(np.array([0.3]), "PFT")


def test_harmonic_mean_and_clopper_pearson():
    assert harmonic_mean([10, 40]) == pytest.approx(16.0)
    lo, hi = clopper_pearson([0, 15], [15, 15])
    # binom.test(0, 15): upper 1 - 0.025^(1/15); binom.test(15, 15): lower 0.025^(1/15)
    assert lo[0] == 0 and hi[0] == pytest.approx(1 - 0.025 ** (1 / 15))
    assert hi[1] == 1 and lo[1] == pytest.approx(0.025 ** (1 / 15))


def test_non_integer_counts_are_rejected():
    with pytest.raises(ValueError, match="Trial X: counts must be whole numbers"):
        check_counts([1.5], [10], ["Trial X"])
