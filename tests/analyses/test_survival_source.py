"""Tests for living_review.analyses.survival_source: the survival chapter's estimates, read back by other pages.

Each test writes records into a temporary project (its own ``review.yml`` makes its own inputs
fingerprint) and reads them back, as the summary of findings and the drug chapters do; a rerun is
a second folder whose ledger is empty. The numbers are checked against the pooling computed
directly with :func:`living_review.analyses.survival_report.pool_medians`, the function the survival
chapter calls: reading a record must give back the very same floats.
"""

from dataclasses import replace

import pandas as pd
import pytest

from living_review.analyses import selection, survival_report
from living_review.analyses import survival_curves
from living_review.analyses import summary_of_findings as sof
from living_review.analyses import survival_source as ss
from living_review.analyses.record_lookup import in_rerun
from living_review.core.paths import BUILD_DIR_VARIABLE, project_root
from living_review.provenance.ledger import collect


@pytest.fixture(scope="module")
def cohorts(ev):
    return selection.select_cohorts(ev.studies)


@pytest.fixture
def book(tmp_path):
    root = tmp_path / "book"
    root.mkdir()
    (root / "review.yml").write_text("inputs of the book\n")
    return root


def _direct(cohorts, endpoint, settings):
    return survival_report.pool_medians(cohorts, endpoint, tau2_method=settings.meta_analysis.tau2_method,
                                        level=settings.survival.level)


@pytest.mark.parametrize("endpoint", ["PFS", "OS"])
def test_a_recorded_median_reads_back_as_the_same_pooling(ev, settings, cohorts, book, endpoint):
    want = _direct(cohorts, endpoint, settings)
    path = ss.record_medians(ss.pool_group_medians(cohorts, endpoint, settings), ss.median_key(endpoint),
                             settings=settings, root=book)
    assert path.stem == f"survival.{endpoint.lower()}.log_median"
    rec = collect(book)[path.stem]
    got = ss.pooling_from_record(rec)
    for name in ("estimate", "ci_low", "ci_high", "tau2", "i2", "q", "q_pvalue", "k", "method", "level"):
        assert getattr(got.result, name) == getattr(want.result, name), name
    pd.testing.assert_frame_equal(got.result.table.reset_index(drop=True), want.result.table.reset_index(drop=True),
                                  check_dtype=False)
    assert got.inputs == want.inputs and (got.k_reported, got.k_with_ci) == (want.k_reported, want.k_with_ci)
    assert survival_report.median_sentence(got) == survival_report.median_sentence(want)
    # the ledger's inputs are the pooled cohorts; the medians without a CI are kept beside them
    assert rec["k"] == len(rec["inputs"]) == want.result.k
    assert len(rec["extra"]["not_pooled"]) == want.k_reported - want.result.k
    assert rec["n"] == sum(i["n"] for i in survival_report.pooled_inputs(want))


def test_a_group_that_cannot_be_pooled_has_no_record_and_says_why(ev, settings, cohorts, book):
    one = cohorts[cohorts["drug"] == "imatinib"]
    pooling = ss.pool_group_medians(one, "OS", settings)
    assert pooling.result is None and ss.record_medians(pooling, ss.median_key("OS", "imatinib"),
                                                        settings=settings, root=book) is None
    read = ss.read_medians(one, "OS", settings, drug="imatinib", root=book, book_root=book)
    assert read.origin == "recomputed" and read.pooling.result is None and read.pooling.reason
    assert ss.sources_note([read]) == "No survival estimate on this page is pooled."


def test_this_builds_record_is_read_when_current(settings, cohorts, book):
    ss.record_medians(ss.pool_group_medians(cohorts, "OS", settings), ss.median_key("OS"), settings=settings,
                      root=book)
    read = ss.read_medians(cohorts, "OS", settings, root=book, book_root=book)
    assert read.origin == "this build" and read.reason == ""
    assert read.pooling.result.estimate == _direct(cohorts, "OS", settings).result.estimate
    note = ss.sources_note([read])
    assert note == "The pooled median OS comes from the survival chapter of this version."
    assert "survival.os" not in note and "ledger" not in note  # no internal keys in front of readers


