"""Row rules: counts, survival times, identity and consistency, one broken fixture each.

Every fixture is the real data with one cell changed; expected counts are direct
computations from the study rows named (e.g. Kim 2021: CR 0, PR 4, SD 9, PD 1, NE 0, N 14).
"""

from __future__ import annotations

import pytest

from living_review.validation import validate


def _from_quotes(p):
    # Since 1.3.0 a changed cell is also checked against its quote (tests/data/test_quotes.py);
    # the row rules are tested here on their own.
    return "quotes.csv" in p.message or "without a quote" in p.message


def _errors(folder):
    return [p for p in validate(folder) if p.severity == "error" and not _from_quotes(p)]


def _one(folder, line, column, fragment, severity="error"):
    found = [p for p in validate(folder) if p.severity == severity and not _from_quotes(p)]
    assert [(p.file, p.line, p.column) for p in found] == [("data/studies.csv", line, column)], found
    assert fragment in found[0].message
    return found[0]


# --- counts ------------------------------------------------------------------------------

def test_events_exceed_denominator(data_copy):
    line = data_copy.set("studies.csv", "wirth2021", "orr_n", "0")
    errs = _errors(data_copy.dir)
    assert any(p.line == line and p.column == "orr_events" and "exceeds its denominator" in p.message for p in errs)


def test_events_without_denominator(data_copy):
    line = data_copy.set("studies.csv", "iwasaki2023", "orr_n", "")
    _one(data_copy.dir, line, "orr_n", "must be given together")


def test_orr_must_equal_cr_plus_pr(data_copy):
    # Anlotinib + chemotherapy: CR 1, PR 14, ORR 15/25, no SD given (so no DCR identity).
    line = data_copy.set("studies.csv", "anlotinib_chemo2023", "cr", "2")
    _one(data_copy.dir, line, "orr_events", "15 differs from CR + PR = 2 + 14 = 16")


def test_dcr_must_not_be_below_orr(data_copy):
    # Iwasaki 2018 gives no category counts, so only the DCR >= ORR rule applies.
    line = data_copy.set("studies.csv", "iwasaki2018", "dcr_events", "3")
    _one(data_copy.dir, line, "dcr_events", "DCR 3/23 is below ORR 4/23")


def test_dcr_must_equal_cr_pr_sd(data_copy):
    line = data_copy.set("studies.csv", "savvides2013", "dcr_events", "8")  # 0 + 2 + 5 = 7
    _one(data_copy.dir, line, "dcr_events", "differs from CR + PR + SD = 7")


def test_categories_must_sum_to_n_evaluable(data_copy):
    line = data_copy.set("studies.csv", "kim2021", "ne", "1")  # 0+4+9+1+1 = 15 != 14
    _one(data_copy.dir, line, "n_evaluable_response", "CR+PR+SD+PD+NE = 15 differs from 14")


def test_category_cannot_exceed_n_evaluable(data_copy):
    line = data_copy.set("studies.csv", "ha2010", "n_evaluable_response", "5")  # SD 4, orr_n 8
    errs = [p for p in _errors(data_copy.dir) if p.line == line]
    assert {p.column for p in errs} == {"orr_n", "dcr_n"}


def test_n_evaluable_cannot_exceed_enrolled(data_copy):
    line = data_copy.set("studies.csv", "pms_japan2020", "n_enrolled", "100")
    _one(data_copy.dir, line, "n_evaluable_response", "exceeds n_enrolled = 100")


# --- survival ----------------------------------------------------------------------------

def test_ci_must_bracket_median(data_copy):
    line = data_copy.set("studies.csv", "kim2021", "pfs_ci_upper", "5.0")  # median 5.7
    _one(data_copy.dir, line, "pfs_median", "CI 2.2-5.0 does not bracket the median 5.7")


def test_time_needs_unit(data_copy):
    line = data_copy.set("studies.csv", "bible2012", "os_unit", "")
    _one(data_copy.dir, line, "os_unit", "a time is given without its unit")


def test_unit_without_time(data_copy):
    line = data_copy.set("studies.csv", "ha2010", "pfs_unit", "months")
    _one(data_copy.dir, line, "pfs_unit", "given without any time")


def test_one_sided_ci(data_copy):
    line = data_copy.set("studies.csv", "kim2021", "os_ci_lower", "")
    _one(data_copy.dir, line, "os_ci_lower", "only one confidence limit")


def test_ci_level_without_ci(data_copy):
    line = data_copy.set("studies.csv", "atlep2022", "pfs_ci_level", "95")
    _one(data_copy.dir, line, "pfs_ci_level", "without a CI")


