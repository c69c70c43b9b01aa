"""What the search-and-selection chapter and the PRISMA checklist page print.

The counts come from :func:`living_review.search.prisma.load_prisma` (record-level logs),
the study list from the study data, the exclusions from the screening log and the checklist
from ``data/search/prisma2020_checklist.csv``. This module only arranges them for the page.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import yaml

from living_review.core.encoding import read_frame
from living_review.core.markup import join, role
from living_review.core.paths import data_dir, project_root
from living_review.report.dictionary import latex_columns
from living_review.report.tables import markdown_source
from living_review.search.prisma import PrismaCounts
from living_review.search.screening import exclusion_table

_DESIGN = {"prospective_trial": "Prospective trial", "retrospective_cohort": "Retrospective cohort",
           "prospective_observational": "Prospective observational study",
           "post_marketing_surveillance": "Post-marketing surveillance"}
_ROLE = {"atc_monotherapy": "ATC monotherapy: pooled",
         # as the methods say: a regimen is pooled only once two independent cohorts report it
         "atc_combination": "Combination: by regimen, apart from monotherapy",
         "other_histology": "Other histology: not pooled with ATC"}
CHECKLIST_COLUMNS = ("item", "section", "topic", "item_text", "reported_in", "location", "status")
CHECKLIST_STATUS = ("reported", "partly reported", "not done")


def prisma_numbers(counts: PrismaCounts) -> dict[str, int]:
    """The counts the chapter's prose cites, by name (all integers, from ``counts``).

    Keys: ``previous_studies``, ``previous_records``, ``previous_assessed``, ``database_results``,
    ``other_results``, ``website_results``, ``citations_results``, ``duplicates``,
    ``previously_included``, ``assessed``, ``excluded``, ``new_studies``, ``new_reports``,
    ``new_cohorts``, ``total_studies``, ``total_reports``.
    """
    excluded = sum(counts.other_excluded.values()) + sum(counts.dbr_excluded.values())
    return {
        "previous_studies": counts.previous_studies,
        "previous_records": counts.previous_version.records_identified,
        "previous_assessed": counts.previous_version.reports_assessed,
        "database_results": counts.database_results + counts.register_results,
        "other_results": counts.other_results,
        "website_results": counts.website_results,
        "citations_results": counts.citations_results,
        "duplicates": counts.duplicates + counts.other_duplicates,
        "previously_included": counts.other_previously_included,
        "assessed": counts.dbr_assessed + counts.other_assessed,
        "excluded": excluded,
        "new_studies": counts.new_studies,
        "new_reports": counts.new_reports,
        "new_cohorts": counts.new_cohorts,
        "total_studies": counts.total_studies,
        "total_reports": counts.total_reports,
    }


def _n(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def prisma_alt(counts: PrismaCounts) -> str:
    """The alt text of the PRISMA flow diagram: what it shows, with every count it prints in words."""
    n = prisma_numbers(counts)
    return (
        "PRISMA 2020 flow diagram in three columns: the previous version, databases and registers, and other "
        f"methods. Previous version: {_n(n['previous_studies'], 'study', 'studies')} included. This update: "
        f"{_n(n['database_results'], 'record', 'records')} from databases and registers and "
        f"{_n(n['other_results'], 'record', 'records')} from other methods ({n['website_results']} from websites "
        f"and registries, {n['citations_results']} by citation searching); {_n(n['duplicates'], 'duplicate', 'duplicates')} "
        f"removed; {_n(n['assessed'], 'report', 'reports')} assessed for eligibility, {n['excluded']} excluded; "
        f"{_n(n['new_reports'], 'report', 'reports')} of {_n(n['new_studies'], 'new study', 'new studies')} included. "
        f"In total the review includes {_n(n['total_studies'], 'study', 'studies')} "
        f"({_n(n['total_reports'], 'report', 'reports')})."
    )


def _role(row, kept: dict[str, str]) -> str:
    role = _ROLE.get(row.pooling_role, str(row.pooling_role).replace("_", " "))
    if row.pooling_role == "atc_monotherapy" and pd.notna(row.overlap_group) and not bool(row.overlap_keep):
        # readers know the cohort that represents the group, not the group's code
        by = kept.get(row.overlap_group)
        role = (f"ATC monotherapy: may share patients with {by}, which is pooled instead" if by else
                "ATC monotherapy: overlapping cohort, not pooled")
    return role


def included_table(studies: pd.DataFrame) -> pd.DataFrame:
    """Included cohorts, one row each in publication order, with a citation for the book.

    Columns: Study (label and ``{cite:p}`` role of its study id), Design, Drug (with the
    combination partner), N (enrolled), Role (how it enters the analyses) and Version
    ("Cao 2024" for the previous version's studies, "update" for the new ones).
    """
    need = {"study_id", "label", "design", "drug", "combination_partner", "n_enrolled", "pooling_role",
            "overlap_group", "overlap_keep", "in_previous_version", "pub_order"}
    missing = need - set(studies.columns)
    if missing:
        raise ValueError(f"studies table lacks column(s) {sorted(missing)}; pass Evidence.studies")
    keep = [pd.notna(g) and pd.notna(k) and bool(k) for g, k in zip(studies["overlap_group"], studies["overlap_keep"])]
    keepers = studies[keep]
    kept = dict(zip(keepers["overlap_group"], keepers["label"]))
    rows = []
    for r in studies.sort_values("pub_order").itertuples(index=False):
        drug = r.drug if pd.isna(r.combination_partner) else f"{r.drug} + {r.combination_partner}"
        rows.append({"Study": join([r.label, role("cite:p", str(r.study_id))], " "),
                     "Design": _DESIGN.get(r.design, str(r.design).replace("_", " ")),
                     "Drug": drug, "Role": _role(r, kept),
                     # the enrolled number, or the evaluable one (marked) where enrolment is not stated
                     "N": str(int(r.n_enrolled)) if pd.notna(r.n_enrolled) else f"{int(getattr(r, 'n_evaluable_response'))} evaluable",
                     "Version": "Cao 2024" if bool(r.in_previous_version) else "update"})
    return pd.DataFrame(rows, columns=["Study", "Design", "Drug", "N", "Role", "Version"])


# the search records mark a description written in place of a title not shown in the pages
# read ("[title not recorded ...]", "[not itemised in the addendum]"): the report is then cited
# with its subject in square brackets, the convention for a title supplied by the citer (the
# methods say so once)
_NO_TITLE = re.compile(r"^\[(?:title not recorded|not itemised)[^\]]*\]\s*")


def _field(row, name: str) -> str:
    value = getattr(row, name, "")
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value).strip()


def _supplied_title(subject: str, who: str, journal: str, year: str) -> str:
    """The subject of a described record, without the author and journal it repeats, in brackets."""
    if who and subject.startswith(who + ","):
        subject = subject[len(who) + 1:].strip()
    tails = [f", {journal} {year}" if journal and year else "", f", {journal}" if journal else "",
             f", {year}" if year else ""]
    for tail in filter(None, tails):
        if subject.endswith(tail):
            subject = subject[: -len(tail)].rstrip()
            break
    if len(subject) > 88:
        subject = subject[:85].rstrip() + "..."
    return f"[{subject[:1].upper()}{subject[1:]}]"


def _report_name(row) -> str:
    """A report as cited in the excluded-reports table: first author, year: title; journal, identifier."""
    title = _field(row, "title")
    described = bool(_NO_TITLE.match(title))
    title = _NO_TITLE.sub("", title)
    who = _field(row, "authors").split(";")[0].strip()
    year, journal = _field(row, "year"), _field(row, "journal")
    if described:
        title = _supplied_title(title, who, journal, year)
    elif len(title) > 90:
        title = title[:87].rstrip() + "..."
    lead = ", ".join(p for p in (who, year) if p)
    cited = f"{lead}: {title}" if lead else title
    if described:
        doi, pmid = _field(row, "doi"), _field(row, "pmid")
        where = "; ".join(p for p in (journal, f"doi:{doi}" if doi else "", f"PMID {pmid}" if pmid and not doi else "") if p)
        cited += f". {where}" if where else ""
    return cited


def excluded_table(records: pd.DataFrame, log: pd.DataFrame) -> pd.DataFrame:
    """Reports excluded at full text, with their reason, for the chapter's table.

    Parameters
    ----------
    records, log : the records table and the screening log of the update.

    Returns
    -------
    DataFrame with columns Report (first author, year: title, shortened to 90 characters),
    Reason (controlled label) and Note (the screening log's note), sorted by reason.
    """
    table = exclusion_table(records, log, "full_text")
    extra = [c for c in ("journal", "doi", "pmid") if c in records.columns]
    if extra:  # where the report was published, for a record whose title is described
        table = table.merge(records[["record_id", *extra]].drop_duplicates("record_id"), on="record_id", how="left")
    return pd.DataFrame({"Report": [_report_name(r) for r in table.itertuples(index=False)],
                         "Reason": table["reason"].to_numpy(),
                         "Note": table["note"].replace("", "–").to_numpy()})


def _toc_docnames(root: Path) -> set[str]:
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    names = {toc["root"]}
    stack = list(toc.get("parts", [])) + list(toc.get("chapters", []))
    while stack:
        entry = stack.pop()
        if "file" in entry:
            names.add(entry["file"])
        stack.extend(entry.get("chapters", []))
        stack.extend(entry.get("sections", []))
    return names


def read_checklist(path: str | Path | None = None, *, root: Path | None = None) -> pd.DataFrame:
    """Read the PRISMA 2020 checklist of this review and check it.

    Parameters
    ----------
    path : the CSV (default ``data/search/prisma2020_checklist.csv``); columns
        :data:`CHECKLIST_COLUMNS`: ``item`` (e.g. "13d"), ``section``, ``topic``, ``item_text``
        (the item, shortened), ``reported_in`` (book pages, ``;``-separated document names
        of ``_toc.yml``), ``location`` (section of that page), ``status`` (one of
        :data:`CHECKLIST_STATUS`).
    root : project root whose ``_toc.yml`` lists the pages (default: this project).

    Returns
    -------
    DataFrame in file order.

    Raises
    ------
    ValueError naming the CSV line and column: missing columns, duplicate or empty item,
    status outside the closed set, or a page that is not in the book's table of contents.
    """
    path = Path(path) if path else data_dir() / "search" / "prisma2020_checklist.csv"
    frame = read_frame(path, path.name)
    missing = [c for c in CHECKLIST_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"{path.name}: missing column(s) {missing}; expected {list(CHECKLIST_COLUMNS)}")
    pages = _toc_docnames(root or project_root())
    seen = set()
    for line, row in enumerate(frame.itertuples(index=False), start=2):
        at = f"{path.name}, line {line}"
        if not row.item or row.item in seen:
            raise ValueError(f"{at}: item {row.item!r} is empty or repeated; give each checklist item once")
        seen.add(row.item)
        if row.status not in CHECKLIST_STATUS:
            raise ValueError(f"{at}: status {row.status!r} not allowed; choose one of {list(CHECKLIST_STATUS)}")
        for page in filter(None, (p.strip() for p in row.reported_in.split(";"))):
            if page not in pages:
                raise ValueError(f"{at}: reported_in {page!r} is not a page of _toc.yml; use one of {sorted(pages)}")
        if row.status != "not done" and not row.reported_in.strip():
            raise ValueError(f"{at}: item {row.item} is '{row.status}' but names no page in reported_in")
    return frame


def checklist_table(checklist: pd.DataFrame) -> pd.DataFrame:
    """The checklist as the page prints it: Item, Topic, Checklist item, Where reported, Status.

    "Where reported" links each page with a ``{doc}`` role followed by the section name.
    """
    where = []
    for r in checklist.itertuples(index=False):
        links = [role("doc", f"/{p.strip()}") for p in r.reported_in.split(";") if p.strip()]
        text = join(links) if links else "–"
        where.append(join([text, r.location], ": ") if r.location and links else join([r.location or text]))
    return pd.DataFrame({"Item": checklist["item"], "Topic": checklist["topic"],
                         "Checklist item": checklist["item_text"], "Where reported": where,
                         "Status": checklist["status"]})


def checklist_source(table: pd.DataFrame, *, caption: str, name: str) -> str:
    """MyST source of a :func:`checklist_table` with PDF column widths, so the long table wraps on the page."""
    return latex_columns((0.06, 0.17, 0.28, 0.3, 0.13)) + markdown_source(table, caption=caption, name=name)
