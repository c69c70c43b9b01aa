"""Row rules that need more than one cell: counts, survival times, identity, consistency.

Notes
-----
Counts: every count is >= 0 (from the schema), events <= their denominator, and the
response categories agree with the reported rates:

* ORR = CR + PR when all three are given;
* DCR = CR + PR + SD when all four are given, and DCR >= ORR (as proportions);
* CR + PR + SD + PD + NE = N evaluable when all six are given.

Survival: a CI has both limits, lower <= median <= upper, a confidence level only with a
CI, and a unit whenever any time is given. Identity: a DOI, PMID or registry ID, unless
the row declares ``identifier_status = citation_only`` (then a warning).

Example
-------
>>> rows = [(2, {"study_id": "x", "cr": 1, "pr": 2, "orr_events": 4, "orr_n": 10})]
>>> [p.message for p in study_rules("studies.csv", rows)][:1]
['4 differs from CR + PR = 1 + 2 = 3 (correct the counts or leave one of them empty)']
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from living_review.core.dates import build_date
from living_review.core.problems import Problem

Row = tuple[int, dict[str, Any]]
SETTING_OF_DESIGN = {
    "prospective_trial": "trial",
    "randomised_trial": "trial",
    "retrospective_cohort": "real_world",
    "prospective_observational": "real_world",
    "post_marketing_surveillance": "real_world",
}
ATC_HISTOLOGIES = ("ATC", "mixed ATC")
IDENTIFIERS = ("doi", "pmid", "registry_id")


def _given(v: dict, *names: str) -> bool:
    return all(v.get(n) is not None for n in names)


def _counts(f: str, line: int, v: dict) -> Iterator[Problem]:
    for events, denom in (("orr_events", "orr_n"), ("dcr_events", "dcr_n")):
        if (v.get(events) is None) != (v.get(denom) is None):
            missing = denom if v.get(denom) is None else events
            yield Problem(f, line, missing, f"{events} and {denom} must be given together (fill in {missing} "
                          "or empty both)")
        elif _given(v, events, denom) and v[events] > v[denom]:
            yield Problem(f, line, events, f"{v[events]} exceeds its denominator {denom} = {v[denom]} "
                          "(correct the count)")
    n_eval = v.get("n_evaluable_response")
    for name in ("cr", "pr", "sd", "pd", "ne", "orr_n", "dcr_n"):
        if _given(v, name, "n_evaluable_response") and v[name] > n_eval:
            yield Problem(f, line, name, f"{v[name]} exceeds n_evaluable_response = {n_eval} (correct the count)")
    for name in ("n_evaluable_response", "n_safety"):
        if _given(v, name, "n_enrolled") and v[name] > v["n_enrolled"]:
            yield Problem(f, line, name, f"{v[name]} exceeds n_enrolled = {v['n_enrolled']} (correct the count)")
    if _given(v, "cr", "pr", "orr_events") and v["orr_events"] != v["cr"] + v["pr"]:
        yield Problem(f, line, "orr_events", f"{v['orr_events']} differs from CR + PR = {v['cr']} + {v['pr']} = "
                      f"{v['cr'] + v['pr']} (correct the counts or leave one of them empty)")
    if _given(v, "cr", "pr", "sd", "dcr_events"):
        total = v["cr"] + v["pr"] + v["sd"]
        if v["dcr_events"] != total:
            yield Problem(f, line, "dcr_events", f"{v['dcr_events']} differs from CR + PR + SD = {total} "
                          "(correct the counts or leave one of them empty)")
    if _given(v, "orr_events", "orr_n", "dcr_events", "dcr_n") and v["orr_n"] and v["dcr_n"]:
        if v["dcr_events"] / v["dcr_n"] < v["orr_events"] / v["orr_n"]:
            yield Problem(f, line, "dcr_events", f"DCR {v['dcr_events']}/{v['dcr_n']} is below ORR "
                          f"{v['orr_events']}/{v['orr_n']} (DCR includes every response; correct the counts)")
    parts = ("cr", "pr", "sd", "pd", "ne")
    if v.get("ne") is None and _given(v, *parts[:4], "n_evaluable_response"):
        total = sum(v[p] for p in parts[:4])
        if total > n_eval:
            yield Problem(f, line, "n_evaluable_response", f"CR+PR+SD+PD = {total} exceeds {n_eval} (NE is empty, "
                          "so the categories alone cannot exceed N evaluable; correct a count)")
    if _given(v, *parts, "n_evaluable_response"):
        total = sum(v[p] for p in parts)
        if total != n_eval:
            yield Problem(f, line, "n_evaluable_response", f"CR+PR+SD+PD+NE = {total} differs from {n_eval} "
                          "(correct a category count or N evaluable)")


def _survival(f: str, line: int, v: dict) -> Iterator[Problem]:
    for ep in ("pfs", "os"):
        med, lo, hi = v.get(f"{ep}_median"), v.get(f"{ep}_ci_lower"), v.get(f"{ep}_ci_upper")
        unit, level = v.get(f"{ep}_unit"), v.get(f"{ep}_ci_level")
        times = [t for t in (med, lo, hi) if t is not None]
        if times and unit is None:
            yield Problem(f, line, f"{ep}_unit", "a time is given without its unit (write days, weeks, months "
                          "or years as reported)")
        if unit is not None and not times:
            yield Problem(f, line, f"{ep}_unit", f"unit {unit!r} given without any time (empty it or add the time)")
        if (lo is None) != (hi is None):
            yield Problem(f, line, f"{ep}_ci_upper" if hi is None else f"{ep}_ci_lower",
                          "only one confidence limit given (give both or neither)")
        if lo is not None and hi is not None:
            if med is None:
                yield Problem(f, line, f"{ep}_median", "CI given without its median (add the median)")
            elif not lo <= med <= hi:
                yield Problem(f, line, f"{ep}_median", f"CI {lo}-{hi} does not bracket the median {med} "
                              "(check the order of the values and their unit)")
        if level is not None and lo is None and hi is None:
            yield Problem(f, line, f"{ep}_ci_level", "confidence level given without a CI (empty it)")
    if v.get("pfs_median") is not None and v.get("pfs_measure") is None:
        yield Problem(f, line, "pfs_measure", "median given without saying whether it is PFS or TTP (fill it in)")


def _identity(f: str, line: int, v: dict) -> Iterator[Problem]:
    has_id = any(v.get(n) is not None for n in IDENTIFIERS)
    status = v.get("identifier_status")
    if status == "reported" and not has_id:
        yield Problem(f, line, "doi", "no DOI, PMID or registry ID (add one from the source, or set "
                      "identifier_status to citation_only and say why in notes)")
    elif status == "citation_only" and has_id:
        yield Problem(f, line, "identifier_status", "citation_only although an identifier is given "
                      "(set it to reported)")
    elif status == "citation_only":
        yield Problem(f, line, "doi", f"study {v.get('study_id')!r} has no verified DOI, PMID or registry ID; "
                      "identified by citation only (add one once verified)", "warning")


def _consistency(f: str, line: int, v: dict) -> Iterator[Problem]:
    design, setting = v.get("design"), v.get("setting")
    if design and setting and SETTING_OF_DESIGN[design] != setting:
        yield Problem(f, line, "setting", f"{setting!r} contradicts design {design!r} (write "
                      f"{SETTING_OF_DESIGN[design]!r})")
    regimen, partner = v.get("regimen"), v.get("combination_partner")
    if regimen == "monotherapy" and partner:
        yield Problem(f, line, "combination_partner", "partner given for monotherapy (empty it or fix regimen)")
    if regimen and regimen != "monotherapy" and not partner:
        yield Problem(f, line, "combination_partner", f"regimen {regimen!r} needs a partner (fill it in)")
    role, histology = v.get("pooling_role"), v.get("histology")
    if role and histology and regimen:
        expected = ("other_histology" if histology not in ATC_HISTOLOGIES
                    else "atc_monotherapy" if regimen == "monotherapy" else "atc_combination")
        if role != expected:
            yield Problem(f, line, "pooling_role", f"{role!r} contradicts histology {histology!r} and regimen "
                          f"{regimen!r} (write {expected!r})")
    if v.get("dose_mg_per_day") is not None and v.get("dose_basis") is None:
        yield Problem(f, line, "dose_basis", "dose given without its basis (write planned or median_received)")
    if (v.get("overlap_group") is None) != (v.get("overlap_keep") is None):
        yield Problem(f, line, "overlap_keep", "overlap_group and overlap_keep go together (fill in both or "
                      "neither)")
    year, date = v.get("year"), v.get("pub_date")
    # year is the year of the citation (the issue); pub_date the earliest date stated, so an
    # e-publication late in the year before the issue is the one difference allowed
    if year is not None and date is not None and not (int(date[:4]) == year or (
            int(date[:4]) == year - 1 and len(date) > 4 and int(date[5:7]) >= 10)):
        yield Problem(f, line, "pub_date", f"{date} disagrees with year {year} (year is the year of the "
                      "citation, pub_date the earliest date stated: an e-publication from October of the "
                      "year before the issue at the earliest; correct one of them)")
    if date is not None:
        today = build_date()
        if date > today.isoformat()[: len(date)]:
            yield Problem(f, line, "pub_date", f"{date} is after the build date {today.isoformat()} (a publication "
                          "date cannot lie in the future; correct it)")
    if year is not None and year > build_date().year:
        yield Problem(f, line, "year", f"{year} is after the build date's year (correct it)")


def study_rules(file: str, rows: list[Row]) -> list[Problem]:
    """All row rules of ``studies.csv``; a table holding only its header is an error of its own."""
    out: list[Problem] = []
    if not rows:
        out.append(Problem(file, 1, "-", "the table is empty: it holds its header and no study (restore its rows, "
                           "e.g. with git checkout, or add the studies)"))
    for line, v in rows:
        for rule in (_counts, _survival, _identity, _consistency):
            out.extend(rule(file, line, v))
    return out


def landmark_rules(file: str, rows: list[Row]) -> list[Problem]:
    """A landmark CI has both limits and brackets its rate."""
    out: list[Problem] = []
    for line, v in rows:
        lo, hi, rate = v.get("ci_lower_pct"), v.get("ci_upper_pct"), v.get("rate_pct")
        if (lo is None) != (hi is None):
            out.append(Problem(file, line, "ci_upper_pct" if hi is None else "ci_lower_pct",
                               "only one confidence limit given (give both or neither)"))
        elif lo is not None and rate is not None and not lo <= rate <= hi:
            out.append(Problem(file, line, "rate_pct", f"CI {lo}-{hi} does not bracket the rate {rate} (check "
                               "the values)"))
        if v.get("ci_level") is not None and lo is None and hi is None:
            out.append(Problem(file, line, "ci_level", "confidence level given without a CI (empty it)"))
    return out


def event_rules(file: str, rows: list[Row], events: str, denominator: str) -> list[Problem]:
    """Events never exceed their denominator (adverse events, previous-version inputs)."""
    return [Problem(file, line, events, f"{v[events]} exceeds {denominator} = {v[denominator]} (correct the count)")
            for line, v in rows if _given(v, events, denominator) and v[events] > v[denominator]]


def previous_version_rules(file: str, rows: list[Row], tolerance: float = 0.005 + 1e-12) -> list[Problem]:
    """Transcribed counts reproduce the proportion Cao printed to 2 decimals (half a unit)."""
    out = event_rules(file, rows, "events", "total")
    for line, v in rows:
        if _given(v, "events", "total", "printed_proportion") and v["total"] > 0 and v["events"] <= v["total"]:
            p = v["events"] / v["total"]
            if abs(p - v["printed_proportion"]) > tolerance:
                out.append(Problem(file, line, "events", f"{v['events']}/{v['total']} = {p:.3f} does not round to "
                                   f"the printed {v['printed_proportion']:.2f} (re-read the forest plot)"))
    return out
