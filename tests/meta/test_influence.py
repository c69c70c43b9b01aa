"""Leave-one-out and cumulative analyses against metafor leave1out() and cumul()."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from living_review.meta.effects import clopper_pearson
from living_review.meta.influence import cumulative, leave_one_out

REF = json.loads((Path(__file__).parent / "r" / "references.json").read_text())
SEQ = REF["sequential"]
DATA = REF["datasets"]


@pytest.mark.parametrize("ref", SEQ, ids=lambda r: f"{r['dataset']}-{r['transform']}-{r['method']}")
def test_leave_one_out_matches_leave1out(ref, tol):
    # reference: leave1out(rma(yi, vi, method=...)) in tests/meta/r/make_references.R
    d = DATA[ref["dataset"]]
    f = leave_one_out(d["x"], d["n"], transform=ref["transform"], tau2_method=ref["method"]).frame
    np.testing.assert_allclose(f["te"], ref["l1_te"], atol=tol["estimate"])
    np.testing.assert_allclose(f["te"] - 1.959963984540054 * f["se"], ref["l1_ci_lb"], atol=tol["ci"])
    # transformed scale, as leave1out prints it
    np.testing.assert_allclose(f["te_ci_low"], ref["l1_ci_lb"], atol=tol["ci"])
    np.testing.assert_allclose(f["te_ci_high"], ref["l1_ci_ub"], atol=tol["ci"])
    np.testing.assert_allclose(f["tau2"], ref["l1_tau2"], atol=tol["tau2"])
    np.testing.assert_allclose(f["q"], ref["l1_q"], atol=tol["q"])
    np.testing.assert_allclose(f["estimate"], ref["l1_estimate"], atol=tol["estimate"])
    np.testing.assert_allclose(f["ci_low"], ref["l1_est_ci_lb"], atol=tol["ci"])


@pytest.mark.parametrize("ref", SEQ, ids=lambda r: f"{r['dataset']}-{r['transform']}-{r['method']}")
def test_cumulative_matches_cumul(ref, tol):
    # reference: cumul(rma(...), order = years) in tests/meta/r/make_references.R
    d = DATA[ref["dataset"]]
    res = cumulative(d["x"], d["n"], ref["years"], transform=ref["transform"], tau2_method=ref["method"])
    f = res.frame
    assert list(f["k"]) == list(range(1, len(d["x"]) + 1))
    np.testing.assert_allclose(f["te"], ref["cu_te"], atol=tol["estimate"])
    np.testing.assert_allclose(f["te_ci_low"], ref["cu_ci_lb"], atol=tol["ci"])
    np.testing.assert_allclose(f["te_ci_high"], ref["cu_ci_ub"], atol=tol["ci"])
    # from k = 2 on, pooled; the first row is one study: its proportion and exact interval
    np.testing.assert_allclose(f["ci_high"][1:], ref["cu_est_ci_ub"][1:], atol=tol["ci"])
    np.testing.assert_allclose(f["tau2"][1:], ref["cu_tau2"][1:], atol=tol["tau2"])
    np.testing.assert_allclose(f["q"][1:], ref["cu_q"][1:], atol=tol["q"])
    np.testing.assert_allclose(f["estimate"][1:], ref["cu_estimate"][1:], atol=tol["estimate"])
    first = f.iloc[0]
    ord0 = int(np.argsort(ref["years"], kind="stable")[0])
    x0, n0 = d["x"][ord0], d["n"][ord0]
    assert first["estimate"] == pytest.approx(x0 / n0) and np.isnan(first["tau2"])
    assert first["ci_high"] == pytest.approx(float(clopper_pearson([x0], [n0])[1][0]), abs=1e-12)
    assert list(f["date"]) == sorted(ref["years"])
    assert "Cumulative" in res.summary()


def test_cumulative_rejects_missing_date():
    with pytest.raises(ValueError, match="B: publication date is missing"):
        cumulative([1, 2], [10, 10], [2010, None], studies=["A", "B"])
