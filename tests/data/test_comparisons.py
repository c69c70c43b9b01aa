"""Rules of comparisons.csv: each broken fixture changes one cell of a copy of the real data."""

from __future__ import annotations

import pytest

from living_review.data import load_evidence
from living_review.validation import validate
from living_review.data.comparisons import comparison_rules
from tests.data.conftest import REAL_DATA, read_rows, write_rows

FILE = "comparisons.csv"


def _errors(folder):
    return [p for p in validate(folder) if p.severity == "error"]


def _edit(copy, match: dict, column: str, text: str) -> int:
    """Set ``column`` on the one row of comparisons.csv matching ``match``; return its line."""
    path = copy.path(FILE)
    rows = read_rows(path)
    head = rows[0]
    hits = [i for i, r in enumerate(rows[1:], start=1) if all(r[head.index(k)] == v for k, v in match.items())]
    assert len(hits) == 1, hits
    rows[hits[0]][head.index(column)] = text
    write_rows(path, rows)
    return hits[0] + 1


HR = {"comparison_id": "rtog0912", "statistic": "hazard_ratio"}
ONE_YEAR = {"comparison_id": "rtog0912", "statistic": "landmark_pct", "time": "1"}
AE34 = {"comparison_id": "rtog0912", "statistic": "events", "grade_band": "3-4"}


def test_real_comparisons_load_with_their_study():
    ev = load_evidence(REAL_DATA)
    c = ev.comparisons
    assert set(c["study_id"]) <= set(ev.studies["study_id"])
    hr = c[(c.comparison_id == "rtog0912") & (c.statistic == "hazard_ratio")].iloc[0]
    assert (hr.value, hr.ci_lower, hr.ci_upper, hr.p_value) == (0.86, 0.52, 1.43, 0.28)
    assert set(c.loc[c.comparison_id == "rtog0912", "allocation"]) == {"randomised"}
    assert set(c.loc[c.comparison_id != "rtog0912", "allocation"]) == {"non_randomised"}


@pytest.mark.parametrize("match, column, text, column_reported, fragment", [
    (HR, "ci_lower", "0.9", "value", "does not bracket the value 0.86"),
    (HR, "ci_upper", "", "ci_upper", "only one confidence limit"),
    (ONE_YEAR, "arm", "contrast", "arm", "does not fit statistic 'landmark_pct'"),
    (ONE_YEAR, "n", "", "n", "needs its number of patients"),
    (ONE_YEAR, "time", "", "time", "a landmark needs its time"),
    (ONE_YEAR, "unit", "", "unit", "needs its time unit"),
    (ONE_YEAR, "ci_upper", "144.8", "ci_upper", "exceeds 100 percent"),
    (AE34, "value", "40", "value", "exceeds n = 34"),
    (AE34, "value", "28.5", "value", "not a whole number"),
    (AE34, "grade_band", "", "grade_band", "need a grade band"),
    (AE34, "endpoint", "OS", "endpoint", "does not fit statistic 'events'"),
    (ONE_YEAR, "study_id", "sherman2023_pazopanib_x", "study_id", "is not a study_id of studies.csv"),
    (ONE_YEAR, "allocation", "non_randomised", "allocation", "differs from 'randomised' on line 2"),
    (ONE_YEAR, "source", "ESMO abstract (P-999)", "source", "cites source P-999"),
    (ONE_YEAR, "notes", "see D99", "notes", "refers to D99"),
])
def test_broken_cell_is_reported_at_its_line(data_copy, match, column, text, column_reported, fragment):
    line = _edit(data_copy, match, column, text)
    problems = [p for p in _errors(data_copy.dir) if p.file.endswith(FILE)]
    assert {(p.line, p.column) for p in problems} == {(line, column_reported)}, [str(p) for p in problems]
    assert any(fragment in p.message for p in problems), [p.message for p in problems]


def test_randomised_needs_a_randomised_trial(data_copy):
    data_copy.set("studies.csv", "iwasaki2020", "design", "retrospective_cohort")  # unchanged: still valid
    line = _edit(data_copy, {"comparison_id": "iwasaki2020_palliative"}, "allocation", "randomised")
    problems = [p for p in _errors(data_copy.dir) if p.file.endswith(FILE)]
    (p,) = [p for p in problems if p.column == "allocation"]
    assert (p.line, p.column) == (line, "allocation")
    assert "has design 'retrospective_cohort'" in p.message
    # a randomised comparison is assessed with RoB 2, which its ROBINS-I rows are not
    assert [q.column for q in problems if q is not p] == ["comparison_id"]
    assert any("has no RoB 2 assessment" in q.message for q in problems)


