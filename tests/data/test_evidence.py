"""The loader: real data validate, every problem is reported, frames, units, fingerprint.

Includes the property test: a random corruption of one cell of a valid file is either
reported, or provably harmless (every loaded table is unchanged except that cell, which
holds exactly the value the new text spells).
"""

from __future__ import annotations

import re
import shutil

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from living_review.data import DataValidationError, Evidence, load_evidence
from living_review.validation import validate
from living_review.data.schema import RESOURCE_NAMES, read_schema
from living_review.core.fingerprint import data_fingerprint
from tests.data.conftest import REAL_DATA, read_rows, write_rows

FRAMES = ("studies", "landmarks", "adverse_events", "discrepancies", "previous_version_inputs", "sources")


def test_real_data_validate_without_errors():
    problems = validate(REAL_DATA)
    assert [p for p in problems if p.severity == "error"] == []
    ev = load_evidence(REAL_DATA)
    assert isinstance(ev, Evidence)
    # The only warnings are the cohorts identified by citation only, and (since 1.3.0, when the
    # quotes table came) the values no quote of the sources read states: the pub_date months not
    # in the notes, the CI levels Cao leaves out, the safety sets no sentence counts, Sparano's CR 0.
    quoted = [p for p in ev.warnings if "without a quote" in p.message]
    # risk-of-bias supports flagged against a quote are for a person to read (their rows change with
    # the appraisal); they are warnings and nothing else
    flagged = [p for p in ev.warnings if "checks the judgement against the quote" in p.message]
    assert {p.file for p in flagged} <= {"data/risk_of_bias.csv"}
    assert {p.message.split("'")[1] for p in ev.warnings if p not in quoted + flagged} == {
        "ha2010", "bible2012", "wirth2021", "pitoia2014", "mikoshiba2025"}
    assert {p.message.split(":")[0] for p in quoted} == {
        "savvides2013", "tahara2017", "wirth2021", "higashiyama2022", "kim2021", "sparano2021", "iwasaki2018",
        "iwasaki2023", "dierks2021", "mikoshiba2025", "matsuo2025"}


def test_study_ids_are_the_fixed_identifiers():
    ids = set(load_evidence(REAL_DATA).studies["study_id"])
    assert ids == {
        "ha2010", "bible2012", "savvides2013", "tahara2017", "wirth2021", "higashiyama2022", "ito2017_atc",
        "ito2017_mtc", "kim2021", "sparano2021", "pitoia2014", "iwasaki2018", "iwasaki2023", "koyama2018",
        "pms_japan2020", "dierks2021", "atlep2022", "anlotinib_chemo2023", "iwasaki2020", "sherman2023_pazopanib",
        "mikoshiba2025", "matsuo2025",
    }


def test_frames_have_schema_columns_and_types():
    ev = load_evidence(REAL_DATA)
    schema, _ = read_schema(REAL_DATA)
    for name in FRAMES:
        frame = getattr(ev, name)
        assert list(frame.columns[: len(schema.resources[name].names)]) == list(schema.resources[name].names)
    assert str(ev.studies["orr_events"].dtype) == "Int64"
    assert str(ev.studies["in_previous_version"].dtype) == "boolean"
    assert ev.studies["pfs_median"].dtype == "float64"
    assert int(ev.studies["in_previous_version"].sum()) == 6  # the six trials of Cao 2024


def test_times_are_normalised_to_months_beside_reported_values(tol):
    ev = load_evidence(REAL_DATA)
    s = ev.studies.set_index("study_id")
    # Bible 2012: 62 d and 111 d (Cao 2024 Table 1); direct computation d / 30.4375.
    assert s.loc["bible2012", "pfs_median"] == 62 and s.loc["bible2012", "pfs_unit"] == "days"
    assert abs(s.loc["bible2012", "pfs_median_months"] - 62 / 30.4375) <= tol["unit"]
    assert abs(s.loc["bible2012", "os_median_months"] - 111 / 30.4375) <= tol["unit"]
    # Anlotinib + chemotherapy: 25.1 weeks; weeks / 4.348.
    assert abs(s.loc["anlotinib_chemo2023", "pfs_median_months"] - 25.1 / 4.348) <= tol["unit"]
    # Months stay as they are, CI limits included (Kim 2021: 5.7, 2.2-8.3).
    assert (s.loc["kim2021", ["pfs_median_months", "pfs_ci_lower_months", "pfs_ci_upper_months"]].tolist()
            == [5.7, 2.2, 8.3])
    lm = ev.landmarks.set_index("study_id")
    assert lm.loc["atlep2022", "time_months"] == 24.0  # 2 years


def test_publication_order_for_cumulative_analysis():
    s = load_evidence(REAL_DATA).studies.sort_values("pub_order")
    assert s["pub_order"].tolist() == list(range(1, len(s) + 1))
    assert s["study_id"].iloc[0] == "ha2010"
    assert s["pub_date"].tolist() == sorted(s["pub_date"])
    t = s.set_index("study_id")
    assert t.loc["tahara2017", "pub_month"] == 3 and pd.isna(t.loc["ha2010", "pub_month"])


