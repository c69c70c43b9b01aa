"""Tests for living_review.analyses.discrepancy_sensitivity: every named analysis is computed.

Reference values: tests/analyses/r/discrepancy_dcr_metafor.R (metafor 3.8-1; PFT, REML,
harmonic-mean back-transform), printed beside each value below.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from living_review.data import load_evidence
from living_review.core.paths import data_dir
from living_review.analyses import discrepancy_sensitivity as ds
from living_review.settings import load_settings

ROOT = Path(__file__).resolve().parents[2]

# pool(x1, n) and pool(c(x, 0), c(n, 15)) in discrepancy_dcr_metafor.R
R_D01 = (0.6441346650, 0.4584504681, 0.8117301959)
R_D02 = (0.5193160665, 0.3019300162, 0.7333173194)
R_PRIMARY = (0.6048463299, 0.4500219391, 0.7506021005)


@pytest.fixture(scope="module")
def computed():
    ev, settings = load_evidence(), load_settings()
    specs, problems = ds.read_specs(data_dir(), ev.studies)
    assert problems == []
    return ev, specs, ds.run(ev, settings, specs)


def _row(rows, did, estimand, scope):
    (r,) = [r for r in rows if did in r.discrepancy_id.split(", ") and r.estimand == estimand and r.scope == scope]
    return r


def test_d01_and_d02_match_metafor(computed, tol):
    _, _, rows = computed
    for did, ref in (("D01", R_D01), ("D02", R_D02)):
        r = _row(rows, did, "dcr", "all")
        assert (r.primary.estimate, r.primary.ci_low, r.primary.ci_high) == pytest.approx(R_PRIMARY, abs=tol["ci"])
        assert (r.alternative.estimate, r.alternative.ci_low, r.alternative.ci_high) == pytest.approx(ref, abs=tol["ci"])


def test_d01_touches_every_primary_estimate_of_tahara():
    ev, settings = load_evidence(), load_settings()
    specs = [s for s in ds.read_specs(data_dir(), ev.studies)[0] if s.discrepancy_id == "D01"]
    rows = ds.run(ev, settings, specs)
    assert {r.scope for r in rows} == {"all", "lenvatinib", "trials"}
    assert all(r.alternative.estimate > r.primary.estimate for r in rows)


def test_every_discrepancy_naming_an_analysis_is_computed(computed):
    ev, specs, rows = computed
    assert ds.coverage(ev.discrepancies, specs, rows) == []


def test_a_named_analysis_without_a_spec_fails(computed):
    ev, specs, rows = computed
    fewer = [s for s in specs if s.discrepancy_id != "D02"]
    assert any(p.startswith("D02:") for p in ds.coverage(ev.discrepancies, fewer, [r for r in rows
                                                                                   if "D02" not in r.discrepancy_id]))


def test_the_chapter_named_by_each_analysis_runs_them(computed):
    _, specs, _ = computed
    chapters = {row["chapter"] for row in _spec_rows()}
    for chapter in chapters:
        text = (ROOT / "notebooks" / f"{chapter}.md").read_text()
        assert re.search(r"discrepancy_sensitivity\.run\(|dsens\.run\(", text), chapter


def test_unknown_kind_and_outcome_are_reported(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / ds.SPEC_FILE).write_text("discrepancy_id,kind,study_id,changes,outcomes,chapter,description\n"
                                       "D01,swap,tahara2017,,DCR,x,y\nD02,exclude,bible2012,,QOL,x,y\n")
    specs, problems = ds.read_specs(folder)
    assert specs == []
    assert problems[0].startswith("data/discrepancy_analyses.csv:2: kind:") and "choose one of" in problems[0]
    assert problems[1].startswith("data/discrepancy_analyses.csv:3: outcomes:")


def test_apply_never_changes_the_loaded_table(computed):
    ev, specs, _ = computed
    before = ev.studies.copy()
    for s in specs:
        ds.apply(ev.studies, s)
    assert ev.studies.equals(before)


def test_table_and_ledger_records(computed, tmp_path):
    _, _, rows = computed
    t = ds.table(rows)
    assert list(t.columns) == ["Discrepancy", "Alternative", "Estimate", "Primary (95% CI)", "Alternative (95% CI)"]
    keys = ds.record(rows, chapter="09_sensitivity_analyses", root=tmp_path)
    assert "discrepancy.d01.dcr.all" in keys and len(keys) == len(set(keys))
    # the combination analysis is recorded by its own chapter only (one chapter per ledger key)
    assert not any(k.startswith("discrepancy.d11.") for k in keys)
    assert ds.record(rows, chapter="11_combination_regimens", root=tmp_path)


def _spec_rows():
    import csv

    with (data_dir() / ds.SPEC_FILE).open(newline="") as handle:
        return list(csv.DictReader(handle))


def test_descriptions_name_no_overlap_group_code(computed):
    """The description is printed in the analyses table: readers see cohorts, not the data's group codes."""
    ev, specs, _ = computed
    codes = {str(g) for g in ev.studies["overlap_group"].dropna()}
    assert codes
    for spec in specs:
        assert not any(code in spec.description for code in codes), spec.description
