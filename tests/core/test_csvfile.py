"""Encoding and layout: BOM, CRLF, whitespace, non-UTF-8, blank lines, cell counts, columns.

Each broken fixture is the real data with one defect; the test checks the exact problem
(file, physical line, column) and, for handled defects, that the loaded tables are
identical to those of the clean data.
"""

from __future__ import annotations

import pandas as pd
import pytest

from living_review.data import DataValidationError, load_evidence
from living_review.validation import validate

FRAMES = ("studies", "landmarks", "adverse_events", "discrepancies", "previous_version_inputs", "sources")


def _only(problems, severity="error"):
    return [p for p in problems if p.severity == severity]


def _new(problems, baseline):
    return [p for p in problems if p not in set(baseline)]


def test_bom_is_handled_and_warned(data_copy):
    clean = load_evidence(data_copy.dir, load="all")
    path = data_copy.path("studies.csv")
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    ev = load_evidence(data_copy.dir)
    (w,) = _new(ev.warnings, clean.warnings)
    assert (w.file, w.line, w.severity) == ("data/studies.csv", 1, "warning")
    assert "byte-order mark" in w.message
    for name in FRAMES:
        pd.testing.assert_frame_equal(getattr(ev, name), getattr(clean, name))


def test_crlf_is_handled_and_warned(data_copy):
    clean = load_evidence(data_copy.dir, load="all")
    path = data_copy.path("adverse_events.csv")
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    ev = load_evidence(data_copy.dir)
    (w,) = _new(ev.warnings, clean.warnings)
    assert (w.file, w.line) == ("data/adverse_events.csv", 1) and "CRLF" in w.message
    pd.testing.assert_frame_equal(ev.adverse_events, clean.adverse_events)


def test_bare_carriage_return_is_an_error(data_copy):
    path = data_copy.path("landmarks.csv")
    text = path.read_bytes().split(b"\n")
    text[2] = text[2].replace(b",", b"\r,", 1)  # old Mac line break inside line 3
    path.write_bytes(b"\n".join(text))
    found = [(p.file, p.line) for p in _only(validate(data_copy.dir)) if "carriage return" in p.message]
    assert found == [("data/landmarks.csv", 3)]


def test_stray_whitespace_is_an_error_not_silently_stripped(data_copy):
    line = data_copy.set("studies.csv", "kim2021", "drug", " lenvatinib")
    (p,) = _only(validate(data_copy.dir))
    assert (p.file, p.line, p.column) == ("data/studies.csv", line, "drug")
    assert "whitespace" in p.message


def test_whitespace_in_header_is_an_error(data_copy):
    path = data_copy.path("landmarks.csv")
    path.write_text(path.read_text(encoding="utf-8").replace("rate_pct,", "rate_pct ,", 1), encoding="utf-8")
    (p,) = _only(validate(data_copy.dir))
    assert (p.line, p.column) == (1, "rate_pct") and "whitespace" in p.message


def test_non_utf8_file_is_an_error_naming_file_and_line(data_copy):
    path = data_copy.path("discrepancies.csv")
    lines = path.read_bytes().split(b"\n")
    lines[4] = lines[4].replace(b"Cao", b"Ca\xe9o", 1)  # latin-1 byte
    path.write_bytes(b"\n".join(lines))
    with pytest.raises(DataValidationError) as info:
        load_evidence(data_copy.dir, load="all")
    (p,) = _only(info.value.problems)
    assert (p.file, p.line) == ("data/discrepancies.csv", 5)
    assert "not UTF-8" in p.message and "0xe9" in p.message


# Every form a spreadsheet saves in: the tables read are those of the clean data, with one warning each.
VARIANTS = {
    "utf-16-le": (lambda text: b"\xff\xfe" + text.encode("utf-16-le"), ["UTF-16"]),
    "utf-16-be": (lambda text: b"\xfe\xff" + text.encode("utf-16-be"), ["UTF-16"]),
    "utf-16-crlf": (lambda text: text.replace("\n", "\r\n").encode("utf-16"), ["UTF-16", "CRLF"]),
    "utf-8-bom-crlf": (lambda text: b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"),
                       ["byte-order mark", "CRLF"]),
    "cr-only": (lambda text: text.replace("\n", "\r").encode("utf-8"), ["CR line endings"]),
}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize("name", ["landmarks.csv", "studies.csv"])
def test_valid_variants_are_accepted(data_copy, variant, name):
    clean = load_evidence(data_copy.dir, load="all")
    path = data_copy.path(name)
    encode, expected = VARIANTS[variant]
    path.write_bytes(encode(path.read_text(encoding="utf-8")))
    ev = load_evidence(data_copy.dir)
    new = _new(ev.warnings, clean.warnings)
    assert [(w.file, w.line) for w in new] == [(f"data/{name}", 1)] * len(expected)
    assert all(sum(word in w.message for w in new) == 1 for word in expected)
    for frame in FRAMES:
        pd.testing.assert_frame_equal(getattr(ev, frame), getattr(clean, frame))


def test_utf16_line_numbers_are_exact(data_copy):
    line = data_copy.set("studies.csv", "bible2012", "drug", "pazopanb")
    path = data_copy.path("studies.csv")
    path.write_bytes(path.read_text(encoding="utf-8").replace("\n", "\r\n").encode("utf-16"))
    (p,) = _only(validate(data_copy.dir))
    assert (p.file, p.line, p.column) == ("data/studies.csv", line, "drug")


