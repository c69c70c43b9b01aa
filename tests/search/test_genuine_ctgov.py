"""The ClinicalTrials.gov runner on genuine API v2 bodies (``../shared/api-samples/ctgov`` and the
``edited/ctgov_*`` pages), replayed on 127.0.0.1.

Each body and what is checked:

- ``edited/ctgov_sampleResponse__totalCount4.json`` then
  ``edited/ctgov_page2__assembled_from_aact_...json``: two pages chained by ``nextPageToken``
  (the second request sends the first page's token and no ``countTotal``), four studies whose
  NCT numbers are in ``registry_ids``; every parameter documented.
- ``KyleVogelerSource_clinicalTrials__sampleResponse.json`` as published (totalCount 3787,
  a ``nextPageToken``): replayed again for the token it announced, the paging does not advance:
  refused, nothing imported.
- ``aact__spec_support_json_data_NCT*.json`` (eleven study objects): every character of each
  brief summary that is not a tag is kept; NCT number and results flags.
- The sample's study, run on two days: the trial found again is removed by ``search dedupe``
  with rule ``registry_id`` (failure 7 of the issue), also when its title changed.
"""

from __future__ import annotations

import json

import pandas as pd

from living_review.cli import main
from living_review.search.runners import ctgov
from tests.search.genuine import page_size, text_of, undocumented

PAGE2 = "edited/ctgov_page2__assembled_from_aact_NCT03475563_NCT05594173_NCT00973089.json"
SAMPLE = "ctgov/KyleVogelerSource_clinicalTrials__sampleResponse.json"


def test_two_pages_by_token(project, replay, samples, capsys):
    page_size(project, "ctgov", 1)
    replay.on("/ctgov/studies", replay.Reply.sample("edited/ctgov_sampleResponse__totalCount4.json"),
              replay.Reply.sample(PAGE2))
    assert main(["search", "run", "ctgov", "--to", "2025-12-31"]) == 0
    assert "ClinicalTrials.gov: 4 records" in capsys.readouterr().out
    first, second = replay.calls("/ctgov/studies")
    token = json.loads((samples / SAMPLE).read_text())["nextPageToken"]
    assert first.get("countTotal") == "true" and "pageToken" not in first
    assert second["pageToken"] == token and "countTotal" not in second
    assert first["filter.advanced"] == "AREA[LastUpdatePostDate]RANGE[2023-09-03,2025-12-31]"
    assert undocumented(replay) == []
    from living_review.search.records import read_records

    new = read_records(project / "records.csv").tail(4)
    assert new["registry_ids"].tolist() == ["NCT00711542", "NCT03475563", "NCT05594173", "NCT00973089"]
    assert (new["source"] == "ClinicalTrials.gov").all()


def test_token_that_does_not_advance_is_refused(project, replay, samples, capsys):
    page_size(project, "ctgov", 1)
    replay.on("/ctgov/studies", replay.Reply.sample(SAMPLE))
    before = (project / "records.csv").read_bytes()
    assert main(["search", "run", "ctgov", "--to", "2025-12-31"]) == 1
    assert "nextPageToken is the token just sent" in capsys.readouterr().err
    assert len(replay.requests) == 2 and (project / "records.csv").read_bytes() == before


def test_aact_studies_keep_their_text(samples):
    for path in sorted((samples / "ctgov").glob("aact__*.json")):
        study = json.loads(path.read_text())
        row = ctgov.record_row(study, path.name, "ClinicalTrials.gov")
        nct = study["protocolSection"]["identificationModule"]["nctId"]
        assert row["registry_ids"] == nct and path.stem.endswith(nct)
        summary = (study["protocolSection"].get("descriptionModule") or {}).get("briefSummary", "")
        assert "".join(row["abstract"].split()) == text_of(summary), path.name
        assert ("results posted" if study.get("hasResults") else "no results posted") in row["origin"]


def test_a_trial_found_again_is_a_duplicate_by_its_nct_number(project, replay, samples, capsys):
    page_size(project, "ctgov", 1)
    body = json.loads((samples / SAMPLE).read_text())
    body.pop("nextPageToken")
    body["totalCount"] = 1
    replay.on("/ctgov/studies", replay.Reply(json.dumps(body)))
    assert main(["search", "run", "ctgov", "--to", "2025-12-30"]) == 0
    # On the next day the record is found again, its official title revised by the sponsor.
    ident = body["studies"][0]["protocolSection"]["identificationModule"]
    ident["officialTitle"] = "A revised title that shares no words with the first one"
    replay.on("/ctgov/studies", replay.Reply(json.dumps(body)))
    assert main(["search", "run", "ctgov", "--to", "2025-12-31"]) == 0
    assert main(["search", "dedupe"]) == 0
    merge = pd.read_csv(project / "merge_log.csv", dtype=str)
    assert merge[["removed_id", "kept_id", "rule"]].values.tolist() == [
        ["ctgov-2025-12-31-00001", "ctgov-2025-12-30-00001", "registry_id"]]
