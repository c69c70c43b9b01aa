"""Reading RIS exports (Embase, Scopus, Web of Science, Rayyan's RIS) into record rows, every entry located by its line."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import rispy

from living_review.search.export_rows import PMID_NOTE, author_list, check_search_date, finish_rows, id_prefix
from living_review.search.records import read_text


_RIS_TAG = re.compile(r"^([A-Z][A-Z0-9])  - ?(.*)$")
_RIS_LOOKS_LIKE_TAG = re.compile(r"^([A-Z][A-Z0-9]\s*|[A-Za-z][A-Za-z0-9]  )-(\s|$)")


def read_ris(path: str | Path, *, search_date: str, source: str | None = None) -> pd.DataFrame:
    """Read a RIS export into the records table.

    Parameters
    ----------
    path : str or Path
        The ``.ris`` file.
    search_date : str
        ISO date the search was run.
    source : str, optional
        Database name; defaults to each record's ``DB`` tag.

    Returns
    -------
    pandas.DataFrame
        The records table (:data:`~living_review.search.records.RECORD_COLUMNS`).

    Notes
    -----
    Authors are kept as exported (``"Smith, J."``), ``"; "``-separated; volume (``VL``), issue
    (``IS``) and pages (``SP``, ``EP``) go to ``origin`` as ``"cited as JOURNAL YEAR;VL(IS):SP-EP"``.

    Structure enforced before parsing with ``rispy``: every record opens with ``TY`` and
    closes with ``ER``; nothing but blank lines lies between records; a line that looks
    like a tag must be ``XX  - value`` (two spaces); other lines inside a record continue
    the previous field.

    Example
    -------
    >>> read_ris("embase.ris", search_date="2025-06-01", source="Embase")  # doctest: +SKIP
    """
    path = Path(path)
    date = check_search_date(search_date)
    text = read_text(path)
    starts = _ris_structure(text, path.name)
    try:
        entries = rispy.loads(text)
    except Exception as err:  # rispy raises KeyError/ValueError/IndexError on odd input
        raise ValueError(f"{path.name}:{starts[0] if starts else 1}: the RIS export cannot be parsed "
                         f"({type(err).__name__}: {err}; check its tags)") from None
    if len(entries) != len(starts):  # pragma: no cover - guarded by the structure check
        raise ValueError(f"{path.name}: parsed {len(entries)} records but found {len(starts)} TY lines")
    rows = []
    for k, (entry, line) in enumerate(zip(entries, starts), start=1):
        db = source or entry.get("name_of_database") or entry.get("database_provider") or ""
        if not db:
            raise ValueError(f"{path.name}:{line}: record has no DB tag; pass source=")
        pmid = ""
        accession = str(entry.get("accession_number", "")).strip()
        if accession.isdigit() and re.search(r"pubmed|medline", db, re.I):
            pmid = accession
        for note in entry.get("notes", []) or []:
            found = PMID_NOTE.search(note)
            pmid = pmid or (found.group(1) if found else "")
        rows.append({
            "record_id": f"{id_prefix(path)}-{k:05d}", "source": db, "search_date": date,
            "title": entry.get("title") or entry.get("primary_title") or "",
            "authors": author_list(entry.get("authors") or entry.get("first_authors") or []),
            "year": entry.get("year") or entry.get("publication_year") or entry.get("date") or "",
            "journal": (entry.get("journal_name") or entry.get("secondary_title")
                        or entry.get("alternate_title3") or entry.get("alternate_title1") or ""),
            "doi": entry.get("doi", ""), "pmid": pmid, "abstract": entry.get("abstract", ""),
            "origin": f"{path.name}:{line}" + _ris_citation(entry),
        })
    return finish_rows(rows, path.name)


def _ris_citation(entry: dict) -> str:
    """``"; cited as JOURNAL YEAR;VL(IS):SP-EP"`` from the RIS volume, issue and pages, ``""`` without them.

    The records table has no columns for them; ``origin`` keeps them, in the citation form
    that the study table's ``citation`` column uses, so that nothing of the export is lost.
    """
    volume, issue = str(entry.get("volume") or "").strip(), str(entry.get("number") or "").strip()
    start, end = str(entry.get("start_page") or "").strip(), str(entry.get("end_page") or "").strip()
    if not (volume or issue or start):
        return ""
    journal = (entry.get("alternate_title3") or entry.get("journal_name") or entry.get("secondary_title")
               or entry.get("alternate_title1") or "")
    year = entry.get("year") or entry.get("publication_year") or ""
    pages = f"{start}-{end}" if start and end and end != start else start
    return (f"; cited as {' '.join(f'{journal} {year}'.split())};{volume}" + (f"({issue})" if issue else "")
            + (f":{pages}" if pages else ""))


def _ris_structure(text: str, name: str) -> list[int]:
    """Return the line numbers of the ``TY`` lines; raise at the first structural fault."""
    starts: list[int] = []
    inside = False
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        tag = _RIS_TAG.match(line)
        if tag is None and _RIS_LOOKS_LIKE_TAG.match(line):
            raise ValueError(f"{name}:{number}: malformed RIS tag {line[:20]!r} (a tag is two "
                             "upper-case characters, two spaces, '-' and a space)")
        if tag and tag.group(1) == "TY":
            if inside:
                raise ValueError(f"{name}:{number}: TY opens a record before the "
                                 f"record opened on line {starts[-1]} was closed with ER")
            starts.append(number)
            inside = True
        elif not inside:
            raise ValueError(f"{name}:{number}: text outside a record ({line[:30]!r}); "
                             "every record must start with 'TY  - ' and end with 'ER  - '")
        elif tag and tag.group(1) == "ER":
            inside = False
    if inside:
        raise ValueError(f"{name}:{starts[-1]}: record is never closed with 'ER  - '")
    return starts