def test_utf16_without_bom_is_an_error(data_copy):
    path = data_copy.path("landmarks.csv")
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16-le"))
    (p,) = _only(validate(data_copy.dir))
    assert (p.file, p.line) == ("data/landmarks.csv", 1) and "UTF-16 without a byte-order mark" in p.message


def test_damaged_utf16_is_an_error_at_its_line(data_copy):
    path = data_copy.path("landmarks.csv")
    raw = path.read_text(encoding="utf-8").encode("utf-16")
    path.write_bytes(raw[:-1])  # an odd number of bytes: the last character is cut
    (p,) = _only(validate(data_copy.dir))
    assert p.file == "data/landmarks.csv" and p.line == path.read_bytes()[2:].decode(
        "utf-16-le", errors="replace").count("\n") + 1 and "UTF-16" in p.message


def test_blank_line_is_an_error(data_copy):
    path = data_copy.path("landmarks.csv")
    lines = path.read_text(encoding="utf-8").split("\n")
    lines.insert(2, "")
    path.write_text("\n".join(lines), encoding="utf-8")
    (p,) = _only(validate(data_copy.dir))
    assert (p.line, p.message) == (3, "blank line (delete it)")


def test_row_with_wrong_cell_count_is_an_error(data_copy):
    path = data_copy.path("landmarks.csv")
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[3] = lines[3] + ",extra"
    path.write_text("\n".join(lines), encoding="utf-8")
    (p,) = _only(validate(data_copy.dir))
    assert p.line == 4 and "cells but the header has" in p.message


def test_renamed_column_is_reported_with_hint(data_copy):
    path = data_copy.path("landmarks.csv")
    path.write_text(path.read_text(encoding="utf-8").replace("estimate_type", "estimat_type", 1), encoding="utf-8")
    msgs = {(p.column, p.message) for p in _only(validate(data_copy.dir))}
    assert ("estimat_type", "unknown column (rename it or add it to datapackage.json; did you mean "
            "'estimate_type'?)") in msgs
    assert any(c == "estimate_type" and m.startswith("column missing") for c, m in msgs)


def test_missing_file_is_an_error(data_copy):
    data_copy.path("adverse_events.csv").unlink()
    (p,) = _only(validate(data_copy.dir))
    assert p.file == "data/adverse_events.csv" and "file missing" in p.message


def test_line_numbers_are_physical_with_multiline_cells(data_copy):
    # A quoted cell spanning two lines shifts every later record by one physical line.
    data_copy.set("studies.csv", "ha2010", "notes", "first line\nsecond line")
    line = data_copy.line("studies.csv", "bible2012")  # record index + 1, before the shift
    data_copy.set("studies.csv", "bible2012", "drug", "pazopanb")
    (p,) = _only(validate(data_copy.dir))
    assert (p.line, p.column) == (line + 1, "drug")


def _landmark_lines(data_copy):
    path = data_copy.path("landmarks.csv")
    return path, path.read_text(encoding="utf-8").split("\n")


def test_unterminated_quote_is_reported_where_it_opens(data_copy):
    path, lines = _landmark_lines(data_copy)
    last = max(i for i, line in enumerate(lines) if line)
    lines[last - 1] = lines[last - 1].split(",", 1)[0] + ',"' + lines[last - 1].split(",", 1)[1].replace('"', "")
    lines[last] = lines[last].replace('"', "")  # nothing after the new quote closes it
    path.write_text("\n".join(lines), encoding="utf-8")
    (p,) = _only(validate(data_copy.dir))
    assert (p.file, p.line) == ("data/landmarks.csv", last) and "never closed" in p.message


def test_overlong_cell_names_its_column(data_copy):
    path, lines = _landmark_lines(data_copy)
    header = lines[0].split(",")
    cells = lines[1].split(",")
    cells[header.index("notes")] = "x" * 200_000
    lines[1] = ",".join(cells)
    path.write_text("\n".join(lines), encoding="utf-8")
    (p,) = _only(validate(data_copy.dir))
    assert (p.line, p.column) == (2, "notes") and "longer than the limit" in p.message


@pytest.mark.parametrize("char", ["\x00", "\x1b", "\x7f"])
def test_control_character_in_a_cell_is_an_error(data_copy, char):
    path, lines = _landmark_lines(data_copy)
    header = lines[0].split(",")
    cells = lines[1].split(",")
    cells[header.index("notes")] = f"a{char}b"
    lines[1] = ",".join(cells)
    path.write_text("\n".join(lines), encoding="utf-8")
    (p,) = _only(validate(data_copy.dir))
    assert (p.line, p.column) == (2, "notes") and f"U+{ord(char):04X}" in p.message


def test_shuffled_columns_are_accepted(data_copy):
    clean = load_evidence(data_copy.dir, load="all")
    path = data_copy.path("landmarks.csv")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame[list(reversed(frame.columns))].to_csv(path, index=False, lineterminator="\n")
    ev = load_evidence(data_copy.dir)
    pd.testing.assert_frame_equal(ev.landmarks, clean.landmarks)
