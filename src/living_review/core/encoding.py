"""Decoding a data file once, whatever valid form a spreadsheet saved it in.

Accepted, each with a warning that says how to save the file in the committed form (UTF-8
without BOM, LF line endings, commas): a UTF-8 byte-order mark, UTF-16 (little- or
big-endian) with its byte-order mark, CRLF line endings, a file whose every line ends in a
bare CR (old Macintosh exports), and tab-separated cells (a spreadsheet's "Unicode text"
export is UTF-16 with tabs; :func:`delimiter`). The text returned has
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

from living_review.core.problems import DataValidationError, Problem

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


def delimiter(text: str) -> str:
    """``"\\t"`` for a tab-separated file (a spreadsheet's "Unicode text" export), else ``","``.

    Decided by the header line alone: tabs and no comma.
    """
    header = text.split("\n", 1)[0]
    return "\t" if "\t" in header and "," not in header else ","


def row_lines(text: str) -> list[int]:
    """The physical line (header = 1) on which each non-blank data record of CSV ``text`` starts."""
    import csv

    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter(text))
    lines, consumed = [], 0
    try:
        for k, record in enumerate(reader):
            if k and record:
                lines.append(consumed + 1)
            consumed = reader.line_num
    except csv.Error:
        return []
    return lines


def _syntax(text: str, shown: str) -> str | None:
    """Where and why CSV ``text`` cannot be parsed (the line a never-closed quote opens on), else ``None``."""
    import csv

    reader = csv.reader(io.StringIO(text, newline=""), strict=True, delimiter=delimiter(text))
    consumed = 0
    try:
        for _ in reader:
            consumed = reader.line_num
    except csv.Error as exc:
        if "end of data" in str(exc):
            return (f"{shown}:{consumed + 1}: a quote opened on this line is never closed (close it, or write a "
                    "quote inside a quoted cell as \"\")")
        return f"{shown}:{reader.line_num}: CSV syntax error: {exc} (check the quotes)"
    return None


def read_frame_lines(path: str | Path, shown: str | None = None, **options) -> tuple[pd.DataFrame, list[int]]:
    """:func:`read_frame` and the physical line each row starts on (for ``FILE:LINE`` messages)."""
    shown = shown or str(path)
    text = read_table_text(path, shown)
    problem = _syntax(text, shown)
    if problem:
        raise ValueError(problem)
    options = {"dtype": str, "keep_default_na": False, "sep": delimiter(text), **options}
    try:
        frame = pd.read_csv(io.StringIO(text), **options)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise ValueError(f"{shown}:1: not a readable CSV file ({err}; check its quotes and commas)") from None
    lines = row_lines(text)
    return frame, lines if len(lines) == len(frame) else list(range(2, len(frame) + 2))


def dict_rows(path: str | Path, shown: str | None = None) -> list[tuple[int, dict[str, str]]]:
    """``(physical line, {column: cell})`` for each record of a data file decoded by :func:`read_table_text`.

    Raises :class:`DataValidationError` when the file cannot be decoded and ``ValueError``
    at the line of a CSV syntax error.
    """
    import csv

    shown = shown or str(path)
    text = read_table_text(path, shown)
    problem = _syntax(text, shown)
    if problem:
        raise ValueError(problem)
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter(text))
    out, consumed = [], 1
    for row in reader:
        # DictReader skips blank records; the row starts on the line after the previous record
        start = reader.line_num - sum(cell.count("\n") for cell in row.values() if isinstance(cell, str))
        out.append((max(start, consumed + 1), row))
        consumed = reader.line_num
    return out


def read_frame(path: str | Path, shown: str | None = None, **options) -> pd.DataFrame:
    """``pandas.read_csv`` of a data file decoded by :func:`read_table_text`.

    ``options`` go to :func:`pandas.read_csv`; the default is every cell as text with empty
    cells as ``""``. A CSV syntax error raises ``ValueError`` at the file and line.
    """
    return read_frame_lines(path, shown, **options)[0]
