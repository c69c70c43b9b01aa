"""The records table: one row per bibliographic record found by a search, and its normalisation.

Every importer returns this table and every later step (deduplication, screening, PRISMA
counts) reads it, so the columns, their types and the normal form of identifiers are fixed
here and nowhere else.

Columns (all text; empty string when unknown):

``record_id``
    unique key of the record within the review (e.g. ``pubmed_2025-00012``).
``source``
    database or method that found it (``PubMed``, ``Embase``, ``hand search``,
    ``citation tracking``...). :func:`source_kind` maps it to a PRISMA 2020 column.
``search_date``
    ISO date (YYYY-MM-DD) of the search or of the hand search that found it.
``title``, ``authors`` (``"; "``-separated, surname first), ``year`` (four digits),
``journal``, ``doi`` (lower case, no resolver prefix), ``pmid`` (digits), ``abstract``.
``origin``
    where the row came from: ``file:line`` for imports, a citation for hand-entered rows.
``registry_ids``
    trial registry identifiers, ``"; "``-separated (:func:`~living_review.search.registry.normalise_registry_ids`): a
    ClinicalTrials.gov record's NCT number (and its EudraCT/CTIS numbers), the registry ids a
    PubMed record names in its secondary-source field (``SI``). Two register records with a
    common id are one trial found twice (:func:`~living_review.search.dedupe.dedupe`).
"""

from __future__ import annotations

import codecs
import datetime as dt
import re
from pathlib import Path
from typing import Iterable, Literal, Mapping

import pandas as pd

from living_review.search.normalise import normalise_doi, normalise_pmid, normalise_year

RECORD_COLUMNS: tuple[str, ...] = (
    "record_id",
    "source",
    "search_date",
    "title",
    "authors",
    "year",
    "journal",
    "doi",
    "pmid",
    "abstract",
    "origin",
    "registry_ids",
)
# Columns an older records table may lack; they are read as empty.
OPTIONAL_COLUMNS: tuple[str, ...] = ("registry_ids",)

SourceKind = Literal["database", "register", "website", "organisation", "citations"]

# Sources that are not bibliographic databases, with the PRISMA 2020 "other methods" box
# they belong to. Hand searching of public web pages and indexes is reported as websites.
OTHER_METHOD_SOURCES: dict[str, SourceKind] = {
    "hand search": "website",
    "website": "website",
    "organisation": "organisation",
    "citation tracking": "citations",
    "citation searching": "citations",
}
REGISTER_SOURCES = frozenset(
    {"clinicaltrials.gov", "who ictrp", "ictrp", "eu ctr", "euctr", "umin-ctr", "jrct", "ctis"}
)


def source_kind(source: str) -> SourceKind:
    """PRISMA 2020 box of a source: a database, a register or one of the other methods.

    Example
    -------
    >>> source_kind("citation tracking"), source_kind("Embase")
    ('citations', 'database')
    """
    key = (source or "").strip().lower()
    if key in OTHER_METHOD_SOURCES:
        return OTHER_METHOD_SOURCES[key]
    if key in REGISTER_SOURCES:
        return "register"
    return "database"


def decode_bytes(raw: bytes) -> str:
    """Decode an export whatever its encoding: UTF-8 (with or without BOM), UTF-16, or Latin-1.

    Notes
    -----
    A byte-order mark decides when present. Otherwise strict UTF-8 is tried first, then
    Windows-1252 (the usual "Latin-1" of reference managers), then ISO-8859-1, which
    decodes every byte and so always succeeds.
    """
    for bom, codec in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                       (codecs.BOM_UTF16_BE, "utf-16")):
        if raw.startswith(bom):
            return raw.decode(codec)
    for codec in ("utf-8", "cp1252"):
        try:
            return raw.decode(codec)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def read_text(path: str | Path) -> str:
    """Read an export with :func:`decode_bytes`, line endings normalised to ``\\n``.

    ``ValueError`` at ``FILE:LINE`` for UTF-16 without a byte-order mark (every other byte
    NUL: it would decode as Latin-1 noise) and for a control character such as NUL, which no
    bibliographic field holds.
    """
    from living_review.core.encoding import _looks_utf16

    raw = Path(path).read_bytes()
    name = Path(path).name
    if not raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and _looks_utf16(raw):
        raise ValueError(f"{name}:1: file looks like UTF-16 without a byte-order mark (every other byte is NUL; "
                         "export it again as UTF-8, or as UTF-16 with BOM)")
    text = decode_bytes(raw).replace("\r\n", "\n").replace("\r", "\n")
    bad = _CONTROL.search(text)
    if bad:
        line = text[: bad.start()].count("\n") + 1
        raise ValueError(f"{name}:{line}: control character U+{ord(bad.group()):04X} in the file (delete it; it is "
                         "invisible in most editors)")
    return text


def make_records(rows: Iterable[Mapping[str, object]], where: str = "records") -> pd.DataFrame:
    """Build a validated records table from mappings with (a subset of) the record columns.

    Parameters
    ----------
    rows : iterable of mappings
        Missing keys become ``""``; DOI, PMID and year are normalised.
    where : str
        Name used in error messages (a file name).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`RECORD_COLUMNS`, all ``str``.
    """
    frame = pd.DataFrame([{col: row.get(col, "") for col in RECORD_COLUMNS} for row in rows],
                         columns=list(RECORD_COLUMNS))
    return validate_records(frame.fillna(""), where)


