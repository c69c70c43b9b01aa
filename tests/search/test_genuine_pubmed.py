"""The PubMed runner on genuine E-utilities bodies (``../shared/api-samples/pubmed`` and the
``edited/esearch2__Count*`` copies), replayed on 127.0.0.1, through ``living-review search run``.

Each body and what is checked:

- ``edited/esearch2__Count3.xml`` + ``efetch2.txt``, ``pubmed_result1.txt``, ``pubmed_result3.txt``
  at one record a page: three efetch pages with retstart 0, 1, 2 on the WebEnv/QueryKey of the
  esearch; the PMIDs, titles and author counts of the MEDLINE records; every parameter documented.
- ``edited/esearch2__Count4.xml`` + ``pubmed_result2.txt``: four records on one page; the same body
  cut at 80 % (no Content-Length, no chunking; a declared length; chunked) is refused and
  ``records.csv`` and ``runs/`` stay as they were (failure 2 of the issue).
- ``esearch8.xml``: PhraseNotFound and OutputMessage are shown and the run refused, unless
  ``--accept-phrase-not-found`` (failure 6).
- ``esearch5.xml``: Count 5 without WebEnv/QueryKey is refused.
- ``esearch2.xml`` (Count 42249): at esearch, 429 (with the body NCBI documents) with and without
  Retry-After, 500, 404, an HTML page with status 200, and no server at all: the runner's own
  message and advice that fits, never "internal error" (failure 3).
"""

from __future__ import annotations

import socket

import pytest

from living_review.cli import main
from tests.search.genuine import page_size, undocumented

PM = "pubmed/biopython__Tests_"
RATE_BODY = b'{"error":"API rate limit exceeded","count":"11"}'  # NCBI's documented 429 body


def snapshot(search_dir):
    files = sorted(p.relative_to(search_dir).as_posix() for p in search_dir.rglob("*") if p.is_file())
    return files, (search_dir / "records.csv").read_bytes()


def test_three_pages_of_genuine_medline(project, replay, samples, capsys, monkeypatch):
    monkeypatch.setenv("NCBI_EMAIL", "maintainer@example.org")
    page_size(project, "pubmed", 1)
    replay.on("/pubmed/esearch.fcgi", replay.Reply.sample("edited/esearch2__Count3.xml"))
    replay.on("/pubmed/efetch.fcgi", replay.Reply.sample(PM + "Entrez_efetch2.txt"),
              replay.Reply.sample(PM + "Medline_pubmed_result1.txt"), replay.Reply.sample(PM + "Medline_pubmed_result3.txt"))
    assert main(["search", "run", "pubmed", "--to", "2025-11-26"]) == 0
    assert "PubMed: 3 records from 2023-09-03 to 2025-11-26 (4 requests)" in capsys.readouterr().out
    fetches = replay.calls("/pubmed/efetch.fcgi")
    assert [(f["retstart"], f["retmax"]) for f in fetches] == [("0", "1"), ("1", "1"), ("2", "1")]
    assert {(f["WebEnv"], f["query_key"]) for f in fetches} == {("MCID_6927d6e7fee3e90f880ec190", "1")}
    assert {q["email"] for _, q in replay.requests} == {"maintainer@example.org"}
    assert undocumented(replay) == []
    from living_review.search.records import read_records

    new = read_records(project / "records.csv").tail(3)
    assert new["pmid"].tolist() == ["19304878", "12230038", "23039619"]
    # FAU lines of the three bodies: 11, 1 and 4 authors
    assert [len(a.split("; ")) for a in new["authors"]] == [11, 1, 4]
    assert new["origin"].str.contains(r"runs/pubmed/2025-11-26/efetch-00[123]\.medline:2").all()  # each body opens with a blank line


def test_four_records_on_one_page(project, replay, samples, capsys):
    replay.on("/pubmed/esearch.fcgi", replay.Reply.sample("edited/esearch2__Count4.xml"))
    replay.on("/pubmed/efetch.fcgi", replay.Reply.sample(PM + "Medline_pubmed_result2.txt"))
    assert main(["search", "run", "pubmed", "--to", "2025-11-26"]) == 0
    assert "PubMed: 4 records" in capsys.readouterr().out
    from living_review.search.records import read_records

    new = read_records(project / "records.csv").tail(4)
    assert new["pmid"].tolist() == ["16403221", "16377612", "14871861", "14630660"]
    last = new.iloc[-1]  # the record a cut at 80 % damages: every field of it is kept
    assert (last["journal"], last["year"]) == ("Bioinformatics (Oxford, England)", "2003")
    assert last["authors"] == "Hamelryck, Thomas; Manderick, Bernard"
    assert last["abstract"].endswith("from http://www.biopython.org")
    assert undocumented(replay) == []