def test_a_stale_record_is_not_read(settings, cohorts, book):
    ss.record_medians(ss.pool_group_medians(cohorts, "OS", settings), ss.median_key("OS"), settings=settings,
                      root=book)
    (book / "review.yml").write_text("changed since the record was written\n")
    read = ss.read_medians(cohorts, "OS", settings, root=book, book_root=book)
    assert read.origin == "recomputed" and "other data, code or configuration" in read.reason
    assert "because" in ss.sources_note([read])


def test_a_rerun_reads_the_books_record_when_its_parameters_give_the_same_analysis(settings, cohorts, book,
                                                                                 tmp_path):
    run = tmp_path / "run"
    ss.record_medians(ss.pool_group_medians(cohorts, "PFS", settings), ss.median_key("PFS"), settings=settings,
                      root=book)
    read = ss.read_medians(cohorts, "PFS", settings, root=run, book_root=book)
    assert read.origin == "book build"
    assert "read because this rerun has a ledger of its own" in ss.sources_note([read])


def test_a_rerun_with_other_parameters_recomputes_with_them_and_says_so(settings, cohorts, book, tmp_path):
    run = tmp_path / "run"
    ss.record_medians(ss.pool_group_medians(cohorts, "PFS", settings), ss.median_key("PFS"), settings=settings,
                      root=book)
    other = replace(settings, meta_analysis=replace(settings.meta_analysis, tau2_method="DL"))
    read = ss.read_medians(cohorts, "PFS", other, root=run, book_root=book)
    assert read.origin == "recomputed"
    assert "this run has no record" in read.reason and "tau2_method REML (here DL)" in read.reason
    assert read.pooling.result.estimate == _direct(cohorts, "PFS", other).result.estimate
    assert read.pooling.result.method == "DL"
    # a rerun on other cohorts (one drug, read under the all-cohort key) does not take the book's either
    lenva = cohorts[cohorts["drug"] == "lenvatinib"]
    assert ss.read_medians(lenva, "PFS", settings, root=run, book_root=book).reason.endswith("other cohorts")


def test_in_rerun_follows_the_build_folder_variable(monkeypatch, tmp_path):
    monkeypatch.delenv(BUILD_DIR_VARIABLE, raising=False)
    assert not in_rerun()
    monkeypatch.setenv(BUILD_DIR_VARIABLE, str(project_root() / "_build"))
    assert not in_rerun()
    monkeypatch.setenv(BUILD_DIR_VARIABLE, str(tmp_path / "_build"))
    assert in_rerun()


def test_summary_median_rows_and_their_certainty_are_the_survival_chapters_estimate(ev, settings, cohorts, book):
    sourced = {}
    for ep in ("PFS", "OS"):
        ss.record_medians(ss.pool_group_medians(cohorts, ep, settings), ss.median_key(ep), settings=settings,
                          root=book)
        sourced[ep] = ss.read_medians(cohorts, ep, settings, root=book, book_root=book)
    assert {s.origin for s in sourced.values()} == {"this build"}
    read = {r.key: r for r in sof.build_summary(ev, settings, n_terms=0, medians=sourced)}
    here = {r.key: r for r in sof.build_summary(ev, settings, n_terms=0)}
    for key, ep in (("pfs_median", "PFS"), ("os_median", "OS")):
        a, b = read[key], here[key]
        want = _direct(cohorts, ep, settings).result
        assert (a.estimate, a.ci_low, a.ci_high, a.i2, a.k) == (want.estimate, want.ci_low, want.ci_high, want.i2,
                                                                want.k)
        assert (a.estimate, a.patients, a.study_ids) == (b.estimate, b.patients, b.study_ids)
        # the rating is computed on the row's own estimate, interval, I², patients and weights
        assert a.certainty == b.certainty and a.rob == b.rob
        assert a.source == ss.median_key(ep) and sof.ledger_params(a)["source"] == ss.median_key(ep)
        assert b.source == "" and "source" not in sof.ledger_params(b)


def test_left_out_text_names_the_medians_without_an_interval(settings, cohorts):
    from living_review.analyses import primary_estimates as pe

    pooling = ss.pool_group_medians(cohorts, "OS", settings)
    assert ss.left_out_text(pooling, cohorts) == pe.left_out_text(
        pe.log_median(cohorts, "OS", settings.meta_analysis, settings.survival))
    assert ss.left_out_text(pooling, cohorts).startswith(f"{pooling.k_reported - pooling.result.k} cohort")


