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
"""

from __future__ import annotations

import codecs
import datetime as dt
import re
import unicodedata
from pathlib import Path
from typing import Iterable, Literal, Mapping

import pandas as pd

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
)

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

_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi\.org/|doi:\s*|doi\s+)", re.I)
_DOI_SHAPE = re.compile(r"^10\.\d{4,9}/\S+$")
_PMID_PREFIX = re.compile(r"^(?:pmid:?\s*)", re.I)
_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)")


def normalise_doi(value: object) -> str:
    """Return a DOI in canonical form: lower case, without resolver URL or ``doi:`` prefix.

    Parameters
    ----------
    value : str or None
        A DOI as exported: ``10.1089/THY.2016.0621``, ``doi:10.1089/...``,
        ``https://doi.org/10.1089/...`` or ``http://dx.doi.org/10.1089/...``.

    Returns
    -------
    str
        ``"10.1089/thy.2016.0621"``; ``""`` when the value is empty.

    Notes
    -----
    DOIs are case-insensitive (DOI Handbook, section 2.4), so lower case is lossless.
    Trailing punctuation left by citation styles (``.``, ``,``, ``;``) is removed.

    Raises
    ------
    ValueError
        When a non-empty value does not have the DOI shape ``10.<registrant>/<suffix>``.

    Example
    -------
    >>> normalise_doi("https://doi.org/10.1530/ERC-20-0106.")
    '10.1530/erc-20-0106'
    """
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    text = str(value).strip()
    if not text:
        return ""
    text = _DOI_PREFIX.sub("", text).strip().rstrip(".,;").lower()
    if not _DOI_SHAPE.match(text):
        raise ValueError(f"{value!r} is not a DOI; expected the form 10.<registrant>/<suffix>")
    return text


def normalise_pmid(value: object) -> str:
    """Return a PubMed identifier as digits only (``"PMID: 28635560"`` -> ``"28635560"``).

    Raises ``ValueError`` when a non-empty value is not a positive integer.

    Example
    -------
    >>> normalise_pmid("PMID: 33112817")
    '33112817'
    """
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    text = _PMID_PREFIX.sub("", str(value).strip()).strip()
    if text.endswith(".0") and text[:-2].isdigit():  # a spreadsheet stored it as a float
        text = text[:-2]
    if not text:
        return ""
    if not text.isdigit() or int(text) == 0:
        raise ValueError(f"{value!r} is not a PMID; expected a positive integer")
    return str(int(text))


def normalise_year(value: object) -> str:
    """Return the four-digit publication year found in ``value``, ``""`` when there is none.

    Example
    -------
    >>> normalise_year("2017 Sep;27(9):1142-1148")
    '2017'
    """
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    match = _YEAR.search(str(value))
    return match.group(1) if match else ""


def fold_text(text: str) -> str:
    """Lower-case ASCII form of ``text``: diacritics removed, punctuation to spaces.

    Notes
    -----
    Unicode NFKD decomposition separates base letters from combining marks, which are
    then dropped ("Iñiguez" -> "iniguez"); every run of non-alphanumerics becomes one space.

    Example
    -------
    >>> fold_text("Iñiguez-Ariza, N.M.")
    'iniguez ariza n m'
    """
    decomposed = unicodedata.normalize("NFKD", text or "")
    ascii_only = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^0-9a-z]+", " ", ascii_only.casefold()).split())


def title_key(title: str) -> str:
    """Normalised title for matching: :func:`fold_text` without a trailing ellipsis."""
    return fold_text(re.sub(r"(\.\.\.|\u2026)\s*$", "", title or ""))


def first_author_key(authors: str) -> str:
    """Folded surname of the first author of a ``"; "``-separated author list.

    Handles ``"Kim, Minji"``, MEDLINE ``"Do Cao C"`` (trailing initials) and given-name
    first ``"Minji Kim"``.

    Example
    -------
    >>> first_author_key("Do Cao C; Sparano C")
    'do cao'
    """
    first = (authors or "").split(";")[0].strip()
    if not first:
        return ""
    if "," in first:
        return fold_text(first.split(",")[0])
    parts = first.split()
    if len(parts) > 1 and re.fullmatch(r"[A-Z]{1,3}", parts[-1]):
        return fold_text(" ".join(parts[:-1]))
    return fold_text(parts[-1])


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


def read_text(path: str | Path) -> str:
    """Read a text file with :func:`decode_bytes`, line endings normalised to ``\\n``."""
    return decode_bytes(Path(path).read_bytes()).replace("\r\n", "\n").replace("\r", "\n")


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
    for col, fix in (("doi", normalise_doi), ("pmid", normalise_pmid)):
        try:
            out[col] = [fix(v) for v in out[col]]
        except ValueError as err:
            bad = next(i for i, v in enumerate(frame[col].fillna("").astype(str), 1)
                       if _fails(fix, v))
            raise ValueError(f"{at(bad)} column '{col}': {err}") from None
    out["year"] = [normalise_year(v) for v in out["year"]]
    dup = out["record_id"][out["record_id"].duplicated()]
    if not dup.empty:
        raise ValueError(f"{where}: record_id {sorted(set(dup))} used more than once; ids must be unique")
    return out.reset_index(drop=True)


def _fails(fix, value: str) -> bool:
    try:
        fix(value)
    except ValueError:
        return True
    return False


def read_records(path: str | Path) -> pd.DataFrame:
    """Read and validate a records CSV written by :func:`write_records` (any encoding)."""
    import io

    text = read_text(path)
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise ValueError(f"{Path(path).name}: not a readable CSV file ({err}; check its quotes and commas)") from None
    return validate_records(frame, Path(path).name, record_lines(text))


def record_lines(text: str) -> list[int]:
    """The file line on which each data record of CSV ``text`` starts (header = line 1)."""
    import csv
    import io

    reader = csv.reader(io.StringIO(text))
    lines, consumed = [], 0
    try:
        for k, record in enumerate(reader):
            if k and record:
                lines.append(consumed + 1)
            consumed = reader.line_num
    except csv.Error:
        return []
    return lines


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
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:  # another encoding: written anew as UTF-8
        return write_records(pd.concat([old, rows], ignore_index=True), path)
    header = next(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    buffer = io.StringIO()
    # the file's own column order and line ending, so that its existing lines stay as they are
    csv.writer(buffer, lineterminator="\r\n" if "\r\n" in text else "\n").writerows(
        rows[[h.strip() for h in header]].itertuples(index=False))
    with path.open("ab") as out:
        if raw and not raw.endswith(b"\n"):
            out.write(b"\n")
        out.write(buffer.getvalue().encode("utf-8"))
    return path


def write_records(frame: pd.DataFrame, path: str | Path) -> Path:
    """Validate and write a records table as UTF-8 CSV; return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    validate_records(frame, path.name).to_csv(path, index=False)
    return path
