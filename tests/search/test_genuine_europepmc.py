"""The Europe PMC runner on genuine ``/search`` bodies (``../shared/api-samples/europepmc`` and the
``edited/europepmc_10pages_*__hitCount1000`` copies), replayed on 127.0.0.1.

Each body and what is checked:

- ``ischender_...09f9ebd3a04f8ea29512b7c6.body.json`` (core, PMID 26037986): the abstract keeps
  "57% were aged <70 and 43% aged >70" and "(p < 0.001)", through ``search run`` into
  ``records.csv`` (failure 1 of the issue).
- ``pyEuropePMC__tests_fixtures_search_cancer_core.json`` (core, 25 results): every character
  of every title and abstract that is not a tag is kept (against an independent tag filter).
- ``ischender_...064a38aa678c39812fa590da.body.json`` (core, hitCount 1): PMID, DOI, journal,
  authors of a one-record last page.
- ``edited/europepmc_10pages_page01..10__hitCount1000.json``: ten pages chained by
  ``nextCursorMark``: each request's ``cursorMark`` is the previous page's ``nextCursorMark``,
  1000 records, every parameter documented.
- ``pyEuropePMC_10pages_page01..10.json`` as published (hitCount 5,059,039): after page 10 the
  replay answers page 10 again, which answers another ``cursorMark``: refused, nothing imported;
  the same ten pages followed by an empty page: 1000 of 5,059,039 is refused by the hitCount check.
- ``pyEuropePMC__tests_fixtures_search_no_results.json`` (hitCount 0): 0 records, one request.
"""

from __future__ import annotations

import datetime as dt
import json

from living_review.cli import main
from living_review.search.runners import europepmc, plain_text
from tests.search.genuine import page_size, text_of, undocumented

EP = "europepmc/"
START, END = dt.date(2023, 9, 3), dt.date(2025, 12, 31)


def test_abstract_keeps_every_character_through_the_cli(project, replay, samples, capsys):
    replay.on("/europepmc/search", replay.Reply.sample(EP + "ischender_europepmc-evidence-mcp__evals_cassettes_"
                                                       "09f9ebd3a04f8ea29512b7c6.body.json"))
    assert main(["search", "run", "europepmc", "--to", "2025-12-31"]) == 0
    from living_review.search.records import read_records

    row = read_records(project / "records.csv").iloc[-1]
    assert row["pmid"] == "26037986"
    assert "57% were aged <70 and 43% aged >70 years." in row["abstract"]
    assert "22% in those >70 years (p < 0.001)." in row["abstract"]
    assert row["abstract"].startswith("Aims Emergency surgery") and "Conclusions Emergency laparotomy" in row["abstract"]
    assert "Europe PMC: 1 record from" in capsys.readouterr().out
    assert undocumented(replay) == []


def test_core_page_of_25_keeps_all_text(samples):
    body = json.loads((samples / EP / "pyEuropePMC__tests_fixtures_search_cancer_core.json").read_text())
    hits = body["resultList"]["result"]
    assert len(hits) == 25
    with_markup = [h for h in hits if "<" in h.get("abstractText", "")]
    assert len(with_markup) >= 3  # the page has abstracts with tags and with '<' in the text
    for hit in hits:
        for field in ("title", "abstractText"):
            raw = hit.get(field, "")
            assert "".join(plain_text(raw).split()) == text_of(raw), (hit["id"], field)
    assert any("< .05)" in plain_text(h.get("abstractText")) for h in hits)


def test_one_record_last_page(replay, saved, saver, fast_client, samples):
    replay.on("/europepmc/search", replay.Reply.sample(EP + "ischender_europepmc-evidence-mcp__evals_cassettes_"
                                                       "064a38aa678c39812fa590da.body.json"))
    (row,) = europepmc.run(saved["europepmc"], START, END, fast_client(), saver)
    hit = json.loads((samples / EP / "ischender_europepmc-evidence-mcp__evals_cassettes_"
                      "064a38aa678c39812fa590da.body.json").read_text())["resultList"]["result"][0]
    assert (row["pmid"], row["doi"], row["year"]) == ("39466770", hit["doi"], hit["pubYear"])
    assert row["journal"] == hit["journalInfo"]["journal"]["title"]
    assert row["authors"].split("; ")[0] == hit["authorString"].split(",")[0].strip()
    assert len(replay.requests) == 1


def _ten_pages(replay, folder: str, suffix: str):
    replay.on("/europepmc/search", *[replay.Reply.sample(f"{folder}/{'europepmc_' if folder == 'edited' else 'pyEuropePMC_'}"
                                                         f"10pages_page{k:02d}{suffix}.json") for k in range(1, 11)])


def test_ten_pages_chained_by_cursor(project, replay, samples, capsys):
    page_size(project, "europepmc", 100)
    _ten_pages(replay, "edited", "__hitCount1000")
    assert main(["search", "run", "europepmc", "--to", "2025-12-31"]) == 0
    assert "Europe PMC: 1000 records" in capsys.readouterr().out
    sent = [q["cursorMark"] for q in replay.calls("/europepmc/search")]
    nexts = [json.loads((samples / "edited" / f"europepmc_10pages_page{k:02d}__hitCount1000.json").read_text())
             ["nextCursorMark"] for k in range(1, 10)]
    assert sent == ["*", *nexts]
    assert {q["pageSize"] for q in replay.calls("/europepmc/search")} == {"100"}
    assert undocumented(replay) == []


def test_paging_short_of_hitcount_is_refused(project, replay, samples, capsys):
    page_size(project, "europepmc", 100)
    _ten_pages(replay, "europepmc", "")
    before = (project / "records.csv").read_bytes()
    assert main(["search", "run", "europepmc", "--to", "2025-12-31"]) == 1
    err = capsys.readouterr().err
    # the eleventh request is answered with page 10 again (the replay has no page 11)
    assert "search-011.json: the page answers cursorMark 'AoIIP4H3qCg1MzAyMDk4MQ%3D%3D'" in err
    assert "internal error" not in err
    assert (project / "records.csv").read_bytes() == before
    assert not list((project / "runs").glob("europepmc/*"))


def test_no_results(replay, saved, saver, fast_client, samples):
    replay.on("/europepmc/search", replay.Reply.sample(EP + "pyEuropePMC__tests_fixtures_search_no_results.json"))
    assert europepmc.run(saved["europepmc"], START, END, fast_client(), saver) == []
    assert len(replay.requests) == 1


def test_fewer_records_than_hitcount_is_refused(replay, saved, saver, fast_client, samples):
    import dataclasses

    import pytest

    from living_review.search.http import SearchError

    replay.on("/europepmc/search", *[replay.Reply.sample(f"europepmc/pyEuropePMC_10pages_page{k:02d}.json")
                                     for k in range(1, 11)], replay.Reply(b'{"hitCount": 5059039, "resultList": '
                                                                          b'{"result": []}, "request": {}}'))
    search = dataclasses.replace(saved["europepmc"], page_size=100)
    with pytest.raises(SearchError, match="received 1000 records but hitCount is 5059039; paging ended early"):
        europepmc.run(search, START, END, fast_client(), saver)
