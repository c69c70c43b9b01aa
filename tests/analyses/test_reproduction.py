"""Reproduction of Cao 2024: published values matched at printed precision, re-analysis steps."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from living_review.data import load_evidence
from living_review.meta import metaprop
from living_review.analyses.reproduction import (compare_published, missed_studies, printed,
                                               reanalyse, record_reanalysis, result_values)
from living_review.settings.adapter import metaprop_options
from living_review.settings import MetaAnalysisSettings

EV = load_evidence()
OPTIONS = metaprop_options(MetaAnalysisSettings())  # PFT, REML, inverse variance, z-based, 95%


def _cao(outcome):
    d = EV.previous_version_inputs[EV.previous_version_inputs["outcome"] == outcome]
    return metaprop(d["events"], d["total"], subgroups=list(d["subgroup"]), **OPTIONS)


def test_printed_rounds_like_a_published_table():
    assert printed(0.0873, 2) == "0.09" and printed(46.02, 0) == "46" and printed(3.0, 0) == "3"
    assert printed(float("nan"), 2) == "–"


@pytest.mark.parametrize("outcome", ["ORR", "DCR"])
def test_cao_inputs_reproduce_every_published_pooled_value(outcome):
    # Reference: the values printed in Cao 2024 Fig. 3 (data/previous_version_results.csv).
    table = compare_published(result_values(_cao(outcome), outcome), EV.previous_version_results)
    published = EV.previous_version_results
    assert len(table) == int((published["outcome"] == outcome).sum()) > 0
    assert set(table["match"]) == {"yes"}, table[table["match"] != "yes"]


def test_a_value_off_in_the_printed_place_does_not_match():
    ours = pd.DataFrame({"outcome": ["ORR", "ORR"], "subset": ["all", "all"],
                         "statistic": ["estimate", "tau2"], "value": [0.0849, 0.00925]})
    t = compare_published(ours, EV.previous_version_results)
    t = t[t["subset"] == "all"].set_index("statistic")
    assert t.loc["estimate", "match"] == "no"       # 0.08 printed, 0.09 published
    assert t.loc["tau2", "match"] == "yes"          # 0.0092 (round-half-even of 0.00925 in binary)
    assert t.loc["i2", "match"] == "not computed"


def test_result_values_names_subgroups_and_the_subgroup_test():
    v = result_values(_cao("ORR"), "ORR").set_index(["subset", "statistic"])["value"]
    assert {"all", "imatinib", "pazopanib", "sorafenib", "lenvatinib", "subgroup_difference"} == {
        s for s, _ in v.index}
    assert v[("subgroup_difference", "df")] == 3
    with pytest.raises(ValueError, match="choose one of ORR, DCR"):
        result_values(_cao("ORR"), "OS")


def test_missed_study_is_the_ito_atc_arm():
    # Prospective ATC monotherapy full papers before Sept 2023 not in Cao 2024 (D21).
    assert missed_studies(EV.studies)["study_id"].tolist() == ["ito2017_atc"]


def test_dcr_steps_apply_each_recorded_correction():
    r = reanalyse(EV, "DCR", OPTIONS)
    assert list(r.ids.values()) == ["cao_inputs", "corrected_bible2012", "corrected_tahara2017", "corrected_all",
                                    "cao_plus_missed", "corrected_plus_missed"]
    by_id = {r.ids[k]: k for k in r.ids}
    tahara = r.steps[by_id["corrected_tahara2017"]].set_index("study_id").loc["tahara2017"]
    assert (tahara["events"], tahara["total"]) == (12, 17)          # D01: 71% of 17
    assert "bible2012" not in set(r.steps[by_id["corrected_bible2012"]]["study_id"])  # D02
    assert "D01" in by_id["corrected_tahara2017"] and "D02" in by_id["corrected_bible2012"]
    # Direct computation: the corrected set plus Ito (4/10) pooled by metaprop itself.
    direct = metaprop([6, 7, 12, 18, 31, 4], [8, 20, 17, 34, 42, 10], **OPTIONS)
    assert r.results[by_id["corrected_plus_missed"]].estimate == pytest.approx(direct.estimate, abs=1e-12)
    assert r.table()["Change"].iloc[0] == "+0.0 pp"


def test_orr_has_no_correction_and_adds_ito():
    r = reanalyse(EV, "ORR", OPTIONS)
    assert list(r.ids.values()) == ["cao_inputs", "cao_plus_missed"]
    assert r.results["Cao 2024 inputs + missed studies"].k == 7
    assert "Ito 2017 (ATC)" in r.summary()


def test_steps_are_recorded_in_the_ledger(tmp_path):
    r = reanalyse(EV, "ORR", OPTIONS)
    keys = record_reanalysis(r, "cao2024", chapter="05_reproducing_cao_2024", root=tmp_path)
    assert keys == ["cao2024.orr.cao_inputs", "cao2024.orr.cao_plus_missed"]
    rec = json.loads((tmp_path / "_build" / "ledger" / "cao2024.orr.cao_plus_missed.json").read_text())
    assert rec["k"] == 7 and rec["n"] == 146 and {"study_id": "ito2017_atc", "events": 0, "n": 10} in rec["inputs"]


def test_survival_values_are_shown_as_not_computed():
    ours = result_values(_cao("ORR"), "ORR")
    t = compare_published(ours, EV.previous_version_results, outcomes=("ORR", "OS", "PFS"),
                          statistics=("estimate", "median", "median_ci_lower", "median_ci_upper"))
    surv = t[t["outcome"].isin(["OS", "PFS"])]
    assert surv["published"].tolist() == ["4.8", "2.74", "8.84", "2.62"]  # Cao 2024 Results
    assert set(surv["match"]) == {"not computed"} and set(t.loc[t["outcome"] == "ORR", "match"]) == {"yes"}