@pytest.mark.parametrize("how", ["no length", "declared length", "chunked"])
def test_cut_off_medline_is_refused(project, replay, samples, capsys, how):
    body = (samples / PM / ".." / "biopython__Tests_Medline_pubmed_result2.txt").resolve().read_bytes()
    cut = int(len(body) * 0.8)
    reply = {"no length": replay.Reply(body[:cut], length=False),
             "declared length": replay.Reply(body, cut_at=cut),
             "chunked": replay.Reply(body, cut_at=cut, chunked=True)}[how]
    replay.on("/pubmed/esearch.fcgi", replay.Reply.sample("edited/esearch2__Count4.xml"))
    replay.on("/pubmed/efetch.fcgi", reply)
    before = snapshot(project)
    assert main(["search", "run", "pubmed", "--to", "2025-11-26"]) == 1
    err = capsys.readouterr().err
    assert "cut off" in err and "internal error" not in err and "4 records" not in err
    assert snapshot(project) == before


def test_phrase_not_found_is_an_error_unless_accepted(project, replay, samples, capsys):
    replay.on("/pubmed/esearch.fcgi", replay.Reply.sample(PM + "Entrez_esearch8.xml"))
    before = snapshot(project)
    assert main(["search", "run", "pubmed", "--to", "2025-11-26"]) == 1
    err = capsys.readouterr().err
    assert "PubMed does not know 'abcXYZ' (ErrorList/PhraseNotFound)" in err
    assert "--accept-phrase-not-found" in err and "PubMed: 0 records" not in err
    assert snapshot(project) == before
    assert main(["search", "run", "pubmed", "--to", "2025-11-26", "--accept-phrase-not-found"]) == 0
    out = capsys.readouterr().out
    assert "PubMed: 0 records" in out
    assert "warning: PubMed: esearch.xml: NCBI says OutputMessage: No items found." in out
    assert "accepted with --accept-phrase-not-found" in out
    import json

    (manifest,) = (project / "runs" / "pubmed").glob("*/run.json")
    assert any("PhraseNotFound" in w for w in json.loads(manifest.read_text())["warnings"])


def test_count_without_history_is_refused(project, replay, samples, capsys):
    replay.on("/pubmed/esearch.fcgi", replay.Reply.sample(PM + "Entrez_esearch5.xml"))
    assert main(["search", "run", "pubmed", "--to", "2025-11-26"]) == 1
    assert "esearch found 5 records but returned no WebEnv/QueryKey" in capsys.readouterr().err


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("reply, said, advice, not_said", [
    (dict(body=RATE_BODY, status=429), "HTTP 429", "wait a few minutes", "check the network"),
    (dict(body=RATE_BODY, status=429, headers={"Retry-After": "1"}), "Retry-After 1 s was waited",
     "wait a few minutes", "check the network"),
    (dict(body=RATE_BODY, status=429, headers={"Retry-After": "3600"}), "retry after 3600 s",
     "in 3600 s or more", "check the network"),
    (dict(body=b"Internal Server Error", status=500), "HTTP 500", "run again later", "check the query"),
    (dict(body=b"not found", status=404), "HTTP 404", "check base_url", "check the network"),
    (dict(body=b"<!DOCTYPE html><html><head><title>Maintenance</title></head><body>back soon</body></html>",
          headers={"Content-Type": "text/html"}), "HTML page titled 'Maintenance'", "a web page answered",
     "check the query"),
])
def test_api_failures_get_their_own_advice(project, replay, samples, capsys, monkeypatch, reply, said, advice,
                                           not_said):
    import living_review.search.run as run_module
    from living_review.search.http import Client

    monkeypatch.setattr(run_module, "default_client",
                        lambda search: Client(source=search.name, retries=1, backoff=0.0, sleep=lambda s: None))
    replay.on("/pubmed/esearch.fcgi", replay.Reply(**reply))
    before = snapshot(project)
    assert main(["search", "run", "pubmed", "--to", "2025-11-26"]) == 1
    err = capsys.readouterr().err
    assert said in err and advice in err and not_said not in err
    assert "internal error" not in err and "this is a bug" not in err
    assert snapshot(project) == before


def test_no_network(project, samples, capsys, monkeypatch):
    import living_review.search.run as run_module
    from living_review.search.http import Client

    monkeypatch.setenv("LIVING_REVIEW_PUBMED_URL", f"http://127.0.0.1:{_closed_port()}/pubmed/")
    monkeypatch.setattr(run_module, "default_client",
                        lambda search: Client(source=search.name, retries=1, backoff=0.0, sleep=lambda s: None))
    assert main(["search", "run", "pubmed", "--to", "2025-11-26"]) == 1
    err = capsys.readouterr().err
    assert "network failure" in err and "check the network connection" in err and "internal error" not in err
