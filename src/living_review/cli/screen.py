"""``living-review screen``: screen the queue at a prompt, or round-trip it through a CSV.

``living-review screen --reviewer AB [--stage title_abstract|full_text]``
    shows each record awaiting a decision (title, authors, journal, identifiers, why it was
    matched, abstract) and asks ``[i]nclude, [e]xclude, [s]kip, [q]uit``; an exclusion asks
    for a reason from the controlled list, a full-text inclusion for its study ids. Each
    answer is written at once to ``screening_decisions.csv``.
``--export CSV`` writes the queue for a spreadsheet; ``--import CSV`` reads it back.
``--conflicts`` lists the conflicts; ``--resolve`` asks for the decision that settles each.
``--order relevance`` screens the queue by a relevance model trained on the decisions so far
(:mod:`living_review.search.relevance`), refitted after each decision at the prompt; the
export then carries each record's rank, score and top terms. The default is the recorded order.
``--simulate`` replays the recorded decisions under the model's, the recorded and random
orders and prints the records read to find the inclusions (:mod:`living_review.search.simulation`);
``--curve CSV`` writes the recall curve.

After every change the resolved decisions are written into ``screening_log.csv``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import textwrap
from pathlib import Path

import pandas as pd


def register(subparsers) -> None:
    parser = subparsers.add_parser("screen", help="screen new search records (prompt or CSV round trip)")
    parser.add_argument("--reviewer", help="your initials (2 to 4 letters); required to record decisions")
    parser.add_argument("--stage", default="title_abstract", choices=["title_abstract", "full_text"])
    parser.add_argument("--date", help="date of the decisions (default today)")
    parser.add_argument("--export", type=Path, metavar="CSV", help="write the queue to a CSV and stop")
    parser.add_argument("--import", dest="import_", type=Path, metavar="CSV", help="read decisions from a CSV")
    parser.add_argument("--conflicts", action="store_true", help="list the conflicts and stop")
    parser.add_argument("--resolve", action="store_true", help="settle each conflict at the prompt")
    parser.add_argument("--order", default="recorded", choices=["recorded", "relevance"],
                        help="order of the queue (default: recorded)")
    parser.add_argument("--simulate", action="store_true", help="replay the recorded decisions by order and stop")
    parser.add_argument("--shuffles", type=int, default=100, help="random orders averaged by --simulate (default 100)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the random orders (default 1)")
    parser.add_argument("--curve", type=Path, metavar="CSV", help="with --simulate: write the recall curve")
    parser.set_defaults(func=run)


def _ask(prompt: str) -> str:
    try:
        return input(prompt).strip()
    except EOFError:
        return "q"


def _card(rec, k: int, n: int) -> str:
    score = getattr(rec, "relevance_score", float("nan"))
    rank = f"Relevance: score {score:+.2f}, raised by {rec.relevance_terms or 'no term'}" if pd.notna(score) else ""
    ids = ", ".join(f"{name} {value}" for name, value in (("DOI", rec.doi), ("PMID", rec.pmid)) if value)
    abstract = textwrap.fill(rec.abstract, 88, initial_indent="  ", subsequent_indent="  ") if rec.abstract else "  (no abstract)"
    return "\n".join([f"--- {k}/{n}  {rec.record_id}  [{rec.source}, {rec.year or 'no year'}]",
                      textwrap.fill(rec.title, 88), f"Authors: {rec.authors or '-'}",
                      f"Journal: {rec.journal or '-'}", f"Identifiers: {ids or '-'}",
                      f"Why matched: {rec.why_matched}", *([rank] if rank else []), "Abstract:", abstract])


def _decide(stage: str) -> dict | None:
    """One decision from the prompt: ``None`` to skip, ``{}`` to quit."""
    from living_review.search.screening import EXCLUSION_REASONS

    codes = list(EXCLUSION_REASONS)
    while True:
        answer = _ask("[i]nclude, [e]xclude, [s]kip, [q]uit: ").lower()
        if answer in ("q", "quit"):
            return {}
        if answer in ("s", "skip", ""):
            return None
        if answer in ("i", "include"):
            ids = _ask("study ids (;-separated): ") if stage == "full_text" else ""
            return {"decision": "include", "reason": "", "study_ids": ids}
        if answer in ("e", "exclude"):
            print("\n".join(f"  {k}. {c}: {EXCLUSION_REASONS[c]}" for k, c in enumerate(codes, 1)))
            pick = _ask("reason (number or code): ")
            code = codes[int(pick) - 1] if pick.isdigit() and 1 <= int(pick) <= len(codes) else pick
            if code in EXCLUSION_REASONS:
                return {"decision": "exclude", "reason": code, "study_ids": ""}
            print(f"  {pick!r} is not a reason of the list; answer again")
        else:
            print("  answer i, e, s or q")


def run(args: argparse.Namespace) -> int:
    from living_review.paths import data_dir
    from living_review.search.decisions import check_reviewer

    try:
        folder = data_dir() / "search"
        reviewer = check_reviewer(args.reviewer) if args.reviewer else None
        if args.simulate:
            return _simulate(args, folder)
        if (args.import_ or args.resolve or not (args.export or args.conflicts)) and not reviewer:
            raise ValueError("give --reviewer with your initials to record decisions")
        date = dt.date.fromisoformat(args.date).isoformat() if args.date else dt.date.today().isoformat()
        return _run(args, folder, reviewer, date)
    except (ValueError, FileNotFoundError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1


def _run(args, folder: Path, reviewer: str | None, date: str) -> int:
    from living_review.search.decisions import DECISIONS_FILE, append_decisions, read_decisions
    from living_review.search.queue import export_queue, import_decisions

    if args.conflicts:
        conflicts = _sync(folder).conflicts
        print(conflicts.to_string(index=False) if len(conflicts) else "no conflicts")
        return 0
    if args.import_:
        rows = import_decisions(args.import_, reviewer=reviewer, date=date)
        append_decisions(folder / DECISIONS_FILE, rows)
        print(f"{args.import_}: {len(rows)} decisions of {reviewer} recorded")
        print(_sync(folder).summary())
        return 0
    if args.resolve:
        return _resolve(folder, reviewer, date)
    from living_review.search.records import read_records

    queue = _queue(folder, args.stage, reviewer)
    records, labels = read_records(folder / "records.csv"), _labels(folder, reviewer)
    if args.export:
        ordered, message = _ordered(records, queue, labels, args.order)
        export_queue(ordered if args.order == "relevance" else queue, args.export)
        print(f"{args.export}: {len(queue)} records to screen at {args.stage}, in {message}")
        return 0
    print(f"{len(queue)} records await {reviewer}'s decision at {args.stage}")
    seen: set[str] = set()
    while len(seen) < len(queue):
        ordered, message = _ordered(records, queue[~queue["record_id"].isin(seen)], labels, args.order)
        if not seen:
            print(f"order: {message}" + ("; refitted after each decision" if args.order == "relevance" else ""))
        rec = next(ordered.itertuples(index=False))
        seen.add(rec.record_id)
        print(_card(rec, len(seen), len(queue)))
        choice = _decide(args.stage)
        if choice == {}:
            break
        if choice is None:
            continue
        row = {"record_id": rec.record_id, "stage": args.stage, "date": date, "note": "",
               "reviewer": reviewer, "role": "screen", **choice}
        append_decisions(folder / DECISIONS_FILE, pd.DataFrame([row]))
        if args.stage == "title_abstract":
            labels[rec.record_id] = int(choice["decision"] == "include")
    read_decisions(folder / DECISIONS_FILE)
    print(_sync(folder).summary())
    return 0


def _queue(folder: Path, stage: str, reviewer: str | None) -> pd.DataFrame:
    from living_review.search.decisions import DECISIONS_FILE, read_decisions
    from living_review.search.dedupe import read_merge_log
    from living_review.search.queue import manifests_by_run, screening_queue
    from living_review.search.records import read_records
    from living_review.search.run import run_manifests
    from living_review.search.screening import read_screening_log

    merge_path = folder / "merge_log.csv"
    if not merge_path.exists():
        raise FileNotFoundError(f"{merge_path} not found; run `living-review search dedupe` first")
    return screening_queue(read_records(folder / "records.csv"), read_merge_log(merge_path),
                           read_screening_log(folder / "screening_log.csv"),
                           read_decisions(folder / DECISIONS_FILE),
                           manifests_by_run(run_manifests(folder)), stage=stage, reviewer=reviewer)


def _labels(folder: Path, reviewer: str | None) -> dict[str, int]:
    from living_review.search.decisions import DECISIONS_FILE, read_decisions
    from living_review.search.relevance import decision_labels
    from living_review.search.screening import read_screening_log

    return decision_labels(read_screening_log(folder / "screening_log.csv"),
                           read_decisions(folder / DECISIONS_FILE), reviewer)


def _ordered(records: pd.DataFrame, queue: pd.DataFrame, labels: dict[str, int],
             order: str) -> tuple[pd.DataFrame, str]:
    """The queue in ``order``, with its rank columns, and what ordered it."""
    from living_review.search.relevance import apply_ranking, rank_records

    ranking = rank_records(queue, records, labels, order=order)
    return apply_ranking(queue, ranking), ranking.message


def _simulate(args, folder: Path) -> int:
    from living_review.search.simulation import simulate_folder

    result = simulate_folder(folder, shuffles=args.shuffles, seed=args.seed)
    print(result.summary())
    if args.curve:
        result.curve().to_csv(args.curve, index=False)
        print(f"{args.curve}: recall curve, {result.n_records} rows")
    return 0


def _sync(folder: Path):
    """Write the resolved decisions into the screening log; return the resolution."""
    from living_review.search.decisions import DECISIONS_FILE, merge_into_log, read_decisions, resolve
    from living_review.search.screening import read_screening_log
    from living_review.search.sources import reviewers_per_record

    resolution = resolve(read_decisions(folder / DECISIONS_FILE),
                         reviewers_per_record(folder / "search_strategy.yaml"))
    log_path = folder / "screening_log.csv"
    merged = merge_into_log(read_screening_log(log_path), resolution)
    tmp = log_path.with_name(".screening_log.csv.partial")
    merged.to_csv(tmp, index=False)
    tmp.replace(log_path)
    return resolution


def _resolve(folder: Path, reviewer: str, date: str) -> int:
    from living_review.search.decisions import DECISIONS_FILE, append_decisions

    conflicts = _sync(folder).conflicts
    print(f"{len(conflicts)} conflicts to resolve")
    for row in conflicts.itertuples(index=False):
        print(f"--- {row.record_id} at {row.stage}: {row.decisions}")
        choice = _decide(row.stage)
        if choice == {}:
            break
        if choice is None:
            continue
        append_decisions(folder / DECISIONS_FILE, pd.DataFrame([{
            "record_id": row.record_id, "stage": row.stage, "date": date, "note": "",
            "reviewer": reviewer, "role": "resolve", **choice}]))
    print(_sync(folder).summary())
    return 0
