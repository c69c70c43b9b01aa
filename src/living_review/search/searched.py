"""What this update searched, computed from the records and the runs (never typed).

The pages say which bibliographic databases and registers the update searched from the
records table (every record of a database or register, :func:`~living_review.search.records.source_kind`),
the run manifests of ``search run`` (the query as sent and its dates) and the import log of
``search import``, so that they agree with the PRISMA diagram, which counts the same records.
``this_update.databases`` of ``search_strategy.yaml`` may describe a search in words; a source
found in the records and not listed there is added with what the records say.
"""

from __future__ import annotations

import copy
from pathlib import Path

from living_review.core.words import count


def searched_sources(search_dir: str | Path) -> list[dict]:
    """One entry per database or register that gave records: ``name``, ``search_date``, ``terms``, ``n_records``, ``kind``.

    ``[]`` when the folder has no records table (nothing was searched, or a partial copy).
    """
    from living_review.search.import_log import LOG_NAME, read_import_log
    from living_review.search.records import read_records, source_kind
    from living_review.search.run import run_manifests

    folder = Path(search_dir)
    if not (folder / "records.csv").is_file():
        return []
    records = read_records(folder / "records.csv")
    kinds = records["source"].map(source_kind)
    runs = run_manifests(folder) if (folder / "runs").is_dir() else []
    imports = read_import_log(folder / LOG_NAME)
    out = []
    for source, rows in records[kinds.isin(["database", "register"])].groupby("source", sort=True):
        dates = sorted(set(rows["search_date"]))
        what = [f"saved search, run {m['run_id']} ({m['date_field']} {m['start']} to {m['end']}): {m['query']}"
                for m in runs if m.get("source") == source]
        files = sorted({e["file"] for e in imports if source in str(e.get("source", "")).split("; ")})
        if files:
            what.append(f"export imported ({', '.join(files)})")
        if not what:
            what.append("records imported into the records table")
        out.append({"name": source, "search_date": dates[-1] if len(dates) == 1 else f"{dates[0]} to {dates[-1]}",
                    "terms": "; ".join(what), "n_records": len(rows), "kind": source_kind(source)})
    return out


def with_searched(update: dict, search_dir: str | Path) -> dict:
    """``this_update`` with the databases the records show added to ``databases`` (those listed by name kept)."""
    out = copy.deepcopy(update or {})
    listed = {str(d.get("name", "")).strip().lower() for d in out.get("databases") or []}
    extra = [s for s in searched_sources(search_dir) if s["name"].strip().lower() not in listed]
    out["databases"] = [*(out.get("databases") or []), *extra]
    return out


def identification_sentence(databases: list[dict], n_dbr: int) -> str:
    """The opening of "How the records were identified" (chapter 04), from :func:`with_searched`'s databases."""
    if not databases:
        return (f"This update did not search a bibliographic database: the databases-and-registers column holds "
                f"{n_dbr} records.")
    names = "; ".join(f"{d['name']} ({d.get('search_date', 'date not recorded')})" for d in databases)
    return (f"This update searched {count(len(databases), 'database or register', 'databases or registers')}: "
            f"{names}; the databases-and-registers column holds {count(n_dbr, 'record')}.")


def completeness_sentence(databases: list[dict]) -> str:
    """What the search allows to claim (chapter 04 and the methods' limitations)."""
    if not databases:
        return ("Because no database was searched, this update cannot claim completeness: the diagram shows "
                "honestly what was done, and the next update is planned to add database searches.")
    return ("The databases and registers searched and their search statements are listed in the methods; "
            "records from other sources than those listed may have been missed.")


def search_limitation(databases: list[dict]) -> str:
    """The "Search" limitation of the methods chapter."""
    if not databases:
        return ("No bibliographic database was searched in this update, which relies on hand search and citation "
                "tracking; its set of new studies may be incomplete.")
    return (f"The update searched {', '.join(d['name'] for d in databases)} besides hand search and citation "
            "tracking; studies indexed only in other sources may have been missed.")


def checklist_search_note(databases: list[dict]) -> str:
    """How PRISMA item 7 (search strategy) stands, for the checklist page."""
    if not databases:
        return "the update did not search bibliographic databases, so there is no database syntax to report for it"
    return ("the search statement of each database or register searched is listed with its date in the methods "
            "(the query as sent for a saved search, the export file for an imported one)")