def test_unknown_vocabulary_lists_the_allowed_values(data_copy):
    _edit(data_copy, HR, "statistic", "odds_ratio")
    (p,) = [p for p in _errors(data_copy.dir) if p.file.endswith(FILE)]
    assert "hazard_ratio, median, average, landmark_pct, events" in p.message


def test_rules_on_rows_directly():
    row = {"comparison_id": "c", "study_id": "s", "comparator": "placebo", "allocation": "randomised",
           "arm": "comparator", "n": 10, "endpoint": "OS", "statistic": "median", "unit": "months", "value": 3.0,
           "ci_level": 95}
    studies = [(2, {"study_id": "s", "design": "randomised_trial"})]
    (p,) = comparison_rules("c.csv", [(2, row)], studies)
    assert (p.column, p.message) == ("ci_level", "confidence level given without a CI (empty it)")
    assert comparison_rules("c.csv", [(2, {**row, "ci_level": None})], studies) == []


CERT = "comparative_certainty.csv"


def _edit_cert(copy, cid: str, endpoint: str, band: str, column: str, text: str) -> int:
    path = copy.path(CERT)
    rows = read_rows(path)
    head = rows[0]
    hits = [i for i, r in enumerate(rows[1:], start=1)
            if (r[head.index("comparison_id")], r[head.index("endpoint")], r[head.index("grade_band")]) ==
            (cid, endpoint, band)]
    assert len(hits) == 1, hits
    rows[hits[0]][head.index(column)] = text
    write_rows(path, rows)
    return hits[0] + 1


def test_real_certainty_judgements_name_reported_outcomes():
    ev = load_evidence(REAL_DATA)
    j = ev.comparative_certainty
    assert set(j["comparison_id"]) == set(ev.comparisons["comparison_id"])
    assert set(j["indirectness"]) <= {0, 1, 2}
    assert (j["indirectness_reason"].str.len() > 20).all()


@pytest.mark.parametrize("cid, endpoint, band, column, text, fragment", [
    ("iwasaki2020_palliative", "OS", "", "endpoint", "PFS", "reports no PFS"),
    ("iwasaki2020_palliative", "OS", "", "comparison_id", "iwasaki2099", "is not in comparisons.csv"),
    ("rtog0912", "treatment_related_ae", "5", "grade_band", ">=3", "reports no treatment_related_ae of grade >=3"),
    ("rtog0912", "treatment_related_ae", "5", "grade_band", "", "rated per grade band"),
    ("rtog0912", "OS", "", "indirectness", "3", "above the maximum 2"),
    ("rtog0912", "OS", "", "source", "abstract (P-999)", "cites source P-999"),
    ("iwasaki2023_paclitaxel", "OS", "", "endpoint", "treatment_related_ae", "rated per grade band"),
])
def test_broken_certainty_judgement_is_reported_at_its_line(data_copy, cid, endpoint, band, column, text, fragment):
    line = _edit_cert(data_copy, cid, endpoint, band, column, text)
    hits = [p for p in _errors(data_copy.dir) if p.file.endswith(CERT)]
    assert any(p.line == line and fragment in p.message for p in hits), [str(p) for p in hits]


def test_an_outcome_without_risk_of_bias_rows_is_reported(data_copy):
    path = data_copy.path("risk_of_bias.csv")
    rows = read_rows(path)
    head = rows[0]
    keep = [r for r in rows if not (len(r) > 1 and r[head.index("outcome")] == "treatment_related_ae")]
    # five domain rows and their 22 RoB 2 signalling answers (3 + 7 + 4 + 5 + 3)
    assert len(keep) == len(rows) - 5 - 22
    write_rows(path, keep)
    hits = [str(p) for p in _errors(data_copy.dir) if p.file.endswith(CERT)]
    assert any("the risk of bias of treatment_related_ae in comparison 'rtog0912' is not assessed" in h for h in hits)
