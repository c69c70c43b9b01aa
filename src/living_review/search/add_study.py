"""Skeleton rows for a new cohort, from its screening record: ``living-review add-study``.

A record included at full text names its study id (``study_ids`` of the screening log);
the study then needs a row in ``data/studies.csv`` and the record a row of facts in
``data/search/eligibility_assessments.csv``. :func:`skeleton_rows` fills what the record
holds (study id, first author, year, journal, citation as exported, DOI, PMID, registry id,
the record id) and marks every other required field ``FILL: ...`` with what it takes, read
from the table's schema (``data/datapackage.json``), so that nothing is looked up by hand
and nothing required is forgotten. A ``FILL`` in a field with a closed set of values fails
validation; in a free-text field it does not, so search the rows for ``FILL`` before appending them.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

FILL = "FILL"


@dataclass(frozen=True)
class Skeleton:
    """The two skeleton rows and the fields left to fill, with what each takes."""

    study_id: str
    record_id: str
    studies: dict
    eligibility: dict
    to_fill: tuple[tuple[str, str, str], ...]  # (table, field, what it takes)

    def csv_text(self, row: dict) -> str:
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(row), lineterminator="\n")
        writer.writeheader()
        writer.writerow(row)
        return out.getvalue()

    def summary(self) -> str:
        lines = [f"{self.study_id} from {self.record_id}: {len(self.to_fill)} required fields to fill "
                 "(each marked FILL in the skeleton rows):"]
        lines += [f"  {table}: {field}: {what}" for table, field, what in self.to_fill]
        return "\n".join(lines)


def _surname_initials(authors: str) -> str:
    first = (authors or "").split(";")[0].strip()
    if "," in first:
        surname, given = (p.strip() for p in first.split(",", 1))
        initials = "".join(w[0] for w in re.split(r"[\s.\-]+", given) if w and w[0].isalpha()).upper()
        return f"{surname} {initials}".strip()
    return first


def _what(field: dict) -> str:
    enum = (field.get("constraints") or {}).get("enum")
    text = " ".join(str(field.get("description") or "").split())
    return (f"one of {', '.join(enum)}; " if enum else "") + (text[:160] + ("..." if len(text) > 160 else ""))


def skeleton_rows(data_dir: str | Path, record_id: str, study_id: str | None = None) -> Skeleton:
    """The skeleton rows of the study a screening record includes (see the module docstring).

    Raises ``ValueError`` when the record is not in ``records.csv``, when no study id is
    given or recorded for it, or when the study id is already in ``studies.csv``.
    """
    from living_review.core.encoding import read_frame
    from living_review.search.records import read_records
    from living_review.search.screening import read_screening_log, split_ids

    data_dir = Path(data_dir)
    records = read_records(data_dir / "search" / "records.csv").set_index("record_id")
    if record_id not in records.index:
        raise ValueError(f"records.csv: no record {record_id!r} (give the record_id of the screening record; "
                         "`living-review screen --conflicts` and screening_log.csv list them)")
    rec = records.loc[record_id]
    log = read_screening_log(data_dir / "search" / "screening_log.csv")
    linked = [s for cell in log.loc[(log["record_id"] == record_id) & (log["decision"] == "include"), "study_ids"]
              for s in split_ids(cell)]
    study_id = study_id or (linked[0] if len(linked) == 1 else "")
    if not study_id:
        raise ValueError(f"{record_id}: give the new study id (no single study id is recorded for it at full text; "
                         f"found {linked or 'none'})")
    if not re.fullmatch(r"[a-z0-9_]+", study_id):
        raise ValueError(f"study id {study_id!r}: use lower-case letters, digits and underscores (e.g. rossi2025)")
    known = set(read_frame(data_dir / "studies.csv", "data/studies.csv")["study_id"])
    if study_id in known:
        raise ValueError(f"data/studies.csv: study {study_id!r} already has a row (link the record to it instead)")
    schema = next(r for r in json.loads((data_dir / "datapackage.json").read_text(encoding="utf-8"))["resources"]
                  if r["name"] == "studies")["schema"]["fields"]
    surname = _surname_initials(rec["authors"])
    cited = re.search(r"cited as (.+)$", rec["origin"])
    ids = [v.strip() for v in rec["registry_ids"].split(";") if v.strip()]
    known_values = {
        "study_id": study_id, "label": f"{surname.split(' ')[0]} {rec['year']}".strip() if surname else "",
        "first_author": surname, "year": rec["year"], "pub_date": rec["year"], "journal": rec["journal"],
        "citation": cited.group(1).strip() if cited else "", "doi": rec["doi"], "pmid": rec["pmid"],
        "registry_id": ids[0] if ids else "", "in_previous_version": "false",
        "identifier_status": "reported" if (rec["doi"] or rec["pmid"] or ids) else "",
    }
    studies, to_fill = {}, []
    for field in schema:
        name, required = field["name"], bool((field.get("constraints") or {}).get("required"))
        value = str(known_values.get(name, "") or "")
        if not value and required:
            value = f"{FILL}: {_what(field)}"
            to_fill.append(("data/studies.csv", name, _what(field)))
        studies[name] = value
    header = (data_dir / "search" / "eligibility_assessments.csv").read_text(encoding="utf-8").splitlines()[0]
    example = read_frame(data_dir / "search" / "eligibility_assessments.csv",
                         "data/search/eligibility_assessments.csv").iloc[0].to_dict()
    eligibility = {}
    for name in header.split(","):
        if name == "record_id":
            eligibility[name] = record_id
            continue
        what = f"as in the other rows (e.g. {example.get(name, '')!r})"
        eligibility[name] = f"{FILL}: {what}"
        to_fill.append(("data/search/eligibility_assessments.csv", name, what))
    return Skeleton(study_id=study_id, record_id=record_id, studies=studies, eligibility=eligibility,
                    to_fill=tuple(to_fill))
