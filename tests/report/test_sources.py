"""Source codes link to the sources page, which lists every source in full."""

from __future__ import annotations

import pandas as pd
import pytest

from living_review.data import load_evidence
from living_review.report.sources import link_codes, myst_text, sources_glossary, strip_codes
from living_review.report.tables import markdown_source


@pytest.mark.parametrize(("text", "linked"), [
    ("Cao 2024 Table 3 (seed S-3), secondary", "Cao 2024 Table 3 (source {term}`S-3`), secondary"),
    ("COSA abstract (extraction notes P-8)", "COSA abstract (source {term}`P-8`)"),
    ("reports (P-17, P-19)", "reports (sources {term}`P-17`, {term}`P-19`)"),
    ("Kim 2021 abstract (S-0)", "Kim 2021 abstract (source {term}`S-0`)"),
    ("no code (S-x) or bare P-3 here", "no code (S-x) or bare P-3 here"),
])
def test_codes_become_links(text, linked):
    assert link_codes(text) == linked


def test_plain_text_drops_the_codes():
    assert strip_codes("Cao 2024 Table 3 (seed S-3), secondary; abstract (P-2)") == "Cao 2024 Table 3, secondary; abstract"


def test_markup_in_data_is_escaped_and_codes_still_link():
    assert myst_text("a_b *c* [d](e)\n $x$ <f>") == r"a_b \*c\* \[d\](e) \$x\$ \<f\>"
    frame = pd.DataFrame({"Source": ["*Cao* 2024 {x} (seed S-3)"]})
    assert "| \\*Cao\\* 2024 \\{x\\} (source {term}`S-3`) |" in markdown_source(frame)


def test_table_cells_link_their_codes():
    frame = pd.DataFrame({"Source": ["Cao 2024 Table 3 (seed S-3), secondary"]})
    assert "| Cao 2024 Table 3 (source {term}`S-3`), secondary |" in markdown_source(frame)


def test_every_source_of_the_data_is_an_entry_of_the_glossary():
    sources = load_evidence().sources
    text = sources_glossary(sources)
    assert text.startswith(":::{glossary}\n") and text.endswith("\n:::")
    entries = [line for line in text.splitlines()[1:-1] if line and not line.startswith(" ")]
    assert sorted(entries) == sorted(sources["code"]) and entries[0] == "S-0"
    # seed publications first, then pages, each in number order
    pages = [e for e in entries if e.startswith("P-")]
    assert pages == sorted(pages, key=lambda c: int(c[2:])) and entries.index(pages[0]) == (sources["kind"] == "seed").sum()
    row = sources.set_index("code").loc["S-0"]  # data/sources.csv: Kim 2021, with its DOI address
    assert (f"  {myst_text(row.description).rstrip('.')}. Seed publication. "
            f"[doi.org/10.1007/s12020-020-02425-y](<{row.url}>)") in text


def test_a_long_address_is_linked_whole_and_shown_short():
    url = "https://searchworks.example.org/?f%5Bfacet%5D%5B%5D=Peer+Reviewed&q=%22Susan%2C+Urba%22&search_field=all"
    frame = pd.DataFrame({"code": ["P-1"], "kind": ["page"], "description": ["Ha 2010 abstract"], "url": [url]})
    line = sources_glossary(frame).splitlines()[2]
    shown = line.split("[", 1)[1].split("](", 1)[0]
    assert line.endswith(f"](<{url}>)") and shown.endswith("…") and len(shown.replace("\\", "")) <= 60


def test_a_source_without_an_address_says_so():
    frame = pd.DataFrame({"code": ["P-3"], "kind": ["page"], "description": ["A record"], "url": [""]})
    assert "  A record. Page read during the search. (no address recorded)" in sources_glossary(frame)
    with pytest.raises(ValueError, match="lacks column"):
        sources_glossary(frame.drop(columns="url"))
