"""What the changelog page prints: which releases exist, what changed between them, and the living view.

The changelog is computed, never written by hand: each entry compares two committed release
summaries (``releases/<version>/summary.json``) with
:func:`living_review.versions.compare.compare_summaries`. Until two releases exist there is
nothing to compare, and the page says so from the same computation. The living view is the
cumulative meta-analysis of the ATC monotherapy cohorts by publication date
(:func:`living_review.meta.cumulative`) with the configured method.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from living_review._version import __version__
from living_review.core.encoding import read_frame
from living_review.core.paths import project_root
from living_review.report.changelog_entry import EntryContext, Study, render_markdown
from living_review.versions.amendments import for_version, read_amendments
from living_review.versions.analysis_changes import analysis_changes
from living_review.versions.compare import compare
from living_review.versions.dates import release_date
from living_review.versions.published import read_published
from living_review.versions.scopes import load_release_config
from living_review.versions.summary import SUMMARY_FILE, release_dir, release_versions


@dataclass(frozen=True)
class ChangelogEntry:
    """What changed from ``previous`` to ``version``; ``markdown`` is the rendered entry."""

    version: str
    previous: str
    markdown: str = field(repr=False)
    released: bool = True


@dataclass(frozen=True)
class ReleaseOverview:
    """Releases found under ``releases/`` and the changelog entries between them.

    Attributes
    ----------
    current_version : the version being built (:data:`living_review.__version__`).
    releases : versions with a committed ``summary.json``, oldest first.
    entries : one :class:`ChangelogEntry` per pair of consecutive releases, newest first.
    """

    current_version: str
    releases: tuple[str, ...]
    entries: tuple[ChangelogEntry, ...] = field(repr=False)

    @property
    def current_released(self) -> bool:
        return self.current_version in self.releases

    def summary(self) -> str:
        found = ", ".join(self.releases) if self.releases else "none"
        return (f"building {self.current_version}; releases with a summary: {found}; "
                f"{len(self.entries)} changelog entr{'y' if len(self.entries) == 1 else 'ies'}")


def _demote(markdown: str) -> str:
    # Headings inside a cell output do not belong to the page's outline; bold lines read the same.
    return re.sub(r"^#{2,6} (.+)$", r"**\1**", markdown, flags=re.MULTILINE)


def _bib_keys(root: Path) -> set[str]:
    """Keys the book can cite: hand-written entries and those generated at build time."""
    from living_review.data.bibliography import hand_written_keys, project_entries

    return hand_written_keys(root / "book" / "references.bib") | set(project_entries(root)[0])


def _studies(root: Path) -> dict[str, Study]:
    path = root / "data" / "studies.csv"
    if not path.is_file():
        return {}
    table = read_frame(path, "data/studies.csv")
    keys = _bib_keys(root)
    found = {}
    for row in table.to_dict("records"):
        sid = row["study_id"]
        # the cohorts of one paper share its DOI, else its citation
        group = row.get("doi") or row.get("citation") or sid
        found[sid] = Study(row.get("label") or sid, group, sid if sid in keys else None)
    return found


def search_sentences(root: Path, until: str | None = None) -> dict[str, str]:
    """Per release scope, one sentence on the search its data rest on (``data/search/search_strategy.yaml``).

    ``until`` (YYYY-MM-DD, a release's date) keeps only the searches dated on or before it: a
    version cannot rest on a search made after it was released. A search without a date is
    kept only when there is no ``until``.
    """
    import yaml

    path = root / "data" / "search" / "search_strategy.yaml"
    if not path.is_file():
        return {}
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    out = {}
    prev = raw.get("previous_version") or {}
    if prev.get("databases"):
        names = ", ".join(d["name"] for d in prev["databases"])
        out["reproduction"] = (f"The previous review's search: {names}, searched on "
                               f"{prev.get('search_date', 'an unreported date')}.")
    from living_review.search.searched import with_searched  # databases the records show, as the diagram counts

    upd = with_searched(raw.get("this_update") or {}, path.parent)

    def dated(items):
        return [i for i in items or [] if until is None or (i.get("search_date") and str(i["search_date"]) <= until)]

    databases, methods = dated(upd.get("databases")), dated(upd.get("other_methods"))
    parts = [f"{d['name']} ({d.get('search_date', 'date not recorded')})" for d in databases]
    parts += [f"{m['method']} ({m.get('search_date', 'date not recorded')})" for m in methods]
    if parts:
        lead = "" if databases else "No bibliographic database was searched for the update; "
        text = lead + "the update rests on " + ", ".join(parts) + "."
        out["update"] = text[0].upper() + text[1:]
    return out


def _chapter_titles(root: Path) -> dict[str, str]:
    titles = {}
    for path in [*(root / "notebooks").glob("*.md"), *(root / "notebooks" / "generated").glob("*.md"),
                 *(root / "book").glob("*.md")]:
        match = re.search(r"^# (.+)$", path.read_text(encoding="utf-8"), flags=re.M)
        if match:
            titles[path.stem] = match.group(1).strip()
    return titles


def entry_context(root: Path, thresholds: dict) -> EntryContext:
    """Names, citations, published values and search dates for the changelog entries."""
    published = read_published(root / "data" / "previous_version_results.csv")
    return EntryContext(studies=_studies(root), published=published, previous_review="Cao 2024",
                        search=search_sentences(root), chapters=_chapter_titles(root),
                        thresholds=dict(thresholds))


def release_overview(root: Path | None = None, *, discrepancies: Path | None = None,
                     include_current: bool = False) -> ReleaseOverview:
    """Find the committed releases and compare each with the one before it.

    Parameters
    ----------
    root : project root (default: this project).
    discrepancies : ``data/discrepancies.csv`` for the corrections list (default: the project's).
    include_current : also compare the current build (its ledger, in the default release
        scope) with the newest earlier release, when the current version is not released
        yet. The book sets it; the ledger must then be complete, so the changelog is read
        after every other chapter (``living_review_read_last`` in ``_config.yml``).

    Returns
    -------
    ReleaseOverview
    """
    from living_review.versions.summary import build_summary, previous_summary, read_summary

    root = Path(root or project_root())
    config = root / "review.yml"
    thresholds = load_release_config(config).thresholds if config.is_file() else {}
    versions = tuple(release_versions(root))
    disc = discrepancies or root / "data" / "discrepancies.csv"
    options = {"discrepancies": disc if disc.exists() else None, "thresholds": thresholds}
    context = entry_context(root, thresholds)

    amendments = read_amendments(root)

    def entry(old, new, released: bool = True) -> str:
        chapters_of = {k: str(r.get("chapter", "")) for s in (old, new) for k, r in s.estimates.items()}
        date = release_date(new.version, root) if released else None
        # a release rests only on the searches made up to its release
        dated = replace(context, search=search_sentences(root, until=date)) if date else context
        return render_markdown(compare(old, new, **options), context=dated, chapters_of=chapters_of, released=date,
                               analysis=analysis_changes(old.estimates, new.estimates),
                               amendments=for_version(amendments, new.version))

    entries = []
    for older, newer in zip(versions[:-1], versions[1:]):
        text = entry(read_summary(release_dir(older, root) / SUMMARY_FILE),
                     read_summary(release_dir(newer, root) / SUMMARY_FILE))
        entries.append(ChangelogEntry(newer, older, _demote(text)))
    if include_current and __version__ not in versions:
        before = previous_summary(__version__, root)
        if before is not None:
            old = read_summary(before)
            text = entry(old, build_summary(root, __version__, skip_stale=True), released=False).replace(
                f"## Version {__version__} (compared",
                f"## Version {__version__}, this build (compared", 1)
            entries.append(ChangelogEntry(__version__, old.version, _demote(text), released=False))
    return ReleaseOverview(__version__, versions, tuple(reversed(entries)))


def releases_table(root: Path | None = None) -> pd.DataFrame:
    """One row per committed release, oldest first: what it holds and from which data.

    Columns: Version, Released (the day of the commit that added its summary,
    :func:`living_review.versions.dates.release_date`, or "not known"), Contents (the scope's description, else its name), Estimates (pooled
    estimates in the summary), Headlines, Studies, Data (the first 12 characters of the data
    fingerprint), Archive ("HTML + PDF" when ``SHA256SUMS`` lists a site archive, else
    "summary only").
    """
    from living_review.versions.summary import CHECKSUM_FILE
    from living_review.versions.summary import read_summary

    root = Path(root or project_root())
    rows = []
    for version in release_versions(root):
        folder = release_dir(version, root)
        summary = read_summary(folder / SUMMARY_FILE)
        sums = folder / CHECKSUM_FILE
        archived = sums.is_file() and ".tar.gz" in sums.read_text(encoding="utf-8")
        rows.append({
            "Version": version,
            "Released": release_date(version, root) or "not known",
            "Contents": summary.scope.get("description") or summary.scope.get("name", ""),
            "Estimates": len(summary.estimates),
            "Headlines": len(summary.headlines),
            "Cohorts": len(summary.studies),
            "Data": summary.data_fingerprint[:12],
            "Archive": "HTML + PDF" if archived else "summary only",
        })
    return pd.DataFrame(rows, columns=["Version", "Released", "Contents", "Estimates", "Headlines", "Cohorts", "Data",
                                       "Archive"])


def status_text(overview: ReleaseOverview) -> str:
    """One sentence on what the changelog can show, computed from the releases found.

    Example
    -------
    >>> status_text(ReleaseOverview("0.1.0", (), ()))
    'No release summary has been committed yet (releases/<version>/summary.json), so there is no earlier version to compare with; this build is version 0.1.0.'
    """
    if not overview.releases:
        return ("No release summary has been committed yet (releases/<version>/summary.json), so there is no "
                f"earlier version to compare with; this build is version {overview.current_version}.")
    found = ", ".join(overview.releases)
    text = (f"Release summaries are committed for version{'s' if len(overview.releases) > 1 else ''} {found}; "
            f"this build is version {overview.current_version}")
    text += (", which is released." if overview.current_released
             else ", which has no committed release summary yet.")
    unreleased = [e for e in overview.entries if not e.released]
    if unreleased:
        text += (f" The first entry compares this build with release {unreleased[0].previous}, estimate by "
                 "estimate, as its release would.")
    released = [e for e in overview.entries if e.released]
    if released:
        text += f" {'The other entries compare' if unreleased else 'Each entry compares'} a release with the one before it."
    if not overview.entries:
        text += " A changelog entry needs an earlier release to compare with."
    return text