def test_every_problem_is_reported_not_the_first(data_copy):
    a = data_copy.set("studies.csv", "kim2021", "drug", "Lenvatinib")
    b = data_copy.set("studies.csv", "wirth2021", "orr_events", "40")
    c = data_copy.set("landmarks.csv", "ha2010", "endpoint", "EFS")
    with pytest.raises(DataValidationError) as info:
        load_evidence(data_copy.dir, load="all")
    where = {(p.file, p.line, p.column) for p in info.value.problems if p.severity == "error"}
    assert {("data/studies.csv", a, "drug"), ("data/studies.csv", b, "orr_events"),
            ("data/landmarks.csv", c, "endpoint")} <= where
    text = str(info.value)
    assert f"data/studies.csv:{a}: drug: 'Lenvatinib' is not allowed" in text


def test_fingerprint_covers_data_and_changes_with_one_count(data_copy):
    before = load_evidence(data_copy.dir).fingerprint
    assert before == data_fingerprint(data_copy.dir.parent)  # same digest the releases cite
    # One count moves from PD to NE: still a valid row, but different data.
    data_copy.set("studies.csv", "kim2021", "pd", "0")
    data_copy.set("studies.csv", "kim2021", "ne", "1")
    after = load_evidence(data_copy.dir)
    assert after.fingerprint != before
    # Files outside the tables (e.g. data/km) count too.
    extra = data_copy.dir / "km"
    extra.mkdir(exist_ok=True)
    (extra / "note.txt").write_text("x\n", encoding="utf-8")
    assert load_evidence(data_copy.dir).fingerprint != after.fingerprint


def test_summary_is_readable():
    text = load_evidence(REAL_DATA).summary()
    assert text.startswith("22 cohorts (16 ATC monotherapy, 4 ATC combination, 2 other histology; "
                           "6 in the previous version)")
    assert "fingerprint" in text


# --- property: corruption is reported or harmless ----------------------------------------

_SCHEMA, _ = read_schema(REAL_DATA)
_RES = {name: _SCHEMA.resources[name] for name in RESOURCE_NAMES}
_ROWS = {name: read_rows(REAL_DATA / _RES[name].path) for name in RESOURCE_NAMES}


def _spelled(text, field):
    """The value ``text`` spells for ``field``, by an oracle independent of the loader."""
    if text == "":
        return None
    if field.type == "integer":
        return int(text) if re.fullmatch(r"[0-9]+", text) else ValueError
    if field.type == "number":
        return float(text) if re.fullmatch(r"[0-9]+(\.[0-9]+)?", text) else ValueError
    if field.type == "boolean":
        return {"true": True, "false": False}.get(text, ValueError)
    return text


_CELL_TEXT = st.one_of(
    st.text(alphabet=st.sampled_from(list("aA0123456789.,-+ \t\"'é;\n_")), max_size=6),
    st.integers(min_value=-5, max_value=200).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["lenvatinib", "Lenvatinib", "months", "days ", " ATC", "true", "True", "NA", "n/a", "2.60"]),
)
# The real data, validated and loaded once: every example is compared against them.
_BASELINE = set(validate(REAL_DATA))
_CLEAN = load_evidence(REAL_DATA)


def _raised_on_access(folder, new, corrupted):
    """Every new error in a table's file stops the first use of a table, loaded on access, and
    an error in the corrupted file stops the first use of that table."""
    files = {f"data/{_RES[n].path}": n for n in RESOURCE_NAMES}
    wanted = {p for p in new if p.severity == "error" and p.file in files}
    raised: dict[str, set] = {}
    for table in RESOURCE_NAMES:
        try:
            getattr(load_evidence(folder), table)
        except DataValidationError as error:
            raised[table] = set(error.problems)
    assert wanted <= set().union(*raised.values())
    if any(p.file == f"data/{_RES[corrupted].path}" for p in wanted):
        assert corrupted in raised


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_cell_corruption_is_reported_or_harmless(tmp_path, data):
    folder = tmp_path / "data"
    if not folder.exists():
        shutil.copytree(REAL_DATA, folder)
    name = data.draw(st.sampled_from(RESOURCE_NAMES), label="file")
    rows = [list(r) for r in _ROWS[name]]
    r = data.draw(st.integers(1, len(rows) - 1), label="row")
    c = data.draw(st.integers(0, len(rows[0]) - 1), label="column")
    text = data.draw(_CELL_TEXT, label="text")
    rows[r][c] = text
    path = folder / _RES[name].path
    original = path.read_bytes()
    try:
        write_rows(path, rows)
        found = set(validate(folder))
        if found != _BASELINE:
            _raised_on_access(folder, found - _BASELINE, name)
            return  # reported
        field = _RES[name].field(rows[0][c])
        expected = _spelled(text, field)
        assert expected is not ValueError, f"{text!r} in {field.name} was accepted without a problem"
        loaded = load_evidence(folder)
        for frame in FRAMES:
            got, ref = getattr(loaded, frame), getattr(_CLEAN, frame).copy()
            if frame == name:
                # Harmless means: nothing else changed, and the cell holds what the text spells.
                ref.loc[r - 1, field.name] = expected
            columns = list(_RES[frame].names)  # loader-derived columns are tested above
            pd.testing.assert_frame_equal(got[columns], ref[columns])
    finally:
        path.write_bytes(original)


