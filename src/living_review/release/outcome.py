"""What a reader can conclude from a rebuild: identical, equal within the tolerance, or different.

:func:`assess` compares a release folder with its rebuild once the checksums are known:

* ``identical``: every checksum of ``SHA256SUMS`` matches (exit status 0);
* ``within tolerance``: every number of ``summary.json`` is equal within
  :mod:`~living_review.release.tolerance`, and the bytes differ only in the files named:
  from the release's ``MANIFEST.tsv``, or, when the published archive is in the release
  folder, from the archive itself, with the first difference of each text file (exit 3).
  The release's numerical environment is shown beside the rebuild's, with the fields that
  differ (:func:`living_review.release.environment.differences`) and the settings under
  which a reader can expect bit for bit;
* ``numbers differ``: a number outside the tolerance, or any other difference of the
  summary (exit 1).

A release that recorded no environment or manifest (those before 1.3.0) is said to.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from living_review.core.words import count
from living_review.release import environment as numenv
from living_review.release.archive import CHECKSUM_FILE, archive_name, sha256_file
from living_review.release.manifest import (MANIFEST_FILE, archive_manifest, archive_members, compare_manifests,
                                            first_text_difference, is_text, read_manifest)
from living_review.release.tolerance import ATOL, RTOL, number_differences
from living_review.versions.summary import SUMMARY_FILE

IDENTICAL, WITHIN_TOLERANCE, NUMBERS_DIFFER = "identical", "within tolerance", "numbers differ"
#: outcome -> exit status of ``living-review verify``
EXIT_CODES = {IDENTICAL: 0, WITHIN_TOLERANCE: 3, NUMBERS_DIFFER: 1}


@dataclass(frozen=True)
class Assessment:
    """What a reader can conclude beyond the checksums (:func:`assess`)."""

    outcome: str
    #: summary fields whose numbers differ within the tolerance (last bits)
    within: tuple[str, ...] = ()
    #: every other difference of the summary, with both values
    beyond: tuple[str, ...] = ()
    #: files of the archive that differ, each with its first difference when it is text and both are at hand
    files: tuple[str, ...] = ()
    #: how the files were named (manifest, published archive) or why they cannot be
    files_note: str = ""
    published_environment: dict | None = None
    rebuilt_environment: dict | None = None

    def lines(self, version: str) -> list[str]:
        out = []
        published, rebuilt = self.published_environment, self.rebuilt_environment
        if published is None:
            out.append(f"environment: {version} recorded no numerical environment (releases before 1.3.0 did not); "
                       "the rebuild's is shown alone")
        if rebuilt is not None:
            out += environment_table(published, rebuilt)
        if self.outcome == IDENTICAL:
            return out
        if self.within:
            out.append(f"numbers: {count(len(self.within), 'field')} of {SUMMARY_FILE} {'differs only in its' if len(self.within) == 1 else 'differ only in their'} last digits "
                       f"(within {RTOL:g} relative, {ATOL:g} absolute): {', '.join(self.within)}")
        if self.beyond:
            out.append(f"numbers: {count(len(self.beyond), 'difference')} beyond the tolerance:")
            out += [f"  {line}" for line in self.beyond]
        elif self.outcome == WITHIN_TOLERANCE:
            out.append("numbers: every published number is equal within the tolerance")
        if self.files_note:
            out.append(f"files: {self.files_note}")
        out += [f"  {line}" for line in self.files]
        if self.outcome == WITHIN_TOLERANCE:
            if published is not None and rebuilt is not None:
                explained = numenv.differences(published, rebuilt)
                out.append("explained by: " + ("; ".join(explained) if explained else
                                               "no recorded field of the environment differs (look at the TeX "
                                               "packages and the system libraries)"))
                out.append(f"bit for bit: expected with {numenv.bit_for_bit_settings(published)}")
            else:
                kernel = (rebuilt or {}).get("blas", {}).get("kernel")
                out.append("explained by: the numerical environment, which this release did not record; bit for bit "
                           "needs the BLAS kernel, numpy SIMD features and TeX of the machine that made it (the rebuild "
                           f"ran with the BLAS kernel {kernel or 'not known'}; releases/README.md says which kernel "
                           "reproduces the releases before 1.3.0, and OPENBLAS_CORETYPE forces one where the CPU has it)")
        return out


def environment_table(published: dict | None, rebuilt: dict) -> list[str]:
    """The release's numerical environment beside the rebuild's, one compared field a line."""
    lines = ["environment (published | rebuilt):"]
    for path, words in numenv.COMPARED:
        values = []
        for record in (published, rebuilt):
            value: Any = record
            for part in path:
                value = value.get(part) if isinstance(value, dict) else None
            values.append("not recorded" if record is None else
                          (", ".join(value) if isinstance(value, list) else str(value)))
        mark = "" if published is None or values[0] == values[1] else "   <- differs"
        lines.append(f"  {words}: {values[0]} | {values[1]}{mark}")
    return lines


def _archive_files(published: Path, rebuilt: Path, version: str) -> tuple[tuple[str, ...], str]:
    """The files of the archive that differ, and how they were found (or why they cannot be named)."""
    name = archive_name(version)
    listed = {line.split("  ", 1)[1]: line.split("  ", 1)[0]
              for line in (published / CHECKSUM_FILE).read_text(encoding="utf-8").splitlines()}
    if name not in listed:
        return (), ""
    target = rebuilt / name
    if not target.is_file():
        return (), f"{name} was not rebuilt"
    if sha256_file(target) == listed[name]:
        return (), ""
    local = published / name
    if local.is_file() and sha256_file(local) == listed[name]:
        old, new = archive_members(local), archive_members(target)
        difference = compare_manifests(archive_manifest(local), archive_manifest(target))
        lines = []
        for path in difference.changed:
            detail = first_text_difference(old[path], new[path]) if is_text(path) else \
                f"binary, {len(old[path])} bytes published, {len(new[path])} rebuilt"
            lines.append(f"{path}: {detail}")
        lines += [f"{p}: published, not rebuilt" for p in difference.missing]
        lines += [f"{p}: rebuilt, not published" for p in difference.added]
        return tuple(lines), f"compared with the published archive {name} (its checksum matches): {difference.summary()}"
    if (published / MANIFEST_FILE).is_file():
        difference = compare_manifests(read_manifest(published / MANIFEST_FILE), archive_manifest(target))
        return (tuple(f"{p}: differs" for p in difference.changed)
                + tuple(f"{p}: published, not rebuilt" for p in difference.missing)
                + tuple(f"{p}: rebuilt, not published" for p in difference.added),
                f"named from {MANIFEST_FILE}: {difference.summary()}; to see the first difference of a text file, "
                f"put the published {name} (from the archive deposit) into releases/{version}/ and verify again")
    return (), (f"{version} recorded no manifest of its archive (releases before 1.3.0 did not): {name} differs, "
                f"and which of its files only the published archive can tell; put it (from the archive deposit) "
                f"into releases/{version}/ and verify again to have them named with their first difference")


def assess(published: Path, rebuilt: Path, version: str, checks: tuple, *,
           legacy: bool = False, rebuilt_environment: dict | None = None) -> Assessment:
    """One of the three outcomes, with the fields, files and environments that explain it."""
    environments = {"published_environment": numenv.read_environment(published),
                    "rebuilt_environment": rebuilt_environment}
    if checks and all(c.ok for c in checks):
        return Assessment(IDENTICAL, **environments)
    if not (published / SUMMARY_FILE).is_file() or not (rebuilt / SUMMARY_FILE).is_file():
        return Assessment(NUMBERS_DIFFER, beyond=(f"{SUMMARY_FILE} was not rebuilt",), **environments)
    found = number_differences(json.loads((published / SUMMARY_FILE).read_text(encoding="utf-8")),
                               json.loads((rebuilt / SUMMARY_FILE).read_text(encoding="utf-8")))
    files, note = _archive_files(published, rebuilt, version)
    missing = [c.name for c in checks if c.rebuilt is None]
    beyond = found.beyond + tuple(f"{name}: not rebuilt" for name in missing)
    outcome = NUMBERS_DIFFER if beyond or legacy else WITHIN_TOLERANCE
    return Assessment(outcome, found.within, beyond, files, note, **environments)
