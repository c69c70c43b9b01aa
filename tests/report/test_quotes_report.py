"""The quotes shown to readers (living_review.report.quotes_report): complete and escaped."""

from __future__ import annotations

import pandas as pd

from living_review.data import load_evidence
from living_review.report.quotes_report import quotes_section
from tests.data.conftest import REAL_DATA


def _quote(**kw):
    row = {"study_id": "x2020", "field": "pr", "source": "P-1", "locator": "abstract", "quote": "PR 4",
           "quoted_from": "seed_text", "derivation": None, "discrepancy_id": None, "notes": None}
    row.update(kw)
    return row


def test_every_quote_of_the_data_is_shown_once_under_its_study():
    ev = load_evidence(REAL_DATA)
    text = quotes_section(ev.quotes, ev.studies)
    entries = [line for line in text.splitlines() if line.startswith(": ")]
    assert len(entries) == len(ev.quotes)
    assert ': partial responses 14 (correction D23): "For ATCs the BOR' in text
    assert 'derived as percent(dcr_n) from "CBR/DCR 96.3%"' in text


def test_text_from_data_is_escaped_for_myst_html_and_latex():
    studies = pd.DataFrame([{"study_id": "x2020", "label": "<b>X</b> 2020", "pr": 4}])
    quotes = pd.DataFrame([_quote(quote="PR 4 <script>alert(1)</script> $x_1$ & {term}`P-9` | 50%",
                                  locator="Table *2*")])
    text = quotes_section(quotes, studies)
    assert "\\<b\\>X\\</b\\> 2020" in text
    assert "\\<script\\>" in text and "\\$x_1\\$" in text and "\\{term\\}\\`P-9\\`" in text and "\\|" in text
    assert "Table \\*2\\*" in text
    assert text.count("{term}`") == 1  # only the link the package writes


def test_a_derived_value_and_a_notes_copy_say_so():
    studies = pd.DataFrame([{"study_id": "x2020", "label": "X 2020", "orr_events": 4, "orr_n": 17}])
    quotes = pd.DataFrame([_quote(field="orr_events", quote="ORR 24%", derivation="percent(orr_n)",
                                  quoted_from="extraction_notes")])
    text = quotes_section(quotes, studies)
    assert 'objective responses 4: derived as percent(orr_n) from "ORR 24%"' in text
    assert "copied from the extraction notes" in text
