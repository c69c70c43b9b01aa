"""``living-review verify VERSION``: rebuild a release from its commit and check its checksums.

Finds the release's commit (the commit recorded in ``releases/<VERSION>/summary.json``,
checked against the tag ``v<VERSION>`` when the clone has it; a clone without tags
verifies as well), builds it in a temporary git worktree exactly as ``make release`` does, with a fresh
environment of the commit's pinned requirements (or this one, when every pin is what is
installed here), and compares every file listed in ``releases/<VERSION>/SHA256SUMS``.
Prints pass or fail per file, and for ``summary.json`` the first field that differs; then
the release's numerical environment (BLAS library, version, kernel and threads, numpy and
its SIMD features, CPU, Python, TeX) beside the rebuild's.

Exit status, one per outcome:

  0  identical: every checksum matches, bit for bit;
  3  within tolerance: every published number is equal within 1e-9 relative (1e-12
     absolute), and the bytes differ only in the files named (from the release's
     MANIFEST.tsv, or from its archive when that is in releases/VERSION/), with the
     environment difference that explains it and the settings for bit for bit;
  1  numbers differ (or the rebuild failed);
  2  the release or its commit cannot be found (never released, the tag and the summary
     disagree, or the commit is not in this clone, e.g. a shallow one: the message says
     how to fetch it).

Releases before 1.3.0 recorded no environment and no manifest: verify says so.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from living_review.core.markup import plain


def run(args: argparse.Namespace) -> int:
    from living_review.core.paths import project_root
    from living_review.release.verify import verify

    root = project_root()
    try:
        report = verify(args.release_version, root, workdir=Path(args.workdir) if args.workdir else None,
                        reuse=False if args.fresh_env else None, keep=args.keep,
                        say=lambda line: print(line, flush=True))
    except ValueError as error:
        print(f"verify {args.release_version}: {error}", file=sys.stderr)
        return 2
    except RuntimeError as error:
        print(f"verify {args.release_version}: the rebuild failed: {error}", file=sys.stderr)
        return 1
    print(report.summary())
    return report.exit_status


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "verify", help="rebuild a release from its commit and check every published checksum",
        description=plain(__doc__), formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("release_version", metavar="VERSION", help="the released version, e.g. 1.1.0")
    parser.add_argument("--fresh-env", action="store_true",
                        help="install the commit's pinned requirements into a fresh environment even when they are "
                             "the ones installed here")
    parser.add_argument("--workdir", metavar="DIR", default=None,
                        help="build in DIR (default: a new temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the worktree and build log for inspection")
    parser.set_defaults(func=run)
