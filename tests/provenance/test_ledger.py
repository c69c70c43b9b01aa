"""The ledger: one deterministic JSON file per published estimate, collected in key order."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pytest

from living_review.core.fingerprint import build_inputs_fingerprint
from living_review.provenance.ledger import collect, record, record_result, stale_keys

INPUTS = [{"study_id": "b_study", "events": 3, "n": 10}, {"study_id": "a_study", "events": 5, "n": 20}]


def _record(tmp_path, key="orr.lenvatinib", **overrides):
    fields = dict(
        outcome="ORR", estimate=0.25, ci_low=0.1, ci_high=0.45, k=2, n=30,
        params={"transform": "PFT", "level": 0.95}, inputs=INPUTS, root=tmp_path,
    )
    fields.update(overrides)
    return record(key, **fields)


def test_writes_sorted_json_under_build_ledger(tmp_path):
    path = _record(tmp_path, chapter="notebooks/generated/drug_lenvatinib")
    assert path == tmp_path / "_build" / "ledger" / "orr.lenvatinib.json"
    text = path.read_text()
    data = json.loads(text)
    assert data["estimate"] == 0.25 and data["k"] == 2 and data["n"] == 30
    assert data["inputs"] == INPUTS  # order of studies kept as given
    assert text == json.dumps(data, sort_keys=True, indent=2) + "\n"
    assert str(tmp_path) not in text


def test_identical_inputs_give_identical_bytes(tmp_path):
    first = _record(tmp_path).read_bytes()
    second = _record(tmp_path, params={"level": 0.95, "transform": "PFT"}).read_bytes()
    assert first == second


def test_floats_round_trip_exactly(tmp_path):
    value = 1 / 3
    path = _record(tmp_path, estimate=value, ci_low=value / 2, ci_high=np.float64(0.5))
    data = json.loads(path.read_text())
    assert data["estimate"] == value and data["ci_high"] == 0.5


@pytest.mark.parametrize("key", ["ORR.lenvatinib", "orr lenvatinib", "orr/x", "", "orr:x"])
def test_malformed_key_is_a_value_error(tmp_path, key):
    with pytest.raises(ValueError, match="lower-case letters"):
        _record(tmp_path, key=key)


def test_non_finite_or_inconsistent_numbers_are_refused(tmp_path):
    with pytest.raises(ValueError, match="finite"):
        _record(tmp_path, estimate=float("nan"))
    with pytest.raises(ValueError, match="does not hold"):
        _record(tmp_path, estimate=0.5, ci_high=0.45)
    with pytest.raises(ValueError, match="whole number"):
        _record(tmp_path, k=2.5)


def test_collect_reads_all_in_sorted_order(tmp_path):
    assert collect(tmp_path) == {}
    _record(tmp_path, key="z.last")
    _record(tmp_path, key="a.first", estimate=0.2)
    found = collect(tmp_path)
    assert list(found) == ["a.first", "z.last"]
    assert found["a.first"]["estimate"] == 0.2


@dataclass(frozen=True)
class _Result:
    estimate: float
    ci_low: float
    ci_high: float
    k: int
    n_total: int
    tau2: float


def test_record_result_reads_the_result_fields(tmp_path):
    res = _Result(estimate=0.3, ci_low=0.2, ci_high=0.4, k=2, n_total=30, tau2=np.float64(0.01))
    data = json.loads(record_result("dcr.all", res, outcome="DCR", inputs=INPUTS, params={}, root=tmp_path).read_text())
    assert (data["estimate"], data["ci_low"], data["ci_high"], data["k"], data["n"]) == (0.3, 0.2, 0.4, 2, 30)
    assert data["extra"] == {"tau2": 0.01}


def test_record_result_takes_inputs_and_method_from_the_result(tmp_path):
    @dataclass(frozen=True)
    class WithTable:
        estimate: float = 0.3
        ci_low: float = 0.2
        ci_high: float = 0.4
        k: int = 2
        transform: str = "PFT"
        level: float = 0.95
        pi_low: float = float("nan")  # undefined for small k: stored as null
        studies: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
            {"study": ["a", "b"], "events": [3, 5], "n": [10, 20], "proportion": [0.3, 0.25]}))

    data = json.loads(record_result("orr.t", WithTable(), outcome="ORR", params={"level": 0.9}, root=tmp_path).read_text())
    assert data["inputs"] == [{"study_id": "a", "events": 3, "n": 10}, {"study_id": "b", "events": 5, "n": 20}]
    assert data["n"] == 30 and data["k"] == 2
    assert data["params"] == {"transform": "PFT", "level": 0.9}  # the explicit value wins
    assert data["extra"] == {"pi_low": None}


def test_record_result_with_the_engine_result(tmp_path):
    meta = pytest.importorskip("living_review.meta")
    result = meta.metaprop([4, 11, 2], [17, 34, 8], studies=["a", "b", "c"])
    data = json.loads(record_result("orr.engine", result, outcome="ORR", root=tmp_path).read_text())
    assert (data["estimate"], data["ci_low"], data["ci_high"]) == (result.estimate, result.ci_low, result.ci_high)
    assert data["k"] == 3 and data["n"] == 17 + 34 + 8
    assert data["params"]["transform"] == result.transform and data["extra"]["tau2"] == result.tau2


def test_record_result_falls_back_to_inputs_for_counts(tmp_path):
    @dataclass
    class Bare:
        estimate: float = 0.3
        ci_low: float = 0.2
        ci_high: float = 0.4

    data = json.loads(record_result("dcr.bare", Bare(), outcome="DCR", inputs=INPUTS, params={}, root=tmp_path).read_text())
    assert data["k"] == 2 and data["n"] == 30  # 10 + 20 from INPUTS


def test_record_result_without_estimate_names_what_is_missing(tmp_path):
    with pytest.raises(ValueError, match="ci_low, ci_high"):
        record_result("x", type("R", (), {"estimate": 0.1})(), outcome="ORR", inputs=[], params={}, root=tmp_path)


def test_records_carry_the_inputs_fingerprint_and_go_stale_when_data_change(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "studies.csv").write_text("study_id,n\na,10\n")
    data = json.loads(_record(tmp_path, key="kept").read_text())
    _record(tmp_path, key="dropped")
    assert data["inputs_fingerprint"] == build_inputs_fingerprint(tmp_path)
    assert stale_keys(tmp_path) == []
    (tmp_path / "data" / "studies.csv").write_text("study_id,n\na,11\n")
    _record(tmp_path, key="kept")  # re-executed chapter; "dropped" is no longer published
    assert stale_keys(tmp_path) == ["dropped"]


def test_two_chapters_cannot_claim_one_key(tmp_path):
    _record(tmp_path, chapter="notebooks/08_safety")
    _record(tmp_path, chapter="notebooks/08_safety", estimate=0.3)  # the same chapter may update it
    with pytest.raises(ValueError, match="already recorded by chapter 'notebooks/08_safety'"):
        _record(tmp_path, chapter="notebooks/09_sensitivity_analyses")


def test_a_glmm_that_did_not_converge_is_recorded_with_a_status(tmp_path):
    from living_review.provenance.ledger import record_not_estimated
    from living_review.meta import metaprop

    with pytest.warns(UserWarning, match="did not converge"):
        failed = metaprop([0, 7], [5, 7], model="glmm", transform="PLOGIT", studies=["a", "b"])
    data = json.loads(record_result("sensitivity.orr.glmm", failed, outcome="ORR", root=tmp_path).read_text())
    assert data["status"] == "not_converged" and "did not converge" in data["reason"]
    assert data["estimate"] is None and data["ci_low"] is None and data["ci_high"] is None
    assert data["params"]["model"] == "glmm" and data["k"] == 2 and data["n"] == 12
    with pytest.raises(ValueError, match="status 'failed' is not allowed; choose one of not_converged"):
        record_not_estimated("x", outcome="ORR", status="failed", reason="r", k=1, n=1, params={}, inputs=[],
                             root=tmp_path)
    with pytest.raises(ValueError, match="say in words why"):
        record_not_estimated("x", outcome="ORR", status="not_converged", reason=" ", k=1, n=1, params={},
                             inputs=[], root=tmp_path)
    with pytest.raises(ValueError, match="only finite numbers"):  # record() itself still refuses NaN
        record("x", outcome="ORR", estimate=failed.estimate, ci_low=0, ci_high=1, k=2, n=12, params={},
               inputs=[], root=tmp_path)


def test_a_record_is_never_written_in_place(tmp_path, monkeypatch):
    """Chapters run in parallel and read each other's records: a reader must never open a
    half-written file, so each record is written beside its name and moved into place."""
    from pathlib import Path

    written = []
    original = Path.write_text

    def spy(self, *args, **kwargs):
        written.append(self.name)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", spy)
    path = _record(tmp_path)
    _record(tmp_path, estimate=0.3, ci_high=0.5)
    assert path.name not in written and len(written) == 2
    assert json.loads(path.read_text())["estimate"] == 0.3
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]  # no part file left behind
