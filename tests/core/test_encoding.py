"""Decoding a data file once: each valid form gives the same text; each invalid one is located."""

from __future__ import annotations

import pytest

from living_review.data import DataValidationError
from living_review.core.encoding import decode_table, read_frame

TEXT = "a,b\n1,\"two\nlines\"\n3,é\n"


@pytest.mark.parametrize("raw", [
    TEXT.encode("utf-8"),
    b"\xef\xbb\xbf" + TEXT.encode("utf-8"),
    TEXT.replace("\n", "\r\n").encode("utf-8"),
    TEXT.replace("\n", "\r").encode("utf-8"),
    b"\xff\xfe" + TEXT.encode("utf-16-le"),
    b"\xfe\xff" + TEXT.replace("\n", "\r\n").encode("utf-16-be"),
])
def test_every_valid_form_decodes_to_the_same_text(raw):
    text, problems = decode_table(raw, "t.csv")
    assert text == TEXT
    assert all(p.severity == "warning" and p.line == 1 for p in problems)


def test_plain_utf8_with_lf_has_no_warning():
    assert decode_table(TEXT.encode("utf-8"), "t.csv") == (TEXT, [])


def test_invalid_utf8_is_located_at_line_and_byte():
    (p,) = decode_table(b"a,b\n1,2\n3,\xe9x\n", "t.csv")[1]
    assert str(p) == ("t.csv:3: -: file is not UTF-8: byte 0xe9 at byte 3 of the line cannot be decoded "
                      "(re-save the file as UTF-8)")


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_refused(codec):
    text, (p,) = decode_table(TEXT.encode(codec), "t.csv")
    assert text is None and p.line == 1 and "UTF-16 without a byte-order mark" in p.message


def test_a_nul_byte_in_utf8_is_not_taken_for_utf16():
    text, problems = decode_table(b"a,b\n1,x\x00y\n", "t.csv")
    assert text == "a,b\n1,x\x00y\n" and problems == []  # the cell check names its column


def test_stray_cr_in_an_lf_file_is_an_error_at_its_line():
    text, (p,) = decode_table(b"a,b\n1,2\n3\r,4\n", "t.csv")
    assert (p.line, p.severity) == (3, "error") and "bare carriage return" in p.message


def test_read_frame_raises_located_errors(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(b"\xff\xfe" + TEXT.encode("utf-16-le"))
    assert read_frame(path)["b"].tolist() == ["two\nlines", "é"]
    path.write_bytes(b"a,b\n\xff\n")
    with pytest.raises(DataValidationError, match=r"t.csv:2: -: file is not UTF-8"):
        read_frame(path, "t.csv")
