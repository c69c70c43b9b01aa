"""Changelog helpers: releases found and compared, and the living (cumulative) view."""

import json
from dataclasses import replace

import pytest

from living_review.data import load_evidence
from living_review.meta import cumulative
from living_review.report.changelog_report import living_table, living_view, release_overview, releases_table
from living_review.settings import load_settings


def _summary(root, version, estimate, studies):
    folder = root / "releases" / version
    folder.mkdir(parents=True)
    payload = {"version": version, "data_fingerprint": version, "parameters": {},
               "studies": [{"study_id": s, "in_previous_version": False} for s in studies],
               "estimates": {"orr.all": {"outcome": "ORR", "estimate": estimate, "ci_low": estimate - 0.05,
                                         "ci_high": estimate + 0.05, "k": len(studies), "n": 10,
                                         "params": {}, "inputs": []}}}
    (folder / "summary.json").write_text(json.dumps(payload))


def test_no_release_yet(tmp_path):
    overview = release_overview(tmp_path)
    assert overview.releases == () and overview.entries == ()
    assert not overview.current_released
    assert "releases with a summary: none" in overview.summary()


def test_two_releases_give_one_entry_without_headings(tmp_path):
    _summary(tmp_path, "0.1.0", 0.09, ["a"])
    _summary(tmp_path, "1.0.0", 0.13, ["a", "b"])
    overview = release_overview(tmp_path)
    assert overview.releases == ("0.1.0", "1.0.0")
    [entry] = overview.entries
    assert (entry.version, entry.previous) == ("1.0.0", "0.1.0")
    assert entry.markdown.startswith("**Version 1.0.0 (compared with 0.1.0)**")
    assert "\n#" not in entry.markdown
    assert "Studies added: b" in entry.markdown
    assert "orr.all" in entry.markdown  # 0.09 -> 0.13 moved


def test_releases_table_says_what_each_release_holds(tmp_path):
    _summary(tmp_path, "0.1.0", 0.09, ["a"])
    _summary(tmp_path, "1.0.0", 0.13, ["a", "b"])
    (tmp_path / "releases" / "1.0.0" / "SHA256SUMS").write_text("ab  living-review-1.0.0.tar.gz\ncd  summary.json\n")
    table = releases_table(tmp_path)
    assert table["Version"].tolist() == ["0.1.0", "1.0.0"]
    assert table["Studies"].tolist() == [1, 2] and table["Estimates"].tolist() == [1, 1]
    assert table["Archive"].tolist() == ["summary only", "HTML + PDF"]
    assert table["Contents"].tolist() == ["every published estimate and every study"] * 2  # no scope recorded


def test_living_view_is_the_cumulative_analysis_of_the_pooled_cohorts():
    studies = load_evidence().studies
    meta = load_settings().meta_analysis
    result = living_view(studies, meta)
    pooled = studies[(studies.pooling_role == "atc_monotherapy")
                     & (studies.overlap_group.isna() | studies.overlap_keep.fillna(False).astype(bool))]
    pooled = pooled[pooled.orr_n.notna()].sort_values("pub_order")
    direct = cumulative(pooled.orr_events.astype(int), pooled.orr_n.astype(int), pooled.pub_date.astype(str).tolist(),
                        transform=meta.transform, tau2_method=meta.tau2_method, hakn=meta.hakn, level=meta.level,
                        studies=pooled.label.tolist())
    assert result.frame["label"].tolist() == direct.frame["label"].tolist()
    assert result.frame["estimate"].to_numpy() == pytest.approx(direct.frame["estimate"].to_numpy(), abs=1e-12)
    assert result.frame["k"].tolist() == list(range(1, len(pooled) + 1))
    table = living_table(result)
    assert table.loc[0, "I²"] == "–"  # k = 1: I² undefined
    assert list(table.columns) == ["Added", "k", "Estimate [CI]", "τ²", "I²"]


def test_living_view_follows_the_configured_transform():
    studies = load_evidence().studies
    meta = load_settings().meta_analysis
    a = living_view(studies, replace(meta, transform="PLOGIT"))
    b = living_view(studies, replace(meta, transform="PFT"))
    assert a.frame["estimate"].iloc[-1] != pytest.approx(b.frame["estimate"].iloc[-1], abs=1e-6)


def test_living_view_rejects_unknown_outcome():
    with pytest.raises(ValueError, match="ORR, DCR"):
        living_view(load_evidence().studies, load_settings().meta_analysis, outcome="OS")


def test_status_text_follows_the_releases_found(tmp_path):
    from living_review.report.changelog_report import ReleaseOverview, status_text
    assert status_text(ReleaseOverview("1.0.0", (), ())).startswith("No release summary has been committed yet")
    assert "One release summary is committed (0.1.0)" in status_text(ReleaseOverview("1.0.0", ("0.1.0",), ()))
    assert "versions 0.1.0, 1.0.0" in status_text(ReleaseOverview("1.0.0", ("0.1.0", "1.0.0"), ()))


def test_record_living_view_writes_the_last_fit(tmp_path):
    from living_review.ledger import collect
    from living_review.report.changelog_report import record_living_view
    studies = load_evidence().studies
    meta = load_settings().meta_analysis
    result = living_view(studies, meta)
    record_living_view(result, studies, meta, root=tmp_path)
    [(key, rec)] = collect(tmp_path).items()
    assert key == "changelog.orr.atc_monotherapy_cumulative"
    assert rec["estimate"] == pytest.approx(result.frame["estimate"].iloc[-1], abs=1e-15)
    assert rec["k"] == len(result.frame) == len(rec["inputs"])
    assert rec["n"] == sum(i["n"] for i in rec["inputs"])