def validate_records(frame: pd.DataFrame, where: str = "records", lines: list[int] | None = None) -> pd.DataFrame:
    """Check and normalise a records table; raise ``ValueError`` naming the row and column.

    The table must have every column of :data:`RECORD_COLUMNS`; ``record_id``, ``source``,
    ``search_date`` (ISO date) and ``title`` must be filled; ``record_id`` must be unique.
    With ``lines`` (the file line each row starts on) messages say ``FILE:LINE:``; without,
    they give the 1-based data row.
    """
    def at(i: int) -> str:
        return f"{where}:{lines[i - 1]}:" if lines else f"{where}, row {i}"

    frame = frame.assign(**{c: "" for c in OPTIONAL_COLUMNS if c not in frame.columns})
    missing = [col for col in RECORD_COLUMNS if col not in frame.columns]
    if missing:
        raise ValueError(f"{where}: missing column(s) {missing}; expected {list(RECORD_COLUMNS)}")
    out = frame.loc[:, list(RECORD_COLUMNS)].fillna("").astype(str).copy()
    out = out.apply(lambda col: col.str.strip())
    for i, row in enumerate(out.itertuples(index=False), start=1):
        for col in ("record_id", "source", "search_date", "title"):
            if not getattr(row, col):
                raise ValueError(f"{at(i)} ({row.record_id or 'no id'}): column "
                                 f"'{col}' is empty; fill it in")
        try:
            dt.date.fromisoformat(row.search_date)
        except ValueError:
            raise ValueError(f"{at(i)} ({row.record_id}): search_date "
                             f"{row.search_date!r} is not an ISO date YYYY-MM-DD") from None
    from living_review.search.registry import normalise_registry_ids

    for col, fix in (("doi", normalise_doi), ("pmid", normalise_pmid), ("registry_ids", normalise_registry_ids)):
        try:
            out[col] = [fix(v) for v in out[col]]
        except ValueError as err:
            bad = next(i for i, v in enumerate(frame[col].fillna("").astype(str), 1)
                       if _fails(fix, v))
            raise ValueError(f"{at(bad)} column '{col}': {err}") from None
    out["year"] = [normalise_year(v) for v in out["year"]]
    out = out.reset_index(drop=True)
    dup = out["record_id"][out["record_id"].duplicated()]
    if not dup.empty:
        i = int(dup.index[0]) + 1
        first = out["record_id"].tolist().index(dup.iloc[0]) + 1
        place = f"{where}:{lines[i - 1]}:" if lines else f"{where}, row {i}"
        seen = f"line {lines[first - 1]}" if lines else f"row {first}"
        raise ValueError(f"{place} record_id {dup.iloc[0]!r} used more than once (first on {seen}); ids must be "
                         f"unique{'' if len(set(dup)) == 1 else f' (also {sorted(set(dup) - {dup.iloc[0]})})'}")
    return out.reset_index(drop=True)


def _fails(fix, value: str) -> bool:
    try:
        fix(value)
    except ValueError:
        return True
    return False


def read_records(path: str | Path) -> pd.DataFrame:
    """Read and validate a records CSV of ``data/search`` (UTF-8, or UTF-16 with BOM; any line ending).

    Bytes that are not UTF-8 are refused at their line, like every data file
    (:func:`living_review.core.encoding.read_table_text`).
    """
    from living_review.core.encoding import read_frame_lines

    frame, lines = read_frame_lines(path, Path(path).name)
    return validate_records(frame, Path(path).name, lines)


def record_lines(text: str) -> list[int]:
    """The file line on which each data record of CSV ``text`` starts (header = line 1)."""
    from living_review.core.encoding import row_lines

    return row_lines(text)


def append_records(new: pd.DataFrame, path: str | Path) -> Path:
    """Append the rows of ``new`` to the records CSV at ``path`` without rewriting its lines.

    The file keeps every byte it had (a final line break is added if it lacked one), so a
    three-record import is a three-line diff. The combined table is validated first
    (unique ``record_id``); nothing is written if it fails.
    """
    import csv
    import io

    path = Path(path)
    old = read_records(path)
    validate_records(pd.concat([old, new], ignore_index=True), path.name)
    rows = validate_records(new, path.name)
    raw = path.read_bytes()
    # the file's own encoding, column order and line ending, so that its existing lines stay as they are
    codec, bom = "utf-8", codecs.BOM_UTF8 if raw.startswith(codecs.BOM_UTF8) else b""
    for mark, name in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if raw.startswith(mark):
            codec, bom = name, mark
    text = raw[len(bom):].decode(codec)
    header = next(csv.reader(io.StringIO(text, newline="")))
    lost = [c for c in OPTIONAL_COLUMNS if c not in [h.strip() for h in header] and rows[c].str.strip().any()]
    if lost:
        raise ValueError(f"{path.name}:1: no column {', '.join(lost)} in the header, and the new records carry "
                         f"values for it (add ',{','.join(lost)}' at the end of the header and a comma at the end "
                         "of every row, then import again)")
    ending = "\r\n" if "\r\n" in text else "\r" if "\n" not in text and "\r" in text else "\n"
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=ending).writerows(rows[[h.strip() for h in header]].itertuples(index=False))
    with path.open("ab") as out:
        if text and not text.endswith(("\n", "\r")):
            out.write(ending.encode(codec))
        out.write(buffer.getvalue().encode(codec))
    return path


def write_records(frame: pd.DataFrame, path: str | Path) -> Path:
    """Validate and write a records table as UTF-8 CSV; return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    validate_records(frame, path.name).to_csv(path, index=False)
    return path