# --- the previous version's published pooled results -------------------------------------

def test_previous_version_results_are_loaded_typed():
    pv = load_evidence(REAL_DATA).previous_version_results
    assert list(pv.columns) == ["outcome", "subset", "statistic", "value", "unit", "decimals", "source"]
    assert pv["value"].dtype == "float64" and str(pv["decimals"].dtype) == "Int64"
    t = pv.set_index(["outcome", "subset", "statistic"])
    # Cao 2024 Fig. 3: ORR 0.09 [0.02; 0.17], tau2 0.0092, I2 46%; subgroup chi2 4.36, df 3.
    assert t.loc[("ORR", "all", "estimate"), "value"] == 0.09
    assert t.loc[("ORR", "all", "tau2"), ["value", "decimals"]].tolist() == [0.0092, 4]
    assert t.loc[("ORR", "subgroup_difference", "df"), "value"] == 3
    # Cao 2024 Results: median OS 4.8 months (95% CI 2.74-8.84); Table 2: 24-month OS 12.61%.
    assert t.loc[("OS", "all", "median_ci_upper"), "value"] == 8.84
    assert t.loc[("OS", "all", "rate_24_months"), "unit"] == "percent"


def test_previous_version_results_are_checked(data_copy):
    path = data_copy.path("previous_version_results.csv")
    rows = read_rows(path)
    rows[1][rows[0].index("statistic")] = "estimte"
    rows[2][rows[0].index("source")] = "Cao 2024, Fig. 3 (seed S-99)"
    write_rows(path, rows)
    where = {(p.file, p.line, p.column) for p in validate(data_copy.dir) if p.severity == "error"}
    assert {("data/previous_version_results.csv", 2, "statistic"),
            ("data/previous_version_results.csv", 3, "source")} <= where


def test_validate_checks_the_eligibility_of_every_full_text_decision(data_copy):
    # the methods chapter refuses to build otherwise: validate warns first (a warning, so that
    # screening and the PRISMA counts work before the facts are extracted)
    path = data_copy.path("search/eligibility_assessments.csv")
    path.write_text("".join(line for line in path.read_text(encoding="utf-8").splitlines(keepends=True)
                            if not line.startswith("rec-kim2021,")), encoding="utf-8")
    log = data_copy.path("search/screening_log.csv").read_text(encoding="utf-8").splitlines()
    line = next(i for i, text in enumerate(log, 1) if text.startswith("rec-kim2021,full_text,"))
    clean = {(p.file, p.line, p.message) for p in validate(REAL_DATA)}
    problems = [p for p in validate(data_copy.dir) if (p.file, p.line, p.message) not in clean]
    assert [(p.file, p.line, p.column, p.severity) for p in problems] == [
        ("data/search/screening_log.csv", line, "record_id", "warning")]
    assert "has no row in search/eligibility_assessments.csv" in problems[0].message
    assert problems[0].message.endswith("the methods chapter will not build until this is fixed")


# --- tables loaded on access ---------------------------------------------------------------

def test_on_access_and_all_load_the_same_tables():
    every, lazy = load_evidence(REAL_DATA, load="all"), load_evidence(REAL_DATA)
    for name in RESOURCE_NAMES:
        pd.testing.assert_frame_equal(getattr(lazy, name), getattr(every, name))
    assert lazy.fingerprint == every.fingerprint == data_fingerprint(REAL_DATA.parent)
    assert lazy.warnings == every.warnings


def test_load_is_a_closed_set():
    with pytest.raises(ValueError, match="choose one of on_access, all"):
        load_evidence(REAL_DATA, load="lazy")


def test_an_error_stops_the_first_use_of_its_table_and_validate(data_copy):
    line = data_copy.set("adverse_events.csv", "kim2021", "events", "-3")
    ev = load_evidence(data_copy.dir)
    assert len(ev.studies) == len(load_evidence(REAL_DATA).studies)  # studies do not use adverse events
    with pytest.raises(DataValidationError) as info:
        ev.adverse_events
    assert ("data/adverse_events.csv", line, "events") in {(p.file, p.line, p.column) for p in info.value.problems}
    assert any(p.file == "data/adverse_events.csv" and p.severity == "error" for p in validate(data_copy.dir))
    with pytest.raises(DataValidationError):
        load_evidence(data_copy.dir, load="all")


def test_a_cross_table_check_reads_the_table_it_needs(data_copy):
    # the denominators of adverse events are checked against the cohorts' sizes in studies.csv
    data_copy.set("studies.csv", "kim2021", "n_safety", "999")
    with pytest.raises(DataValidationError) as info:
        load_evidence(data_copy.dir).adverse_events
    assert any(p.file == "data/adverse_events.csv" and "denominator" in p.column for p in info.value.problems)
