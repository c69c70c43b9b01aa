"""Import search exports (RIS, PubMed MEDLINE/nbib, Rayyan or ASReview CSV) into the records table.

Each reader checks the file's structure line by line before parsing, so a malformed export
fails with the file name and line number instead of silently losing records. Text is
decoded with :func:`~living_review.search.records.read_text` (BOM, UTF-16, Latin-1).
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Iterable, Literal, get_args

import pandas as pd

from living_review.core.choices import check_choice
from living_review.search.export_rows import author_list, check_search_date, finish_rows, id_prefix
from living_review.search.records import make_records, read_text
from living_review.search.registry import registry_ids
from living_review.search.ris import read_ris

Format = Literal["auto", "ris", "medline", "csv"]
FORMATS: tuple[str, ...] = get_args(Format)
_SUFFIX_FORMAT = {".ris": "ris", ".nbib": "medline", ".medline": "medline", ".csv": "csv"}

# A tag in the wrong case ('Ti  - ') has the exact shape of a tag; rispy would file it
# under no known field, so it is refused rather than read as a continuation line.
_MEDLINE_TAG = re.compile(r"^([A-Z][A-Z0-9]{1,3}) {0,3}- (.*)$")

# CSV column names used by Rayyan and ASReview exports (lower case), per record field.
CSV_ALIASES: dict[str, tuple[str, ...]] = {
    "title": ("title", "primary_title", "ti", "t1"),
    "authors": ("authors", "author", "au", "first_authors"),
    "year": ("year", "publication_year", "py", "date"),
    "journal": ("journal", "secondary_title", "journal_name", "t2", "jo"),
    "doi": ("doi", "do"),
    "pmid": ("pmid", "pubmed_id", "pmid_id"),
    "abstract": ("abstract", "ab"),
    "registry_ids": ("registry_ids", "nct_id", "nct", "trial_registration"),
}


def read_medline(path: str | Path, *, search_date: str, source: str = "PubMed") -> pd.DataFrame:
    """Read a PubMed MEDLINE (``.nbib`` / "PubMed format") export into the records table.

    Parameters
    ----------
    path : str or Path
        The export; records are separated by blank lines and start with ``PMID-``.
    search_date : str
        ISO date the search was run.
    source : str
        Database name, ``"PubMed"`` by default.

    Notes
    -----
    A field is ``TAG- value`` with the tag left-aligned in four columns; continuation lines
    start with six spaces. ``FAU`` (full author names) is preferred over ``AU``; the DOI is
    the ``LID`` or ``AID`` value marked ``[doi]``; the year is the first year in ``DP``; the
    trial registry ids of ``SI`` (:func:`registry_ids`) go to ``registry_ids``.

    Example
    -------
    >>> read_medline("pubmed-anaplasti-set.nbib", search_date="2025-06-01")  # doctest: +SKIP
    """
    path = Path(path)
    date = check_search_date(search_date)
    records: list[tuple[int, list[tuple[str, str]]]] = []
    current: list[tuple[str, str]] | None = None
    for number, line in enumerate(read_text(path).split("\n"), start=1):
        if not line.strip():
            current = None
            continue
        tag = _MEDLINE_TAG.match(line)
        if tag:
            if current is None:
                if tag.group(1) != "PMID":
                    raise ValueError(f"{path.name}:{number}: a MEDLINE record must start "
                                     f"with 'PMID- ', found {line[:20]!r}")
                current = []
                records.append((number, current))
            current.append((tag.group(1), tag.group(2).strip()))
        elif line.startswith("      ") and current:
            key, value = current[-1]
            current[-1] = (key, f"{value} {line.strip()}")
        else:
            raise ValueError(f"{path.name}:{number}: not a MEDLINE field or continuation "
                             f"({line[:30]!r}); expected 'TAG - value' or six leading spaces")
    rows = []
    for k, (line, fields) in enumerate(records, start=1):
        get = lambda tag: [v for t, v in fields if t == tag]  # noqa: E731
        doi = next((v[:-5].strip() for v in get("LID") + get("AID") if v.endswith("[doi]")), "")
        rows.append({
            "record_id": f"{id_prefix(path)}-{k:05d}", "source": source, "search_date": date,
            "title": " ".join(get("TI")) or " ".join(get("BTI")),
            "authors": author_list(get("FAU") or get("AU")),
            "year": (get("DP") or [""])[0], "journal": (get("JT") or get("TA") or [""])[0],
            "doi": doi, "pmid": (get("PMID") or [""])[0], "abstract": " ".join(get("AB")),
            "origin": f"{path.name}:{line}", "registry_ids": "; ".join(registry_ids(get("SI"))),
        })
    return finish_rows(rows, path.name)


def read_csv_export(path: str | Path, *, search_date: str, source: str) -> pd.DataFrame:
    """Read a CSV as Rayyan or ASReview export it into the records table.

    Parameters
    ----------
    path : str or Path
        The CSV file; column names are matched case-insensitively through :data:`CSV_ALIASES`.
    search_date : str
        ISO date the search was run.
    source : str
        Database the records came from (the CSV does not say).

    Notes
    -----
    Rayyan separates authors with `` and ``, ASReview with ``;``; both become ``"; "``.
    A row whose number of fields differs from the header, or without a title, is an error.
    """
    path = Path(path)
    date = check_search_date(search_date)
    reader = csv.reader(io.StringIO(read_text(path)), strict=True)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise ValueError(f"{path.name}, line 1: the file is empty; expected a header row") from None
    column = {field: next((header.index(a) for a in names if a in header), None)
              for field, names in CSV_ALIASES.items()}
    if column["title"] is None:
        raise ValueError(f"{path.name}, line 1: no title column among {header}; "
                         f"expected one of {list(CSV_ALIASES['title'])}")
    rows, line = [], 1
    try:
        for k, cells in enumerate(reader, start=1):
            start, line = line + 1, reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(header):
                raise ValueError(f"{path.name}:{start}: {len(cells)} fields but the header "
                                 f"has {len(header)}; check quoting of commas")
            value = {f: (cells[i] if i is not None else "") for f, i in column.items()}
            if not value["title"].strip():
                raise ValueError(f"{path.name}:{start}: empty title")
            authors = re.split(r"\s+and\s+|;", value["authors"])
            rows.append({**value, "authors": author_list(authors), "source": source,
                         "search_date": date, "record_id": f"{id_prefix(path)}-{k:05d}",
                         "origin": f"{path.name}:{start}"})
    except csv.Error as err:
        if "unexpected end of data" in str(err):  # the record that starts after the last one read never ends
            raise ValueError(f"{path.name}:{line + 1}: a quote opened on this line is never closed (close it, or "
                             'write a quote inside a quoted cell as "")') from None
        raise ValueError(f"{path.name}:{reader.line_num}: malformed CSV ({err})") from None
    return finish_rows(rows, path.name)


def detect_format(path: str | Path) -> str:
    """Guess an export's format from its suffix, else from its first non-blank line."""
    path = Path(path)
    if path.suffix.lower() in _SUFFIX_FORMAT:
        return _SUFFIX_FORMAT[path.suffix.lower()]
    first = next((ln for ln in read_text(path).split("\n") if ln.strip()), "")
    if first.startswith("TY  -"):
        return "ris"
    if first.startswith("PMID-"):
        return "medline"
    raise ValueError(f"{path.name}: cannot tell the format; use .ris, .nbib or .csv, or pass fmt")


