"""Decoding a data file once, whatever valid form a spreadsheet saved it in.

Accepted, each with a warning that says how to save the file in the committed form (UTF-8
without BOM, LF line endings): a UTF-8 byte-order mark, UTF-16 (little- or big-endian)
with its byte-order mark (a spreadsheet's "Unicode text" export), CRLF line endings, and
a file whose every line ends in a bare CR (old Macintosh exports). The text returned has
LF line endings, so that physical line numbers are counted the same way for every form.

Refused, at the file and line: bytes that are not UTF-8, UTF-16 without a byte-order mark
(it cannot be told from binary data), and a stray CR inside an LF or CRLF file.

Every CSV reader of the package decodes through :func:`decode_table` (the validator) or
:func:`read_frame` (chapters and commands), so no reader accepts what another refuses.

Example
-------
>>> text, problems = decode_table("a,b\\r\\n1,2\\r\\n".encode("utf-16"), "t.csv")
>>> text
'a,b\\n1,2\\n'
>>> [str(p) for p in problems]       # doctest: +NORMALIZE_WHITESPACE
['t.csv:1: -: warning: file is UTF-16 (handled; save it as UTF-8)',
 't.csv:1: -: warning: CRLF line endings (handled; save the file with LF line endings)']
"""

from __future__ import annotations

import codecs
import io
import re
from pathlib import Path

import pandas as pd

from living_review.data.problems import DataValidationError, Problem

_UTF16 = ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_BARE_CR = re.compile(r"\r(?!\n)")


def _looks_utf16(raw: bytes) -> bool:
    """Text of ASCII letters saved as UTF-16 without BOM has a NUL in every other byte."""
    sample = raw[:4096]
    if len(sample) < 4:
        return False
    even, odd = sample[0::2], sample[1::2]
    return max(even.count(0) / len(even), odd.count(0) / len(odd)) > 0.4


def _unicode(raw: bytes, shown: str, problems: list[Problem]) -> str | None:
    for bom, codec in _UTF16:
        if raw.startswith(bom):
            body = raw[len(bom):]
            try:
                text = body.decode(codec)
            except UnicodeDecodeError as exc:
                line = body[: exc.start].decode(codec, errors="replace").count("\n") + 1
                problems.append(Problem(shown, line, "-", f"file is UTF-16 but is cut or damaged near byte "
                                        f"{exc.start + len(bom)} (export it again)"))
                return None
            problems.append(Problem(shown, 1, "-", "file is UTF-16 (handled; save it as UTF-8)", "warning"))
            return text
    if raw.startswith(codecs.BOM_UTF8):
        problems.append(Problem(shown, 1, "-", "UTF-8 byte-order mark (handled; save the file as UTF-8 "
                                "without BOM)", "warning"))
        raw = raw[len(codecs.BOM_UTF8):]
    elif _looks_utf16(raw):
        problems.append(Problem(shown, 1, "-", "file looks like UTF-16 without a byte-order mark (every other "
                                "byte is NUL; save it as UTF-8, or as UTF-16 with BOM)"))
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        byte = raw[exc.start: exc.start + 1].hex()
        problems.append(Problem(shown, line, "-", f"file is not UTF-8: byte 0x{byte} at byte {column} of the "
                                "line cannot be decoded (re-save the file as UTF-8)"))
        return None


def _line_endings(text: str, shown: str, problems: list[Problem]) -> str:
    if "\r" not in text:
        return text
    if "\n" not in text:  # every line ends in CR: an old Macintosh export
        problems.append(Problem(shown, 1, "-", "CR line endings (handled; save the file with LF line endings)",
                                "warning"))
        return text.replace("\r", "\n")
    if "\r\n" in text:
        line = text[: text.index("\r\n")].count("\n") + 1
        problems.append(Problem(shown, line, "-", "CRLF line endings (handled; save the file with LF "
                                "line endings)", "warning"))
    bare = _BARE_CR.search(text)
    if bare:
        line = text[: bare.start()].count("\n") + 1
        problems.append(Problem(shown, line, "-", "bare carriage return (CR) in the file (use LF line endings)"))
        return text
    return text.replace("\r\n", "\n")


def decode_table(raw: bytes, shown: str) -> tuple[str | None, list[Problem]]:
    """The text of a data file with LF line endings, and the problems of its encoding.

    Returns ``(None, problems)`` when it cannot be decoded; the problems then hold the
    error (file and line, where the line is known).
    """
    problems: list[Problem] = []
    text = _unicode(raw, shown, problems)
    if text is None:
        return None, problems
    return _line_endings(text, shown, problems), problems


def read_table_text(path: str | Path, shown: str | None = None) -> str:
    """Decode the data file at ``path``; raise :class:`DataValidationError` (located) if it cannot be read."""
    path = Path(path)
    text, problems = decode_table(path.read_bytes(), shown or str(path))
    if text is None or any(p.severity == "error" for p in problems):
        raise DataValidationError(problems)
    return text


def read_frame(path: str | Path, shown: str | None = None, **options) -> pd.DataFrame:
    """``pandas.read_csv`` of a data file decoded by :func:`read_table_text`.

    ``options`` go to :func:`pandas.read_csv`; the default is every cell as text with empty
    cells as ``""``. A CSV syntax error raises ``ValueError`` naming the file.
    """
    shown = shown or str(path)
    options = {"dtype": str, "keep_default_na": False, **options}
    try:
        return pd.read_csv(io.StringIO(read_table_text(path, shown)), **options)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise ValueError(f"{shown}: not a readable CSV file ({err}; check its quotes and commas)") from None
