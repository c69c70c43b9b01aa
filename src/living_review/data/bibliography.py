"""Bibliography entries of the included studies, generated from the data at build time.

The chapters cite every cohort by its ``study_id``. A study added to ``data/studies.csv``
needs no hand-written entry in ``book/references.bib``: the Sphinx extension writes one
into the build folder for each study that has none, from what the data hold and nothing
else. Hand-written entries stay authoritative: a key present in ``references.bib`` is
never generated.

Notes
-----
A generated entry holds

* ``author``: the authors of the study's search record (``data/search/records.csv``, the
  record the screening log includes it from, else the record with its DOI or PMID), or the
  ``first_author`` of ``studies.csv`` when it reads as a name (``Surname Initials``);
  followed by ``and others``, which stands for authors not shown in the sources read (the
  convention of ``references.bib``);
* ``title``: the search record's title, when it is one (``data/search/README.md``: a title
  cell that opens with a note in square brackets describes a report whose title was not
  recorded, and one that ends in ``...`` was cut off; neither is used);
* ``journal``, ``year``, and ``volume``, ``number`` and ``pages`` when the ``citation``
  cell reads ``Journal YEAR;VOLUME(NUMBER):PAGES``;
* ``doi``, ``pmid`` and the trial registry id (as ``note``), when recorded.

With a title it is an ``@article``; without, a ``@misc`` whose ``howpublished`` is the
study's ``citation`` cell. No entry can be made for a study with no author (the
``first_author`` cell is a statement such as "not shown in sources read" and no record
names the authors), or whose text holds a brace or a backslash, which BibTeX would read
as markup; :func:`study_entries` says why, and ``validate`` reports it at the study's line.

Example
-------
>>> import pandas as pd
>>> studies = pd.DataFrame([{"study_id": "smith2025", "first_author": "Smith AB", "year": "2025",
...     "journal": "Thyroid", "citation": "Thyroid 2025;35(2):100-8", "doi": "", "pmid": "12345678",
...     "registry_id": ""}])
>>> entries, impossible = study_entries(studies, pd.DataFrame(), pd.DataFrame(), set())
>>> print(entries["smith2025"])
@misc{smith2025,
  author       = {Smith, AB and others},
  howpublished = {Thyroid 2025;35(2):100-8},
  year         = {2025},
  pmid         = {12345678},
}
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd

from living_review.core.encoding import read_frame
from living_review.core.problems import Problem

Row = tuple[int, dict[str, Any]]

#: Where the generated entries are written, inside the build folder (never the repository).
GENERATED_BIB = Path("bibliography") / "studies.bib"
_KEY = re.compile(r"^\s*@\w+\s*\{\s*([^,\s]+)\s*,", re.M)
_NAME = re.compile(r"^(?P<surname>[^\W\d_][\w'’ .-]*?)\s+(?P<initials>[A-Z]{1,4})$")
_CITATION = re.compile(r"^.+?\s\d{4}\s*;\s*(?P<volume>\w+)\s*(?:\((?P<number>[^()]+)\))?\s*:\s*(?P<pages>[\w-]+)\s*$")
_MARKUP = re.compile(r"[{}\\]")
_NOT_A_TITLE = re.compile(r"^\s*\[|(\.\.\.|…)\s*$")
_ORDER = ("author", "title", "journal", "howpublished", "year", "volume", "number", "pages", "doi", "pmid", "note")


def hand_written_keys(bib: Path) -> set[str]:
    """Keys of the entries of a ``.bib`` file (empty when it does not exist)."""
    if not bib.is_file():
        return set()
    return set(_KEY.findall(bib.read_text(encoding="utf-8", errors="replace")))


def _person(name: str) -> str | None:
    """``Surname Initials`` as BibTeX ``Surname, Initials``; ``None`` when it is not a name."""
    name = re.sub(r",?\s*et al\.?$", "", " ".join(name.split()))
    if name.count(",") == 1:  # "Smith, J." or "Smith, John A" (RIS, MEDLINE FAU): initials of the given names
        surname, given = (part.strip() for part in name.split(","))
        initials = "".join(w[0] for w in re.split(r"[\s.\-]+", given) if w and w[0].isalpha()).upper()
        name = f"{surname} {initials}" if surname and initials else name
    match = _NAME.match(name)
    if not match or " and " in f" {name} ":
        return None
    return f"{match['surname']}, {match['initials']}"


def _record_for(study: dict, records: pd.DataFrame, log: pd.DataFrame) -> dict | None:
    if records.empty:
        return None
    by_id = {r["record_id"]: r for r in records.to_dict("records")}
    if not log.empty and {"study_ids", "record_id", "decision"} <= set(log.columns):
        for row in log.to_dict("records"):
            ids = re.split(r"[;,\s]+", row["study_ids"].strip())
            if row["decision"] == "include" and study["study_id"] in ids and row["record_id"] in by_id:
                return by_id[row["record_id"]]
    for column in ("doi", "pmid"):
        value = study.get(column, "").strip().lower()
        if value and column in records.columns:
            found = records[records[column].str.strip().str.lower() == value]
            if len(found):
                return found.iloc[0].to_dict()
    return None


def _fields(study: dict, record: dict | None) -> tuple[dict[str, str], str | None]:
    names = [_person(a) for a in re.split(r"\s*;\s*", (record or {}).get("authors", "")) if a.strip()]
    if not names or None in names:
        names = [_person(study.get("first_author", ""))]
    if names[0] is None:
        return {}, (f"first_author {study.get('first_author', '')!r} is not a name 'Surname Initials' and no "
                    "search record of the study names its authors")
    fields = {"author": " and ".join(names + ["others"]), "year": study.get("year", "")}
    title = (record or {}).get("title", "").strip()
    if title and not _NOT_A_TITLE.search(title):
        fields.update(title=title, journal=study.get("journal", ""))
        cited = _CITATION.match(study.get("citation", ""))
        if cited:
            fields.update({k: v for k, v in cited.groupdict().items() if v})
    else:
        fields["howpublished"] = study.get("citation", "") or study.get("journal", "")
    for column in ("doi", "pmid"):
        if study.get(column):
            fields[column] = study[column]
    if study.get("registry_id"):
        fields["note"] = f"Trial registration {study['registry_id']}"
    fields = {k: " ".join(str(v).split()) for k, v in fields.items() if str(v).strip()}
    marked = sorted(k for k, v in fields.items() if _MARKUP.search(v))
    if marked:
        return {}, (f"{', '.join(marked)} hold(s) a brace or backslash, which BibTeX reads as markup (remove "
                    "it from the data, or add a hand-written entry)")
    return fields, None


def _entry(key: str, fields: dict[str, str]) -> str:
    kind = "article" if "title" in fields else "misc"
    width = max(len(k) for k in fields)
    body = "".join(f"  {k:<{width}} = {{{fields[k]}}},\n" for k in _ORDER if k in fields)
    return f"@{kind}{{{key},\n{body}}}"


def study_entries(studies: pd.DataFrame, records: pd.DataFrame, log: pd.DataFrame,
                  existing: set[str]) -> tuple[dict[str, str], dict[str, str]]:
    """BibTeX entries of the studies whose id is not in ``existing``, and why others could not be made.

    Parameters
    ----------
    studies : ``data/studies.csv`` as text cells.
    records, log : ``data/search/records.csv`` and ``screening_log.csv`` (may be empty).
    existing : keys already in the hand-written bibliography.

    Returns
    -------
    (entries, impossible) : ``{study_id: entry text}`` and ``{study_id: reason}``.
    """
    entries: dict[str, str] = {}
    impossible: dict[str, str] = {}
    for study in studies.fillna("").astype(str).to_dict("records"):
        key = study.get("study_id", "").strip()
        if not key or key in existing or key in entries:
            continue
        fields, reason = _fields(study, _record_for(study, records, log))
        if reason:
            impossible[key] = reason
        else:
            entries[key] = _entry(key, fields)
    return entries, impossible


def _table(path: Path) -> pd.DataFrame:
    return read_frame(path) if path.is_file() else pd.DataFrame()


def project_entries(root: Path) -> tuple[dict[str, str], dict[str, str]]:
    """:func:`study_entries` for the project at ``root`` (against its ``book/references.bib``)."""
    data = Path(root) / "data"
    return study_entries(_table(data / "studies.csv"), _table(data / "search" / "records.csv"),
                         _table(data / "search" / "screening_log.csv"),
                         hand_written_keys(Path(root) / "book" / "references.bib"))


def write_generated_bib(root: Path, target: Path) -> Path:
    """Write the generated entries of the project at ``root`` to ``target`` (unchanged content is not rewritten)."""
    entries, _ = project_entries(root)
    text = ("% Generated at build time from data/studies.csv and data/search/ for the studies that have no\n"
            "% entry in book/references.bib (living_review.data.bibliography). Not to be edited.\n\n"
            + "\n\n".join(entries[k] for k in sorted(entries)) + "\n")
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.is_file() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")
    return target


def check_bibliography(bib: Path, shown: str, studies_file: str, studies: list[Row]) -> list[Problem]:
    """Every study is cited by its id: its entry is in the book's bibliography or can be generated.

    The build generates the entry of a study that has none in ``book/references.bib``
    (:mod:`living_review.data.bibliography`); only a study whose entry cannot be made from
    the data is reported, with the reason.
    """
    if not bib.is_file():
        return []
    keys = hand_written_keys(bib)
    missing = [(line, v) for line, v in studies if v.get("study_id") and v["study_id"] not in keys]
    if not missing:
        return []
    search = bib.parent.parent / "data" / "search"
    tables = []
    for name in ("records.csv", "screening_log.csv"):
        try:
            tables.append(read_frame(search / name) if (search / name).is_file() else pd.DataFrame())
        except ValueError:  # reported at its line by check_search
            tables.append(pd.DataFrame())
    frame = pd.DataFrame([{k: "" if x is None else str(x) for k, x in v.items()} for _, v in missing])
    _, impossible = study_entries(frame, tables[0], tables[1], keys)
    return [Problem(studies_file, line, "study_id", f"no entry for {v['study_id']!r} in {shown}, and none can be "
                    f"generated: {impossible[v['study_id']]} (add @article{{{v['study_id']}, ...}} to {shown})")
            for line, v in missing if v["study_id"] in impossible]