def import_files(paths: Iterable[str | Path], *, search_date: str, source: str | None = None,
                 fmt: Format = "auto") -> pd.DataFrame:
    """Import several exports into one records table (record ids prefixed by file name).

    Parameters
    ----------
    paths : iterable of paths
        Export files.
    search_date : str
        ISO date of the search.
    source : str, optional
        Database name; required for CSV, optional for RIS (``DB`` tag), ``PubMed`` for MEDLINE.
    fmt : {"auto", "ris", "medline", "csv"}
        Format of every file; ``"auto"`` uses :func:`detect_format`.

    Returns
    -------
    pandas.DataFrame
        The concatenated, validated records table.
    """
    check_choice("fmt", fmt, FORMATS)
    frames = []
    for path in paths:
        kind = detect_format(path) if fmt == "auto" else fmt
        if kind == "ris":
            frames.append(read_ris(path, search_date=search_date, source=source))
        elif kind == "medline":
            frames.append(read_medline(path, search_date=search_date, source=source or "PubMed"))
        else:
            if not source:
                raise ValueError(f"{Path(path).name}: a CSV export does not name its database; "
                                 "pass source= (--source)")
            frames.append(read_csv_export(path, search_date=search_date, source=source))
    if not frames:
        raise ValueError("no files given")
    return make_records(pd.concat(frames, ignore_index=True).to_dict("records"), "import")
