"""Corrections as sentences for readers: no copy codes and no filing notes."""

from __future__ import annotations

from living_review.versions.corrections import Correction


def _correction(source_a: str, source_b: str) -> Correction:
    return Correction("iwasaki2020", (
        ("field", "n_enrolled"), ("value_a", "28 patients"), ("source_a", source_a),
        ("value_b", "32 patients"), ("source_b", source_b), ("value_used", "16 (full paper)"),
        ("status", "unresolved"),
    ))


def test_codes_and_filing_notes_are_left_out():
    # data/discrepancies.csv D45: a presentation filed by its extraction-notes row and search record
    text = _correction("Kanagawa Cancer Center, Thyroid World Congress presentation (extraction notes, row "
                       "KANAGAWA-IVC; search record rec-kanagawa_ivc2019)",
                       "Iwasaki 2020 abstract (P-45)").sentence({"iwasaki2020": "Iwasaki 2020 (stage IVC)"})
    assert text == ("Iwasaki 2020 (stage IVC), patients enrolled: this review uses 16 (full paper) (Kanagawa Cancer "
                    "Center, Thyroid World Congress presentation: 28 patients; Iwasaki 2020 abstract: 32 patients); "
                    "still unresolved.")
    assert "extraction notes" not in text and "P-45" not in text


def test_a_source_with_a_seed_code_reads_without_it():
    text = _correction("Cao 2024 Fig. 3 (seed S-3), secondary", "COSA abstract (extraction notes P-8)").sentence()
    assert "(Cao 2024 Fig. 3, secondary: 28 patients; COSA abstract: 32 patients)" in text