def test_the_drug_chapters_medians_are_the_survival_chapters_per_drug_records(ev, settings, cohorts, book):
    for drug in ("lenvatinib", "sorafenib"):
        group = cohorts[cohorts["drug"] == drug]
        ss.record_medians(ss.pool_group_medians(group, "OS", settings), ss.median_key("OS", drug), settings=settings,
                          root=book)
        page = selection.select_cohorts(ev.studies, drug=drug)  # the drug chapter's own selection
        read = ss.read_medians(page, "OS", settings, drug=drug, root=book, book_root=book)
        assert read.origin == "this build" and read.key == f"survival.os.drug_{drug}.log_median"
        assert read.pooling.result.estimate == _direct(page, "OS", settings).result.estimate


def test_keys_and_endpoints():
    assert ss.median_key("PFS") == "survival.pfs.log_median"
    assert ss.curve_prefix("OS") == "survival.os.curve" and ss.curve_prefix("OS", "sorafenib") == "survival.os.drug_sorafenib"
    with pytest.raises(ValueError, match="PFS, OS"):
        ss.median_key("TTP")


@pytest.mark.parametrize("drug", [None, "lenvatinib"])
def test_pooled_curves_read_back_or_are_recomputed_with_the_chapters_functions(ev, settings, book, drug):
    level = settings.survival.level
    curves = ss.endpoint_curves(ev, "OS")
    prefix = ss.curve_prefix("OS", drug)
    if drug is None:
        want = survival_curves.curve_records(survival_curves.pool(curves, level), curves, key=prefix)
        survival_curves.record_curve(survival_curves.pool(curves, level), curves, key=prefix, chapter="x", root=book)
    else:  # as the survival chapter records a drug: its stratum of the by-drug analysis
        by_drug, _ = survival_curves.strata(curves, "drug", level)
        sub = curves.subset("drug", drug)
        want = survival_curves.curve_records(by_drug.strata[drug], sub, key=prefix)
        survival_curves.record_curve(by_drug.strata[drug], sub, key=prefix, chapter="x", root=book)
        assert survival_curves.drug_curve_records(curves, drug, level, key=prefix) == want
    read = ss.read_curve(ev, "OS", level, drug=drug, root=book, book_root=book)
    assert read.origin == "this build" and set(read.records) == set(want)
    for key, fields in want.items():
        assert read.records[key]["estimate"] == fields["estimate"] and read.records[key]["ci_low"] == fields["ci_low"]
    again = ss.read_curve(ev, "OS", level, drug=drug, root=book / "empty", book_root=book / "empty")
    assert again.origin == "recomputed" and again.sentence() == read.sentence()
    wider = ss.read_curve(ev, "OS", 0.9, drug=drug, root=book, book_root=book)
    assert wider.origin == "recomputed" and "level 0.95 (here 0.9)" in wider.reason


def test_a_drug_with_one_cohort_has_no_pooled_curve(ev, settings, book):
    read = ss.read_curve(ev, "OS", settings.survival.level, drug="imatinib", root=book, book_root=book)
    assert read.records == {} and read.sentence().startswith("no pooled OS curve for this group")
    assert ss.sources_note((), [read]) == "No survival estimate on this page is pooled."


def test_no_other_page_pools_the_survival_chapters_estimates_again():
    """The summary and the drug template read the survival chapter's medians; they call no pooling of their own,
    and print nothing read off the model curves (``read_curve`` no longer: the curves are illustrations)."""
    root = project_root()
    for page in ("notebooks/01_summary_of_findings.md", "notebooks/templates/drug_results.md"):
        text = (root / page).read_text(encoding="utf-8")
        assert "ss.read_all_medians(" in text and "ss.read_curve(" not in text, page
        for call in ("pool_medians(", "log_median(", "sc.pool(", "pool_survival(", "ledger_sentence("):
            assert call not in text, f"{page} calls {call}"


@pytest.mark.parametrize("endpoint", ["PFS", "OS"])
def test_the_sensitivity_chapters_primary_median_is_the_survival_chapters(settings, cohorts, endpoint):
    from living_review.analyses import primary_estimates as pe

    primary = pe.log_median(cohorts, endpoint, settings.meta_analysis, settings.survival)
    mine = ss.pool_group_medians(cohorts, endpoint, settings).result
    assert (primary.estimate, primary.ci_low, primary.ci_high, primary.k) == (mine.estimate, mine.ci_low,
                                                                              mine.ci_high, mine.k)
