"""``living-review prisma``: the PRISMA 2020 counts (``--json``) or flow diagram (``--out``).

Counts are computed from ``data/search`` (records, merge log, screening log, previous
version); the valid study ids are the ``study_id`` column of ``data/studies.csv``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from living_review.cli import describe_error


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "prisma", help="PRISMA 2020 counts (--json) or flow diagram",
        description="The PRISMA 2020 counts of this update, computed from data/search (records, merge log, "
                    "screening log, previous version): as JSON, or drawn as the flow diagram. Mid-screening, the "
                    "records not yet screened are counted as awaiting screening and listed.")
    parser.add_argument("--json", action="store_true", help="print every count of the diagram as JSON")
    parser.add_argument("--out", type=Path, help="figure file; .png, .pdf or .svg (default _build/prisma_flow.png)")
    parser.add_argument("--search-dir", type=Path, help="folder with the search logs (default data/search)")
    parser.set_defaults(func=run)


def study_ids(data_dir: Path) -> list[str]:
    """Study ids of the study data: through the evidence loader when available, else the CSV column."""
    try:
        from living_review.data import load_evidence
    except ImportError:
        load_evidence = None
    if load_evidence is not None:
        return load_evidence(data_dir).studies["study_id"].astype(str).tolist()
    from living_review.core.encoding import read_frame

    return read_frame(data_dir / "studies.csv", "data/studies.csv")["study_id"].tolist()


def run(args: argparse.Namespace) -> int:
    from living_review.core.paths import build_dir, data_dir
    from living_review.search.prisma import load_prisma

    try:
        root = data_dir()
        counts = load_prisma(args.search_dir or root / "search", study_ids(root))
    except (ValueError, FileNotFoundError) as err:
        print(describe_error(err)[0], file=sys.stderr)
        return 1
    if counts.awaiting_ids:
        from living_review.core.words import count

        print(f"note: mid-screening: {count(counts.records_awaiting_screening, 'record')} not yet screened and "
              f"{count(counts.reports_awaiting_assessment, 'report')} not yet assessed at full text; the diagram "
              "counts them as "
              f"awaiting: {', '.join(counts.awaiting_ids)}", file=sys.stderr)
    if args.json:
        print(json.dumps(counts.as_dict(), indent=2))
        return 0
    from living_review.search.prisma_figure import save_prisma_figure

    out = args.out or build_dir() / "prisma_flow.png"
    save_prisma_figure(counts, out)
    print(f"PRISMA 2020 flow diagram: {out}")
    return 0
