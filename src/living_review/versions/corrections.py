"""Corrections: the discrepancy records a changelog entry lists for a release.

Corrections come from ``data/discrepancies.csv``. Its columns belong to the data package;
this module only needs a study column (``study_id``, else ``study``). Every row whose
study is in the current release is a correction, described by its other non-empty
columns (shortened to its id, ``field``, ``value_used``, ``reason`` and ``status`` when it
has ``field`` and ``value_used``). When the file has a version column (``version``, ``since_version`` or
``release``), only rows of the current release are kept: a development version such as
``1.1.0.dev0`` counts as the release it leads to (``1.1.0``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from living_review.core.encoding import read_frame

STUDY_COLUMNS = ("study_id", "study")
VERSION_COLUMNS = ("version", "since_version", "release")

# what a discrepancy's field means to a reader; other fields read with spaces for underscores
FIELD_WORDS = {
    "dcr_events": "disease control", "orr_events": "objective responses", "cr": "complete responses",
    "pr": "partial responses", "sd": "stable disease", "n_evaluable_response": "patients evaluable for response",
    "n_enrolled": "patients enrolled", "n_safety": "safety population", "pfs_median": "median PFS",
    "os_median": "median OS", "overlap_group": "overlap with other cohorts", "registry_id": "trial registration",
    "line_of_therapy": "line of therapy", "discontinuation": "discontinuations", "eligibility": "eligibility",
    "notes": "timing of the response",
}
# "(seed S-3)", "(extraction notes P-8)", "(P-17, P-19)": copy codes, listed in the sources table
_SOURCE_CODE = re.compile(r"\s*\((?:seed |extraction notes )?[SP]-\d+(?:\s*,\s*[SP]-\d+)*\)")
# "(extraction notes, row KANAGAWA-IVC; search record rec-kanagawa_ivc2019)": where a copy is
# filed before its page is listed in the sources table, not for readers
_FILING_NOTE = re.compile(r"\s*\(extraction notes, row [^()]*\)")


@dataclass(frozen=True)
class Correction:
    """One discrepancy record for a study in the current release."""

    study_id: str
    details: tuple[tuple[str, str], ...]

    def summary(self) -> str:
        d = dict(self.details)
        if "field" in d and "value_used" in d:
            label = next((d[k] for k in ("discrepancy_id", "id") if k in d), "")
            parts = [f"{self.study_id}{f' ({label})' if label else ''}, {d['field']}: value used {d['value_used']}"]
            parts += [f"{k}: {d[k]}" for k in ("reason", "status") if k in d]
            return "; ".join(parts)
        return f"{self.study_id}: " + "; ".join(f"{k}: {v}" for k, v in self.details)

    def sentence(self, labels: dict[str, str] | None = None) -> str:
        """The correction in plain words, e.g. "Tahara 2017, disease control: this review uses 12/17
        (COSA 2016 abstract: 71%, i.e. about 12/17; Cao 2024 Fig. 3: 16/17 (94%)); still unresolved."

        ``labels`` maps study ids to the names readers know (``tahara2017`` -> "Tahara 2017"),
        in the study column and in the values. Field names in values read as words, and
        source copy codes are left out: the sources table gives them.
        """
        labels = labels or {}
        d = {k: _words(v, labels) for k, v in self.details}
        who = labels.get(self.study_id, self.study_id)
        field = d.get("field", "")
        what = FIELD_WORDS.get(field, field.replace("_", " "))
        if "value_used" not in d:
            return f"{who}{f', {what}' if what else ''}: " + "; ".join(
                f"{k.replace('_', ' ')} {v}" for k, v in self.details if k != "field") + "."
        used = d["value_used"].rstrip(".")
        if used.startswith("missing"):
            verb = "leaves the value empty" + used.removeprefix("missing")
        elif used.startswith("not encoded"):
            verb = "does not record it" + used.removeprefix("not encoded")
        else:
            verb = f"uses {used}"
        sides = [f"{_plain(d[s])}: {d[v]}" for v, s in (("value_a", "source_a"), ("value_b", "source_b"))
                 if d.get(v) and d.get(s)]
        text = f"{who}, {what}: this review {verb}"
        if sides:
            text += f" ({'; '.join(sides)})"
        status = d.get("status", "")
        return text + ("; still unresolved." if status == "unresolved" else ".")


def read_corrections(path: Path, current_studies: set[str], version: str | None = None) -> tuple[Correction, ...]:
    """Discrepancy rows for studies in ``current_studies`` (see the module notes); () without a file."""
    path = Path(path)
    if not path.is_file():
        return ()
    table = read_frame(path, path.name)
    study_column = next((c for c in STUDY_COLUMNS if c in table.columns), None)
    if study_column is None:
        raise ValueError(
            f"{path.name}: no study column (looked for {', '.join(STUDY_COLUMNS)}; found {', '.join(table.columns)}); "
            "each discrepancy must name its study"
        )
    version_column = next((c for c in VERSION_COLUMNS if c in table.columns), None)
    if version_column is not None and version is not None:
        table = table[[_release_of(v) == _release_of(version) for v in table[version_column]]]
    corrections = []
    for _, row in table.iterrows():
        study = row[study_column].strip()
        if study not in current_studies:
            continue
        details = tuple((c, str(row[c]).strip()) for c in table.columns
                        if c not in (study_column, version_column) and str(row[c]).strip())
        corrections.append(Correction(study, details))
    return tuple(sorted(corrections, key=lambda c: (c.study_id, c.details)))


def _words(text: str, labels: dict[str, str]) -> str:
    def word(match: re.Match) -> str:
        token = match.group(0)
        return labels.get(token) or FIELD_WORDS.get(token, token.replace("_", " "))
    return re.sub(r"\b[a-z][a-z0-9_]*[0-9_][a-z0-9_]*\b", word, str(text).strip())


def _plain(source: str) -> str:
    return _FILING_NOTE.sub("", _SOURCE_CODE.sub("", source)).strip().rstrip(",;")


def _release_of(version: str) -> str:
    """The release a version belongs to: ``1.1.0.dev0`` and ``v1.1.0`` both belong to ``1.1.0``."""
    from packaging.version import InvalidVersion, Version

    text = str(version).strip().removeprefix("v")
    try:
        return Version(text).base_version
    except InvalidVersion:
        return text
