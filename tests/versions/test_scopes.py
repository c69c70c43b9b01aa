"""Release scopes: which estimates and studies a release holds, and its headlines."""

from __future__ import annotations

import json

import pytest

from living_review.provenance import ledger
from living_review.versions.scopes import ALL, load_release_config
from living_review.versions.summary import build_summary, read_summary, write_summary
from living_review.settings import SettingsError, load_settings

SCOPES = """
releases:
  default_scope: update
  thresholds: {ORR: 0.10}
  scopes:
    reproduction:
      description: the previous version
      estimates: ["orr.previous*"]
      studies: previous_version
      headlines:
        orr: {label: "ORR, pooled", key: orr.previous}
    update:
      estimates: ["*"]
      headlines:
        orr: {label: "ORR, pooled", key: orr.all}
"""


def _with_scopes(project, text=SCOPES):
    path = project / "review.yml"
    path.write_text(path.read_text() + text)
    return path


def _record(project, previous=True):
    # after review.yml changed, the ledger's records are stale until recomputed (as a build does)
    ledger.record("orr.all", outcome="ORR", estimate=0.3, ci_low=0.2, ci_high=0.4, k=2, n=51,
                  params={"transform": "PFT"}, root=project,
                  inputs=[{"study_id": "tahara2017", "events": 4, "n": 17},
                          {"study_id": "wirth2021", "events": 11, "n": 34}])
    if not previous:
        return
    ledger.record("orr.previous", outcome="ORR", estimate=0.09, ci_low=0.03, ci_high=0.17, k=1, n=17,
                  params={"transform": "PFT"}, root=project,
                  inputs=[{"study_id": "tahara2017", "events": 4, "n": 17}])


def test_without_a_section_a_release_holds_everything(project):
    config = load_release_config(project / "review.yml")
    assert config.scope() == ALL and config.thresholds == {}
    assert ALL.select({"a.b": 1, "c": 2}) == {"a.b": 1, "c": 2}


def test_the_project_configuration_is_valid_and_its_analyses_ignore_it():
    config = load_release_config()
    assert {s.name for s in config.scopes} >= {"reproduction", "update"}
    assert config.scope().name == config.default_scope
    load_settings()  # the analysis settings accept the releases section


def test_scope_selects_estimates_and_previous_studies(project):
    _with_scopes(project)
    _record(project)
    summary = build_summary(project, scope="reproduction")
    assert list(summary.estimates) == ["orr.previous"]
    # conftest STUDIES: wirth2021 and tahara2017 are in the previous version, ito2017 is not
    assert [s["study_id"] for s in summary.studies] == ["tahara2017", "wirth2021"]
    assert summary.scope == {"name": "reproduction", "description": "the previous version"}
    assert summary.headlines == {"orr": {"label": "ORR, pooled", "key": "orr.previous"}}


def test_default_scope_and_round_trip_through_the_file(project):
    _with_scopes(project)
    _record(project)
    path = write_summary(project, "1.0.0")
    raw = json.loads(path.read_text())
    assert raw["scope"]["name"] == "update" and sorted(raw["estimates"]) == ["orr.all", "orr.previous"]
    assert read_summary(path) == build_summary(project, "1.0.0")


def test_headline_naming_an_unpublished_key_is_refused(project):
    _with_scopes(project)
    _record(project, previous=False)  # orr.previous is not in the ledger
    with pytest.raises(ValueError, match=r"headline\(s\) orr \(orr.previous\) name ledger keys that no chapter"):
        build_summary(project, scope="reproduction")


def test_unknown_scope_lists_the_known_ones(project):
    _with_scopes(project)
    with pytest.raises(SettingsError, match="no scope 'v0'; choose one of reproduction, update"):
        load_release_config(project / "review.yml").scope("v0")


def test_every_problem_in_the_section_is_reported_at_once(project):
    _with_scopes(project, """
releases:
  default_scope: nowhere
  colour: blue
  thresholds: {ORR: high}
  scopes:
    a:
      estimates: []
      studies: some
      headlines:
        h: {label: "x"}
    b:
      estimates: ["drug.*"]
      headlines:
        h: {label: "x", key: sof.orr}
""")
    with pytest.raises(SettingsError) as caught:
        load_release_config(project / "review.yml")
    message = str(caught.value)
    for expected in ("unknown key(s) colour", "releases.thresholds: expected a mapping of outcome to a number",
                     "scopes.a.estimates: expected a non-empty list", "scopes.a.studies: 'some' is not allowed",
                     "scopes.a.headlines.h: key must be given as text",
                     "scopes.b.headlines.h: key 'sof.orr' is outside the scope's estimates (drug.*)",
                     "default_scope: 'nowhere' is not a scope"):
        assert expected in message, expected


def test_previous_version_scope_needs_the_flag_column(project):
    _with_scopes(project)
    (project / "data" / "studies.csv").write_text("study_id,year\ntahara2017,2017\n")
    _record(project)
    with pytest.raises(ValueError, match="has none of the columns in_previous_version"):
        build_summary(project, scope="reproduction")
