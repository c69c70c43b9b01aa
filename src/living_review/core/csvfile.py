"""Reading one CSV file byte-exactly: encoding, line endings, layout, whitespace.

Nothing is silently misread. The file is decoded once by
:func:`living_review.core.encoding.decode_table`: a UTF-8 byte-order mark, UTF-16 with its
byte-order mark, CRLF and CR-only line endings are handled and reported as warnings; bytes
that are not UTF-8 are an error at their line. A blank line, a row with the wrong number
of cells, an unknown, missing or duplicated column, and a value with leading or trailing
whitespace are errors. Line numbers are physical lines of the file (header = line 1), so
a record whose quoted cell spans lines is reported at the line where it starts.

Example
-------
>>> from pathlib import Path
>>> import tempfile
>>> with tempfile.TemporaryDirectory() as d:
...     p = Path(d) / "t.csv"
...     _ = p.write_bytes(b"a,b\\r\\n1, 2\\r\\n")
...     table, problems = read_csv(p, ("a", "b"), "t.csv")
>>> [str(x) for x in problems]       # doctest: +NORMALIZE_WHITESPACE
['t.csv:1: -: warning: CRLF line endings (handled; save the file with LF line endings)',
 "t.csv:2: b: ' 2' has leading or trailing whitespace (remove the spaces)"]
"""

from __future__ import annotations

import csv
import difflib
import io
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from living_review.core.encoding import decode_table, delimiter
from living_review.core.problems import Problem

#: Longest cell accepted (characters): the csv module's default field limit, checked per
#: cell here so that the message names the column.
MAX_CELL = 131072
# Control characters (NUL and the like) are never part of hand-entered text; tab and line breaks are.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class RawTable:
    """Cells of one CSV file as text, with the physical line each record starts on."""

    file: str
    header: tuple[str, ...]
    rows: tuple[tuple[int, dict[str, str]], ...]


def _hint(name: str, candidates) -> str:
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _records(text: str, shown: str) -> tuple[list[tuple[int, list[str]]], Problem | None]:
    """Records with the physical line each starts on; or the syntax error at the line where its record starts."""
    records: list[tuple[int, list[str]]] = []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True, delimiter=delimiter(text))
    consumed = 0
    limit = csv.field_size_limit()
    # the cell length is checked per column afterwards (MAX_CELL), so the parser itself has no limit
    csv.field_size_limit(sys.maxsize)
    try:
        for record in reader:
            records.append((consumed + 1, record))
            consumed = reader.line_num
    except csv.Error as exc:
        if "end of data" in str(exc):  # the quote that opened the record's last cell never closed
            return records, Problem(shown, consumed + 1, "-", "a quote opened on this line is never closed "
                                    "(close it, or write a quote inside a quoted cell as \"\")")
        if reader.line_num > consumed + 1:  # a quote opened in this record ran on into later lines
            return records, Problem(shown, consumed + 1, "-", f"a quote opened on this line is not closed on it: "
                                    f"the cell runs on to line {reader.line_num}, where {exc} (close the quote on "
                                    "this line, or write a quote inside a quoted cell as \"\")")
        return records, Problem(shown, reader.line_num, "-", f"CSV syntax error: {exc} (check the quotes)")
    finally:
        csv.field_size_limit(limit)
    return records, None


def read_csv(path: Path, expected: tuple[str, ...], shown: str) -> tuple[RawTable | None, list[Problem]]:
    """Read ``path`` and check its layout against the ``expected`` column names.

    Parameters
    ----------
    path : the CSV file.
    expected : column names from the data package, in order.
    shown : file name used in problems, e.g. ``data/studies.csv``.

    Returns
    -------
    (RawTable or None, problems) : ``None`` when the file cannot be read at all.
    """
    problems: list[Problem] = []
    if not path.is_file():
        return None, [Problem(shown, 0, "-", "file missing (restore it, or remove its resource from "
                              "datapackage.json)")]
    text, problems = decode_table(path.read_bytes(), shown)
    if text is None:
        return None, problems
    if delimiter(text) == "\t":
        problems.append(Problem(shown, 1, "-", "tab-separated cells (handled; save the file as comma-separated CSV)",
                                "warning"))
    records, problem = _records(text, shown)
    if problem is not None:
        return None, problems + [problem]
    if not records:
        return None, problems + [Problem(shown, 1, "-", "file is empty (restore the header row)")]

    header = tuple(records[0][1])
    for name in header:
        if name != name.strip():
            problems.append(Problem(shown, 1, name.strip() or "-",
                                    f"column name {name!r} has leading or trailing whitespace (remove it)"))
    names = [n.strip() for n in header]
    for name in sorted({n for n in names if names.count(n) > 1}):
        problems.append(Problem(shown, 1, name, "column appears more than once (delete the duplicate)"))
    for name in names:
        if name not in expected:
            problems.append(Problem(shown, 1, name, "unknown column (rename it or add it to datapackage.json"
                                    f"{_hint(name, set(expected) - set(names))})"))
    for name in expected:
        if name not in names:
            problems.append(Problem(shown, 1, name, "column missing (add it; leave cells empty if unknown"
                                    f"{_hint(name, set(names) - set(expected))})"))

    rows: list[tuple[int, dict[str, str]]] = []
    for line, record in records[1:]:
        if not record:
            problems.append(Problem(shown, line, "-", "blank line (delete it)"))
            continue
        if len(record) != len(names):
            problems.append(Problem(shown, line, "-", f"row has {len(record)} cells but the header has "
                                    f"{len(names)} (check commas and quotes)"))
            continue
        for name, cell in zip(names, record):
            if len(cell) > MAX_CELL:
                problems.append(Problem(shown, line, name, f"cell of {len(cell)} characters is longer than "
                                        f"the limit of {MAX_CELL} (check for an unclosed quote, or shorten it)"))
                continue
            control = _CONTROL.search(cell)
            if control:
                problems.append(Problem(shown, line, name, f"control character U+{ord(control.group()):04X} "
                                        "in the cell (delete it; it is invisible in most editors)"))
            if cell != cell.strip():
                problems.append(Problem(shown, line, name, f"{cell!r} has leading or trailing whitespace "
                                        "(remove the spaces)"))
        rows.append((line, dict(zip(names, record))))
    return RawTable(shown, tuple(names), tuple(rows)), problems
