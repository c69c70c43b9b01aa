"""Rules across files: every row names an existing study, overlaps are declared, references resolve.

Notes
-----
* Referential integrity: ``study_id`` of landmarks, adverse events, discrepancies and
  previous-version inputs (and ``related_study_id``) exist in ``studies.csv``.
* Overlap: each discrepancy with ``field = overlap_group`` names two cohorts that share
  patients; both must carry the same ``overlap_group``. A group has at least two
  cohorts and exactly one with ``overlap_keep = true``.
* Previous version: its inputs belong to cohorts with ``in_previous_version = true``, and
  each such cohort has both an ORR and a DCR input.
* Source codes (S-n, P-n) cited in locator columns are listed in ``sources.csv``.
* Adverse-event denominators equal the cohort's safety set (or efficacy set) when that
  is given; ``Dnn`` references in notes name an existing discrepancy.

Example
-------
>>> studies = [(2, {"study_id": "a", "overlap_group": None})]
>>> [str(p) for p in referential("ae.csv", [(3, {"study_id": "b"})], studies)]
["ae.csv:3: study_id: 'b' is not a study_id of studies.csv (use an existing id or add the study)"]
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from typing import Any

from living_review.core.problems import Problem

Row = tuple[int, dict[str, Any]]
_DREF = re.compile(r"\bD([0-9]{2,3})\b")
_SOURCE_CODE = re.compile(r"\b([SP]-[0-9]+)\b")
# Columns whose text cites sources by code (S-n seed, P-n page).
SOURCE_COLUMNS = ("src_identity", "src_design", "src_treatment", "src_patients", "src_response", "src_survival",
                  "source", "source_a", "source_b")


def referential(file: str, rows: list[Row], studies: list[Row], column: str = "study_id") -> list[Problem]:
    """Every ``column`` value of ``rows`` is a study_id of ``studies``."""
    ids = {v["study_id"] for _, v in studies if v.get("study_id")}
    out = []
    for line, v in rows:
        sid = v.get(column)
        if sid is not None and sid not in ids:
            close = difflib.get_close_matches(sid, sorted(ids), n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            out.append(Problem(file, line, column, f"{sid!r} is not a study_id of studies.csv (use an existing "
                               f"id or add the study{hint})"))
    return out


def overlap(studies_file: str, studies: list[Row], disc_file: str, discrepancies: list[Row]) -> list[Problem]:
    """Declared overlaps are covered by overlap groups; groups are well formed."""
    by_id = {v["study_id"]: (line, v) for line, v in studies if v.get("study_id")}
    out: list[Problem] = []
    for line, d in discrepancies:
        if d.get("field") != "overlap_group":
            continue
        a, b = d.get("study_id"), d.get("related_study_id")
        if b is None:
            out.append(Problem(disc_file, line, "related_study_id", "an overlap needs the second cohort "
                               "(fill in related_study_id)"))
            continue
        if a not in by_id or b not in by_id:
            continue  # reported by the referential check
        ga, gb = by_id[a][1].get("overlap_group"), by_id[b][1].get("overlap_group")
        for sid, group, other in ((a, ga, b), (b, gb, a)):
            if group is None:
                out.append(Problem(studies_file, by_id[sid][0], "overlap_group", f"{sid!r} shares patients with "
                                   f"{other!r} ({disc_file} line {line}) but has no overlap group (give both the "
                                   "same group)"))
        if ga is not None and gb is not None and ga != gb:
            out.append(Problem(studies_file, by_id[b][0], "overlap_group", f"{b!r} is in {gb!r} but shares "
                               f"patients with {a!r} in {ga!r} ({disc_file} line {line}) (use one group)"))
    members: dict[str, list[tuple[int, dict]]] = defaultdict(list)
    for line, v in studies:
        if v.get("overlap_group"):
            members[v["overlap_group"]].append((line, v))
    for group, rows in sorted(members.items()):
        first = rows[0][0]
        if len(rows) < 2:
            out.append(Problem(studies_file, first, "overlap_group", f"group {group!r} has a single cohort (add "
                               "the overlapping cohort or empty the group)"))
        keep = [line for line, v in rows if v.get("overlap_keep") is True]
        if len(keep) != 1:
            out.append(Problem(studies_file, first, "overlap_keep", f"group {group!r} has {len(keep)} cohorts with "
                               "overlap_keep = true (mark exactly one)"))
    return out


def previous_version(file: str, rows: list[Row], studies_file: str, studies: list[Row]) -> list[Problem]:
    """Previous-version inputs and ``in_previous_version`` agree."""
    flag = {v["study_id"]: (line, v.get("in_previous_version")) for line, v in studies if v.get("study_id")}
    out = []
    seen = defaultdict(set)
    for line, v in rows:
        sid = v.get("study_id")
        if sid in flag:
            seen[sid].add(v.get("outcome"))
            if flag[sid][1] is False:
                out.append(Problem(file, line, "study_id", f"{sid!r} has in_previous_version = false in "
                                   f"{studies_file} (set it to true or remove this row)"))
    for sid, (line, included) in flag.items():
        if included and not {"ORR", "DCR"} <= seen[sid]:
            missing = ", ".join(sorted({"ORR", "DCR"} - seen[sid]))
            out.append(Problem(studies_file, line, "in_previous_version", f"{sid!r} was in the previous version "
                               f"but has no {missing} input in {file} (add it from Cao 2024 Fig. 3)"))
    return out


def adverse_denominators(file: str, rows: list[Row], studies: list[Row]) -> list[Problem]:
    """AE denominators match the safety (or efficacy) set of their cohort when it is given."""
    by_id = {v["study_id"]: v for _, v in studies if v.get("study_id")}
    column = {"safety": "n_safety", "efficacy": "n_evaluable_response"}
    out = []
    for line, v in rows:
        study = by_id.get(v.get("study_id"))
        n_col = column.get(v.get("analysis_set"))
        if study is None or n_col is None or v.get("denominator") is None:
            continue
        n = study.get(n_col)
        if n is not None and n != v["denominator"]:
            out.append(Problem(file, line, "denominator", f"{v['denominator']} differs from {n_col} = {n} of "
                               f"{v['study_id']!r} (correct it or the analysis_set)"))
    return out


def discrepancy_references(files: dict[str, list[Row]], discrepancies: list[Row]) -> list[Problem]:
    """Every ``Dnn`` written in a notes column is a discrepancy_id (D08-D10 counts as D08 and D10)."""
    ids = {v["discrepancy_id"] for _, v in discrepancies if v.get("discrepancy_id")}
    out = []
    for file, rows in files.items():
        for line, v in rows:
            for ref in _DREF.findall(v.get("notes") or ""):
                if f"D{ref}" not in ids:
                    out.append(Problem(file, line, "notes", f"refers to D{ref}, which is not in discrepancies.csv "
                                       "(correct the reference or add the discrepancy)"))
    return out


def source_codes(files: dict[str, list[Row]], sources: list[Row]) -> list[Problem]:
    """Every S-n / P-n code cited in a locator column is a code of ``sources.csv``."""
    known = {v["code"] for _, v in sources if v.get("code")}
    out = []
    for file, rows in files.items():
        for line, v in rows:
            for column in SOURCE_COLUMNS:
                for code in _SOURCE_CODE.findall(v.get(column) or ""):
                    if code not in known:
                        out.append(Problem(file, line, column, f"cites source {code}, which is not in sources.csv "
                                           "(add the source or correct the code)"))
    return out
