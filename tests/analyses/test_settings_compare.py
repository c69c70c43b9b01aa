"""Trials versus real-world cohorts: covariates, single-covariate meta-regressions, medians by setting."""

from __future__ import annotations

import pandas as pd
import pytest

from living_review.data import load_evidence
from living_review.meta import metareg
from living_review.analyses import settings_compare as C
from living_review.settings.adapter import metaprop_options
from living_review.analyses.sensitivity import primary_studies
from living_review.settings import MetaAnalysisSettings
from living_review.survival import pool_log_medians

EV = load_evidence()
S = primary_studies(EV.studies)
OPTIONS = metaprop_options(MetaAnalysisSettings())


def test_covariates_treat_not_reported_line_as_missing():
    c = C.covariates(S).set_index("study_id")
    assert pd.isna(c.loc["tahara2017", "line"])  # not_reported in studies.csv
    assert c.loc["sparano2021", "line"] == "pretreated" and c.loc["kim2021", "setting"] == "Real-world cohort"


def test_setting_regression_is_metareg_on_the_setting():
    regs = C.metaregressions(S, "ORR", OPTIONS)
    s = S[S["orr_events"].notna()]
    direct = metareg(s["orr_events"].astype(int), s["orr_n"].astype(int), {"setting": C.setting_labels(s)})
    assert regs.fits["setting"].coefficients["estimate"].tolist() == pytest.approx(
        direct.coefficients["estimate"].tolist(), abs=1e-12)
    # Dose only within lenvatinib (doses of different drugs are not on one scale), and only the planned
    # starting dose: Kim 2021's median received dose is another quantity. All planned doses are 24 mg,
    # so the dose model is not fitted.
    assert set(regs.studies["dose (lenvatinib)"]) == {"Tahara 2017", "Wirth 2021", "Higashiyama 2022 (HOPE)"}
    assert regs.fits["dose (lenvatinib)"] is None and "one value only" in regs.reasons["dose (lenvatinib)"]
    t = regs.table()
    assert set(t["covariate"]) == {"setting", "dose (lenvatinib)", "line"}
    assert t.loc[t["covariate"] == "setting", "studies"].item() == f"{len(s)} of {len(s)}"


def test_a_covariate_with_one_value_is_not_fitted():
    trials = S[S["setting"] == "trial"]
    regs = C.metaregressions(trials, "DCR", OPTIONS)
    assert regs.fits["setting"] is None and "one value only" in regs.reasons["setting"]


def test_median_inputs_in_months_and_levels_as_proportions():
    m = C.median_inputs(S, "OS").set_index("label")
    assert m.loc["Bible 2012", "median"] == pytest.approx(111 / 30.4375, abs=1e-12)  # 111 days
    assert m.loc["Kim 2021", "ci_level"] == 0.95
    with pytest.raises(ValueError, match="choose one of PFS, OS"):
        C.median_inputs(S, "EFS")


def test_medians_by_setting_list_studies_without_ci():
    r = C.medians_by_setting(S, "OS", assume_ci_level=0.95)
    t = r.table.set_index("label")
    assert t.loc["Japan PMS 2020", "status"] == "no CI: not pooled" and t.loc["Japan PMS 2020", "weight"] == 0
    d = C.median_inputs(S, "OS")
    direct = pool_log_medians(d[d["setting"] == "Real-world cohort"], assume_ci_level=0.95)
    assert r.results["Real-world cohort"].estimate == pytest.approx(direct.estimate, abs=1e-12)
    assert t.loc[t["setting"] == "Prospective trial", "weight"].sum() == pytest.approx(100)


def test_pool_by_setting_has_one_subgroup_per_setting_and_a_test():
    r = C.pool_by_setting(S, "ORR", OPTIONS)
    assert list(r.subgroups) == ["Prospective trial", "Real-world cohort"]
    assert r.subgroup_test.df == 1
    trials = S[(S["setting"] == "trial") & S["orr_events"].notna()]
    from living_review.meta import metaprop
    direct = metaprop(trials["orr_events"].astype(int), trials["orr_n"].astype(int), **OPTIONS)
    assert r.subgroups["Prospective trial"].estimate == pytest.approx(direct.estimate, abs=1e-12)
