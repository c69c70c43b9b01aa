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

from living_review.cli import describe_error


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "screen", help="screen new search records (prompt or CSV round trip)",
        description="Screen the records that await your decision, at the prompt (one record at a time: title, "
                    "authors, identifiers, why it matched, abstract) or through a spreadsheet (--export, then "
                    "--import). Every decision goes to data/search/screening_decisions.csv (commit it); the "
                    "decisions two reviewers agree on, and those settled with --resolve, go to screening_log.csv, "
                    "which the PRISMA counts read.")
    parser.add_argument("--reviewer", help="your initials (2 to 4 letters); required to record decisions")
    parser.add_argument("--stage", default="title_abstract", choices=["title_abstract", "full_text"],
                        help="screening stage (default title_abstract; full_text for the records included at it)")
    parser.add_argument("--date", help="date of the decisions, YYYY-MM-DD (default today)")
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


def _day(text: str) -> str:
    """The ``--date`` of the decisions: a real ISO date, not after today."""
    from living_review.core.dates import build_date

    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"--date {text!r} is not a real date YYYY-MM-DD (check day and month)") from None
    if day > build_date():
        raise ValueError(f"--date {text} is after today, {build_date().isoformat()} (a decision cannot be dated in "
                         "the future; omit --date for today)")
    return day.isoformat()


def run(args: argparse.Namespace) -> int:
    from living_review.core.paths import data_dir
    from living_review.search.decisions import check_reviewer

    try:
        folder = data_dir() / "search"
        reviewer = check_reviewer(args.reviewer) if args.reviewer else None
        if args.simulate:
            return _simulate(args, folder)
        if (args.import_ or args.resolve or not (args.export or args.conflicts)) and not reviewer:
            raise ValueError("give --reviewer with your initials to record decisions")
        date = _day(args.date) if args.date else dt.date.today().isoformat()
        for name, path in (("--export", args.export), ("--import", args.import_)):
            if path is not None and not path.parent.is_dir():
                raise ValueError(f"{name} {path}: the folder {path.parent} does not exist (create it, or give "
                                 "another path)")
        if args.import_ is not None and not args.import_.is_file():
            raise ValueError(f"--import {args.import_}: no such file (give the CSV written by --export)")
        return _run(args, folder, reviewer, date)
    except (ValueError, FileNotFoundError) as err:
        print(describe_error(err)[0], file=sys.stderr)
        return 1


def _run(args, folder: Path, reviewer: str | None, date: str) -> int:
    from living_review.search.decisions import DECISIONS_FILE, append_decisions, read_decisions
    from living_review.search.queue import export_queue, import_decisions

    if args.conflicts:
        conflicts = _sync(folder).conflicts
        print(conflicts.to_string(index=False) if len(conflicts) else "no conflicts")
        return 0
    if args.import_:
        from living_review.search.records import read_records

        known = set(read_records(folder / "records.csv")["record_id"])
        rows = import_decisions(args.import_, reviewer=reviewer, date=date, known=known)
        append_decisions(folder / DECISIONS_FILE, rows)
        from living_review.core.words import count

        print(f"{args.import_}: {count(len(rows), 'decision')} of {reviewer} recorded")
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
        from living_review.search.queue import how_to_fill
        from living_review.core.words import count

        print(f"{args.export}: {count(len(queue), 'record')} to screen at {args.stage}, in {message}")
        print(f"fill in {how_to_fill(args.stage)}; then: living-review screen --reviewer {reviewer or 'XX'} "
              f"--stage {args.stage} --import {args.export}")
        return 0
    from living_review.core.words import count

    print(f"{count(len(queue), 'record')} await{'s' if len(queue) == 1 else ''} {reviewer}'s decision at {args.stage}")
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
    from living_review.core.paths import project_root
    from living_review.search.tracking import untracked_data, untracked_message

    waiting = untracked_data(project_root(), "data/search")
    if waiting:
        print(f"note: {untracked_message(waiting)}")
    return resolution


def _resolve(folder: Path, reviewer: str, date: str) -> int:
    from living_review.search.decisions import DECISIONS_FILE, append_decisions

    from living_review.search.records import read_records
    from living_review.core.words import count

    conflicts = _sync(folder).conflicts
    records = read_records(folder / "records.csv").set_index("record_id")
    print(f"{count(len(conflicts), 'conflict')} to resolve")
    for row in conflicts.itertuples(index=False):
        print(f"--- {row.record_id} at {row.stage}: {row.decisions}")
        if row.record_id in records.index:
            rec = records.loc[row.record_id]
            print(textwrap.fill(rec["title"], 88))
            print(f"Authors: {rec['authors'] or '-'}; {rec['journal'] or '-'} {rec['year']}")
            print("Abstract:")
            print(textwrap.fill(rec["abstract"], 88, initial_indent="  ", subsequent_indent="  ")
                  if rec["abstract"] else "  (no abstract)")
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
