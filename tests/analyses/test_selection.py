"""Cohort selection with the overlap rule, outcome counts, pooled response rates and ledger inputs."""

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from tests.data.conftest import cohort_rows

from living_review.analyses import selection
from living_review.data import load_evidence
from living_review.meta import metaprop
from living_review.report import study_tables as st
from living_review.settings import MetaAnalysisSettings


@pytest.fixture(scope="module")
def studies():
    return load_evidence().studies


def test_overlap_group_keeps_only_its_kept_member(studies):
    toy = cohort_rows(studies, ["tahara2017", "koyama2018", "iwasaki2018", "pms_japan2020"])
    # the three Japanese real-world cohorts share group JP-LEN-RW and only pms_japan2020 is kept (data/studies.csv)
    assert selection.select_cohorts(toy, drug="lenvatinib").study_id.tolist() == ["tahara2017", "pms_japan2020"]
    assert set(selection.select_cohorts(toy, dedupe=False).study_id) == set(toy.study_id)
    assert selection.overlap_dropped(toy).study_id.tolist() == ["koyama2018", "iwasaki2018"]
    moved = cohort_rows(studies, ["koyama2018", "pms_japan2020"], overlap_keep={"koyama2018": True, "pms_japan2020": False})
    assert selection.select_cohorts(moved).study_id.tolist() == ["koyama2018"]


def test_histologies_and_roles_are_never_mixed(studies):
    atc = selection.select_cohorts(studies)
    assert set(atc.pooling_role) == {"atc_monotherapy"}
    assert "ito2017_mtc" not in set(atc.study_id) and "atlep2022" not in set(atc.study_id)
    assert selection.select_cohorts(studies, histology="MTC").study_id.tolist() == ["ito2017_mtc"]
    assert selection.select_cohorts(studies, histology="DTC").study_id.tolist() == ["pitoia2014"]
    assert selection.select_cohorts(studies, drug="no-such-drug").empty
    with pytest.raises(ValueError, match="histology='ATCx' is not allowed; choose one of ATC"):
        selection.select_cohorts(studies, histology="ATCx")


def test_empty_counts_are_not_reported_not_zero(studies):
    toy = cohort_rows(studies, ["ha2010", "bible2012"])
    dcr = selection.outcome_counts(toy, "DCR")
    # bible2012 has no DCR in data/studies.csv (D02): it must be absent, not 0/15
    assert dcr.study_id.tolist() == ["ha2010"] and dcr.events.tolist() == [6] and dcr.n.tolist() == [8]
    with pytest.raises(ValueError, match="outcome='PFS'"):
        selection.outcome_counts(toy, "PFS")


def test_pooling_uses_the_configured_method_and_handles_k0_and_k1(studies):
    settings = MetaAnalysisSettings(transform="PLOGIT", tau2_method="DL", level=0.9)
    toy = cohort_rows(studies, ["savvides2013", "ito2017_atc", "bible2012"])
    got = selection.pool_outcome(toy, "ORR", settings)
    # direct call with the counts of data/studies.csv: 0/15, 2/20, 0/10 (publication order)
    want = metaprop([0, 2, 0], [15, 20, 10], transform="PLOGIT", tau2_method="DL", level=0.9)
    assert got.k == 3 and got.estimate == pytest.approx(want.estimate, abs=1e-12)
    assert got.ci_low == pytest.approx(want.ci_low, abs=1e-12) and got.level == 0.9
    assert selection.pool_outcome(cohort_rows(studies, ["bible2012"]), "DCR", settings) is None
    one = selection.pool_outcome(cohort_rows(studies, ["ha2010"]), "ORR", MetaAnalysisSettings())
    # one study is not pooled: its proportion with the exact interval, no tau2 or I2
    # R: binom.test(2, 8)$conf.int = 0.03185 0.65086
    assert one.k == 1 and np.isnan(one.tau2) and np.isnan(one.i2) and one.estimate == pytest.approx(0.25, abs=1e-9)
    assert (one.ci_low, one.ci_high) == pytest.approx((0.03185, 0.65086), abs=5e-6)
    with pytest.warns(UserWarning, match="Wald Q"):  # two cohorts with 0 events
        glmm = selection.pool_outcome(toy, "ORR", replace(settings, model="glmm"))
    assert glmm.model == "glmm" and glmm.transform == "PLOGIT"
    assert selection.ledger_inputs(toy, "ORR")[0] == {"study_id": "bible2012", "events": 0, "n": 15}


def test_single_cohort_response_uses_exact_intervals(studies):
    table = st.response_table(cohort_rows(studies, ["ito2017_mtc", "bible2012"]))
    # R: binom.test(2, 8)$conf.int = 0.03185 0.65086; binom.test(6, 8)$conf.int = 0.34914 0.96815
    row = table.set_index("Study").loc["Ito 2017 (MTC)"]
    assert row["ORR"] == "2/8, 25.0% (3.2–65.1%)" and row["DCR"] == "6/8, 75.0% (34.9–96.8%)"
    assert pd.isna(table.set_index("Study").loc["Bible 2012", "DCR"])
    found = {(c.study_id, c.outcome): c for c in selection.cohort_responses(cohort_rows(studies, ["ito2017_mtc"]))}
    assert found[("ito2017_mtc", "ORR")].ci_low == pytest.approx(0.03185, abs=5e-6)
    assert found[("ito2017_mtc", "ORR")].ci_high == pytest.approx(0.65086, abs=5e-6)
    assert "2/8" in found[("ito2017_mtc", "ORR")].summary()


def test_other_histologies_are_listed_apart_with_their_statements(studies):
    other = selection.other_histology_cohorts(studies)
    # data/studies.csv: Pitoia 2014 (DTC) and the Ito 2017 MTC arm are the other-histology cohorts
    assert other.study_id.tolist() == ["pitoia2014", "ito2017_mtc"]
    text = {c.study_id + c.outcome: c.text() for c in selection.cohort_responses(other)}
    assert text["ito2017_mtcORR"] == "2/8 (25.0%; 95% CI 3.2–65.1%)"
    statements = st.survival_statements(other).set_index("Study")
    assert "not reached" in statements.loc["Ito 2017 (MTC)", "Survival as stated in the source"]
