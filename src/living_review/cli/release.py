"""``living-review release``: check, then write the summary, the archive and the checksums.

The release folder ``releases/<version>/`` receives ``summary.json``,
``living-review-<version>.tar.gz``, ``MANIFEST.tsv`` (every file of the archive with its size
and SHA-256), ``environment.json`` (the numerical environment the release was computed in:
BLAS library, version, kernel and threads, numpy and its SIMD features, CPU, Python, TeX) and
``SHA256SUMS`` (of every file but the environment record). Nothing is written when the guard
refuses (uncommitted changes, a version mismatch, invalid data or failing tests), when
the ledger holds an estimate not recomputed from the current inputs, or when the version
was already released with a different summary (a published version never changes);
the command then prints every reason and exits 1. ``--check`` runs the guard only.

``--scope NAME`` picks a release scope of ``review.yml`` (which estimates and studies the
summary holds, and its headline conclusions; see :mod:`living_review.versions.scopes`).
``--summary-only`` writes the summary and its checksum without the site archive: for a
version that records a subset of the book (the reproduction of the previous version), an
archive of the whole site would misstate what that version published.

``--tag`` (which ``make release`` passes) tags the commit ``v<version>`` once the files are
written, so that a citation of the version names a commit (``living-review verify``
rebuilds it). ``make release`` runs the whole build with ``SOURCE_DATE_EPOCH`` set to the
commit's date, so the same commit gives the same bytes on any machine.
"""

from __future__ import annotations

import argparse
import sys

from living_review._version import __version__
from living_review.core.markup import plain
from living_review.core.paths import project_root


def run(args: argparse.Namespace) -> int:
    # imported here so that other sub-commands do not pay for pandas at start-up
    from living_review.release.archive import write_archive, write_checksums
    from living_review.release.environment import write_environment
    from living_review.release.manifest import write_manifest
    from living_review.release.guard import ReleaseRefused, check_release, tag_release
    from living_review.versions.summary import SUMMARY_FILE, build_summary, release_dir, write_summary

    from living_review.versions.scopes import load_release_config

    root = project_root()
    version = args.release_version or __version__
    try:
        load_release_config(root / "review.yml").scope(args.scope)  # a wrong name fails before the checks
    except ValueError as error:
        print(f"release {version} refused: {error}", file=sys.stderr)
        return 1
    report = check_release(root, version=args.release_version, run_tests=not args.skip_tests)
    print(report.summary())
    if not report.ok:
        print("nothing written: fix the problems above and run 'make release' again", file=sys.stderr)
        return 1
    if args.check:
        return 0
    try:
        summary = build_summary(root, version, args.scope)
        existing = release_dir(version, root) / SUMMARY_FILE
        if existing.is_file() and existing.read_text(encoding="utf-8") != summary.to_json():
            raise ValueError(
                f"{existing.relative_to(root).as_posix()} already exists with other content; "
                "a released version never changes: bump the version in src/living_review/_version.py"
            )
        archive = None if args.summary_only else write_archive(version, root)
        manifest = None if archive is None else write_manifest(archive)
        path = write_summary(root, version, args.scope)
    except (FileNotFoundError, ValueError) as error:
        print(f"release {version} failed: {error}", file=sys.stderr)
        return 1
    environment = write_environment(path.parent)
    sums = write_checksums(path.parent)
    print(summary.summary())
    for written in (p for p in (path, archive, manifest, environment, sums) if p is not None):
        print(f"wrote {written.relative_to(root).as_posix()}")
    if args.tag:
        try:
            commit = tag_release(root, version)
        except ReleaseRefused as error:
            print(f"release {version}: files written but not tagged: {error}", file=sys.stderr)
            return 1
        print(f"tagged v{version} -> {commit[:12]}")
    return 0


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "release", help="make a citable release: summary.json, HTML+PDF archive and SHA-256 checksums",
        description=plain(__doc__), formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", dest="release_version", metavar="V", default=None,
                        help=f"version to release; must equal the package version ({__version__})")
    parser.add_argument("--check", action="store_true", help="run the release checks only; write nothing")
    parser.add_argument("--scope", metavar="NAME", default=None,
                        help="release scope from review.yml (default: its releases.default_scope)")
    parser.add_argument("--summary-only", action="store_true",
                        help="write summary.json and SHA256SUMS but no HTML+PDF archive")
    parser.add_argument("--tag", action="store_true",
                        help="tag the commit v<version> once the release is written (make release does)")
    # Only the guard's own tests and living-review verify use this: they cannot run the suite from inside the suite.
    parser.add_argument("--skip-tests", action="store_true", help=argparse.SUPPRESS)
    parser.set_defaults(func=run)
