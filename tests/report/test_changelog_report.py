"""Changelog helpers: releases found and compared, and the living (cumulative) view."""

import json
from dataclasses import replace

import pytest

from living_review.data import load_evidence
from living_review.meta import cumulative
from living_review.report.changelog_report import release_overview, releases_table
from living_review.analyses.living_view import living_table, living_view
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
    assert "Added: 1 cohort from 1 study:" in entry.markdown and "- b" in entry.markdown
    assert "| ORR, all | 0.090 (0.040 to 0.140) | 0.130 (0.080 to 0.180) |" in entry.markdown  # moved


def test_current_build_is_compared_with_the_last_release(tmp_path, monkeypatch):
    import living_review.report.changelog_report as report
    from living_review.provenance import ledger

    monkeypatch.setattr(report, "__version__", "2.0.0.dev0")
    import yaml
    from living_review.core.paths import project_root

    config = yaml.safe_load((project_root() / "review.yml").read_text())
    config.pop("releases")  # its headlines name keys this minimal ledger lacks
    (tmp_path / "review.yml").write_text(yaml.safe_dump(config))
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "studies.csv").write_text("study_id,in_previous_version\na,true\nb,false\n")
    monkeypatch.setattr("living_review.versions.summary.import_module", lambda name: (_ for _ in ()).throw(
        ModuleNotFoundError(name)))  # read the minimal studies.csv without the full data loader
    _summary(tmp_path, "1.0.0", 0.09, ["a"])
    ledger.record("orr.all", outcome="ORR", estimate=0.2, ci_low=0.15, ci_high=0.25, k=2, n=10,
                  params={}, inputs=[], root=tmp_path)
    overview = release_overview(tmp_path, include_current=True)
    [entry] = overview.entries
    assert (entry.version, entry.previous, entry.released) == ("2.0.0.dev0", "1.0.0", False)
    assert entry.markdown.startswith("**Version 2.0.0.dev0, this build (compared with 1.0.0)**")
    assert "| ORR, all | 0.090 (0.040 to 0.140) | 0.200 (0.150 to 0.250) |" in entry.markdown
    assert release_overview(tmp_path).entries == ()  # without include_current: releases only


def test_releases_table_says_what_each_release_holds(tmp_path):
    _summary(tmp_path, "0.1.0", 0.09, ["a"])
    _summary(tmp_path, "1.0.0", 0.13, ["a", "b"])
    (tmp_path / "releases" / "1.0.0" / "SHA256SUMS").write_text("ab  living-review-1.0.0.tar.gz\ncd  summary.json\n")
    table = releases_table(tmp_path)
    assert table["Version"].tolist() == ["0.1.0", "1.0.0"]
    assert table["Cohorts"].tolist() == [1, 2] and table["Estimates"].tolist() == [1, 1]
    assert table["Archive"].tolist() == ["summary only", "HTML + PDF"]
    assert table["Contents"].tolist() == ["every published estimate and every study"] * 2  # no scope recorded
    assert table["Released"].tolist() == ["not known"] * 2  # not a git checkout: the date is never guessed


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
    from living_review.report.changelog_report import ChangelogEntry
    one = status_text(ReleaseOverview("1.0.0", ("0.1.0",), ()))
    assert "committed for version 0.1.0; this build is version 1.0.0, which has no committed release summary yet." in one
    assert one.endswith("needs an earlier release to compare with.")
    current = ChangelogEntry("1.0.0", "0.1.0", "text", released=False)
    assert "The first entry compares this build with release 0.1.0" in status_text(
        ReleaseOverview("1.0.0", ("0.1.0",), (current,)))
    both = status_text(ReleaseOverview("1.0.0", ("0.1.0", "1.0.0"), (ChangelogEntry("1.0.0", "0.1.0", "t"),)))
    assert "versions 0.1.0, 1.0.0; this build is version 1.0.0, which is released." in both
    assert both.endswith("Each entry compares a release with the one before it.")


def test_record_living_view_writes_the_last_fit(tmp_path):
    from living_review.provenance.ledger import collect
    from living_review.analyses.living_view import record_living_view
    studies = load_evidence().studies
    meta = load_settings().meta_analysis
    result = living_view(studies, meta)
    record_living_view(result, studies, meta, root=tmp_path)
    [(key, rec)] = collect(tmp_path).items()
    assert key == "changelog.orr.atc_monotherapy_cumulative"
    assert rec["estimate"] == pytest.approx(result.frame["estimate"].iloc[-1], abs=1e-15)
    assert rec["k"] == len(result.frame) == len(rec["inputs"])
    assert rec["n"] == sum(i["n"] for i in rec["inputs"])
