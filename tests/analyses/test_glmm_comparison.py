"""The GLMM beside the primary analysis: a failed fit is said in words and published without a number."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from living_review.provenance.ledger import collect, is_estimated
from living_review.meta import metaprop
from living_review.versions.compare import compare_estimate
from living_review.analyses import glmm_comparison as G

OPTIONS = {"transform": "PFT", "tau2_method": "REML", "model": "inverse", "hakn": False, "level": 0.95}


def _studies(events, totals):
    k = len(events)
    return pd.DataFrame({"study_id": [f"s{i}" for i in range(k)], "label": [f"Study {i}" for i in range(k)],
                         "pub_date": pd.to_datetime([f"2020-0{i + 1}-01" for i in range(k)]),
                         "orr_events": events, "orr_n": totals})


FAILS = _studies([0, 7], [5, 7])      # no study strictly between 0 and all events: no finite optimum
NONE = _studies([0, 0], [5, 7])       # no event at all: no GLMM exists
FITS = _studies([2, 5, 9, 4], [10, 20, 30, 12])


def test_a_fit_that_does_not_converge_is_said_in_words_without_numbers():
    c = G.compare_glmm(FAILS, "ORR", OPTIONS)
    direct = metaprop([0, 7], [5, 7], model="glmm", transform="PLOGIT")
    assert not direct.glmm.converged and c.status == "not_converged" and not c.converged
    assert c.within_primary_ci is None
    assert c.sentence().startswith("For ORR, the GLMM did not converge (its optimum could not be confirmed), so no "
                                   "GLMM estimate is given; the primary analysis gives ")
    row = c.table().set_index("analysis").loc[G.GLMM_LABEL]
    assert (row["estimate"], row["tau2"], row["I2"]) == ("did not converge", "–", "–")
    assert not re.search(r"\d", row["estimate"] + row["tau2"] + row["I2"])  # no number printed as if fine
    assert "no estimate of ORR (the fit failed)" in G.agreement_sentence([c])


def test_data_that_admit_no_glmm_are_not_estimable():
    c = G.compare_glmm(NONE, "ORR", OPTIONS)
    assert c.status == "not_estimable" and c.glmm is None
    assert "the GLMM cannot be fitted (no patient had the event" in c.sentence()
    assert c.table().set_index("analysis").loc[G.GLMM_LABEL, "estimate"] == "not estimable"


def test_a_converged_fit_is_compared_with_the_primary_interval():
    c = G.compare_glmm(FITS, "ORR", OPTIONS)
    direct = metaprop([2, 5, 9, 4], [10, 20, 30, 12], model="glmm", transform="PLOGIT")
    assert c.converged and c.glmm.estimate == pytest.approx(direct.estimate, abs=0)
    assert c.within_primary_ci is (c.primary.ci_low <= direct.estimate <= c.primary.ci_high)
    assert "inside the interval of the primary analysis" in c.sentence()
    assert G.agreement_sentence([c, c]) == "The GLMM estimates of ORR and ORR lie inside the primary analyses' intervals"


@pytest.mark.parametrize("studies, status", [(FAILS, "not_converged"), (NONE, "not_estimable")])
def test_the_ledger_records_a_failed_fit_with_a_status_not_a_number(tmp_path, studies, status):
    c = G.compare_glmm(studies, "ORR", OPTIONS)
    path = G.record_glmm("sensitivity.orr.glmm", c, studies, chapter="09", root=tmp_path)
    rec = json.loads(path.read_text())
    assert rec["status"] == status and "GLMM" in rec["reason"]
    assert (rec["estimate"], rec["ci_low"], rec["ci_high"]) == (None, None, None)
    assert rec["k"] == 2 and rec["n"] == 12 and [i["study_id"] for i in rec["inputs"]] == ["s0", "s1"]
    assert not is_estimated(collect(tmp_path)["sensitivity.orr.glmm"])
    # a release comparison sees no interval, instead of failing on a null number
    assert compare_estimate("sensitivity.orr.glmm", None, rec).current is None


def test_a_converged_fit_is_recorded_with_its_numbers(tmp_path):
    c = G.compare_glmm(FITS, "ORR", OPTIONS)
    rec = json.loads(G.record_glmm("sensitivity.orr.glmm", c, FITS, chapter="09", root=tmp_path).read_text())
    assert "status" not in rec and rec["estimate"] == pytest.approx(c.glmm.estimate, abs=0)
    assert is_estimated(rec)


def test_the_review_data_notes_studies_with_no_event():
    from living_review.data import load_evidence
    from living_review.analyses.sensitivity import primary_studies

    c = G.compare_glmm(primary_studies(load_evidence().studies), "ORR", OPTIONS)
    assert c.converged and c.primary_label == "PFT, REML (primary)" and c.glmm.model == "glmm"
    assert any("0 or all events" in n for n in c.notes)  # Bible 2012: 0/15 responses