def test_median_needs_pfs_or_ttp(data_copy):
    line = data_copy.set("studies.csv", "koyama2018", "pfs_measure", "")
    _one(data_copy.dir, line, "pfs_measure", "PFS or TTP")


def test_landmark_ci_must_bracket_rate(data_copy):
    line = data_copy.set("landmarks.csv", "higashiyama2022", "rate_pct", "30")
    (p,) = _errors(data_copy.dir)
    assert (p.file, p.line, p.column) == ("data/landmarks.csv", line, "rate_pct")


# --- identity ----------------------------------------------------------------------------

def test_row_needs_an_identifier(data_copy):
    data_copy.set("studies.csv", "kim2021", "doi", "")
    line = data_copy.line("studies.csv", "kim2021")
    _one(data_copy.dir, line, "doi", "no DOI, PMID or registry ID")


def test_citation_only_rows_are_warned(data_copy):
    line = data_copy.line("studies.csv", "wirth2021")
    warned = [p for p in validate(data_copy.dir) if p.severity == "warning" and p.line == line and not _from_quotes(p)]
    assert [p.column for p in warned] == ["doi"] and "citation only" in warned[0].message


def test_citation_only_with_identifier_is_inconsistent(data_copy):
    line = data_copy.set("studies.csv", "kim2021", "identifier_status", "citation_only")
    _one(data_copy.dir, line, "identifier_status", "citation_only although an identifier is given")


# --- consistency -------------------------------------------------------------------------

@pytest.mark.parametrize(
    "study, column, text, fragment",
    [
        ("kim2021", "setting", "trial", "contradicts design 'retrospective_cohort'"),
        ("ito2017_mtc", "pooling_role", "atc_monotherapy", "write 'other_histology'"),
        ("kim2021", "combination_partner", "pembrolizumab", "partner given for monotherapy"),
        ("atlep2022", "combination_partner", "", "needs a partner"),
        ("tahara2017", "dose_basis", "", "dose given without its basis"),
        ("kim2021", "pub_date", "2020", "disagrees with year 2021"),
    ],
)
def test_consistency_rules(data_copy, study, column, text, fragment):
    line = data_copy.set("studies.csv", study, column, text)
    _one(data_copy.dir, line, column, fragment)


def test_previous_version_counts_reproduce_printed_proportion(data_copy):
    path = data_copy.path("previous_version_inputs.csv")
    rows = path.read_text(encoding="utf-8").split("\n")
    line = next(i for i, r in enumerate(rows, 1) if r.startswith("tahara2017,DCR,"))
    rows[line - 1] = rows[line - 1].replace("tahara2017,DCR,16,17", "tahara2017,DCR,12,17")
    path.write_text("\n".join(rows), encoding="utf-8")
    (p,) = _errors(data_copy.dir)
    assert (p.file, p.line, p.column) == ("data/previous_version_inputs.csv", line, "events")
    assert "12/17 = 0.706 does not round to the printed 0.94" in p.message


def test_adverse_events_cannot_exceed_denominator(data_copy):
    path = data_copy.path("adverse_events.csv")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("wirth2021,Hypertension,>=3,8,34", "wirth2021,Hypertension,>=3,35,34"), encoding="utf-8")
    (p,) = _errors(data_copy.dir)
    assert p.file == "data/adverse_events.csv" and p.column == "events" and "35 exceeds denominator = 34" in p.message


def test_categories_exceed_n_evaluable_when_ne_is_empty(data_copy):
    # Kim 2021: CR 0, PR 4, SD 9, PD 1 = 14 = N; with NE empty and PD 5 the categories sum to 18 > 14.
    data_copy.set("studies.csv", "kim2021", "ne", "")
    line = data_copy.set("studies.csv", "kim2021", "pd", "5")
    errs = [p for p in _errors(data_copy.dir) if p.line == line]
    assert any(p.column == "n_evaluable_response" and "CR+PR+SD+PD = 18 exceeds 14" in p.message for p in errs)


def test_categories_below_n_evaluable_with_ne_empty_pass(data_copy):
    data_copy.set("studies.csv", "kim2021", "ne", "")
    data_copy.set("studies.csv", "kim2021", "pd", "0")  # 13 of 14 categorised; NE not reported
    assert not [p for p in _errors(data_copy.dir) if p.column == "n_evaluable_response"]


@pytest.mark.parametrize("date", ["2999", "2999-01"])
def test_publication_after_the_build_date(data_copy, date):
    data_copy.set("studies.csv", "kim2021", "year", date[:4])
    line = data_copy.set("studies.csv", "kim2021", "pub_date", date)
    errs = [p for p in _errors(data_copy.dir) if p.line == line]
    assert any(p.column == "pub_date" and "after the build date" in p.message for p in errs)
    assert any(p.column == "year" for p in errs)
