"""Rules of ``comparisons.csv``: between-arm comparisons reported by included studies.

Notes
-----
One row per reported value. The rows of one ``comparison_id`` name the same study, comparator
and allocation. What a row may hold follows from its ``statistic``:

* ``hazard_ratio``: the contrast between the arms (``arm = contrast``), a positive ratio, no
  unit, time or grade band;
* ``median`` and ``average``: a time in ``unit``, for one arm;
* ``landmark_pct``: a percent (at most 100) at ``time`` in ``unit``, for one arm;
* ``events``: a whole number of patients out of ``n`` with a treatment-related adverse event
  of ``grade_band``, for one arm, without a confidence interval.

Every arm row gives its ``n``; a confidence interval has both limits and brackets the value,
and a confidence level comes only with an interval. ``allocation = randomised`` needs a study
whose design is ``randomised_trial``. That the study exists is checked with the other files
(:func:`living_review.data.links.referential`).

Example
-------
>>> rows = [(2, {"comparison_id": "c", "study_id": "s", "comparator": "placebo", "allocation": "randomised",
...              "arm": "contrast", "endpoint": "OS", "statistic": "hazard_ratio", "value": 0.8,
...              "ci_lower": 0.9, "ci_upper": 1.4})]
>>> [p.message for p in comparison_rules("comparisons.csv", rows, [(2, {"study_id": "s",
...                                      "design": "randomised_trial"})])]
['CI 0.9-1.4 does not bracket the value 0.8 (check the order of the values)']
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from living_review.core.problems import Problem

Row = tuple[int, dict[str, Any]]
SHARED = ("study_id", "comparator", "allocation")
ARMS = ("experimental", "comparator")
TIME_STATISTICS = ("median", "average", "landmark_pct")


def _shape(f: str, line: int, v: dict) -> Iterator[Problem]:
    stat, arm = v.get("statistic"), v.get("arm")
    if stat is None or arm is None:
        return
    if (stat == "hazard_ratio") != (arm == "contrast"):
        yield Problem(f, line, "arm", f"arm {arm!r} does not fit statistic {stat!r} (a hazard ratio is the "
                      "contrast between the arms; every other statistic belongs to one arm)")
    if arm in ARMS and v.get("n") is None:
        yield Problem(f, line, "n", f"the {arm} arm's value needs its number of patients (fill in n)")
    if stat in TIME_STATISTICS and v.get("unit") is None:
        yield Problem(f, line, "unit", f"a {stat} needs its time unit (write days, weeks, months or years)")
    if stat not in TIME_STATISTICS and v.get("unit") is not None:
        yield Problem(f, line, "unit", f"a {stat} has no time unit (empty it)")
    if (stat == "landmark_pct") != (v.get("time") is not None):
        yield Problem(f, line, "time", "a landmark needs its time, and only a landmark has one (fill in or "
                      "empty time)")
    if stat == "landmark_pct":
        for col in ("value", "ci_lower", "ci_upper"):
            if v.get(col) is not None and v[col] > 100:
                yield Problem(f, line, col, f"{v[col]} exceeds 100 percent (check the value)")
    if (stat == "events") != (v.get("grade_band") is not None):
        yield Problem(f, line, "grade_band", "adverse-event counts need a grade band, and only they have one "
                      "(fill in or empty grade_band)")
    if (stat == "events") != (v.get("endpoint") == "treatment_related_ae") and v.get("endpoint"):
        yield Problem(f, line, "endpoint", f"endpoint {v['endpoint']!r} does not fit statistic {stat!r} "
                      "(adverse events are counted as events; survival has a ratio, median, average or landmark)")
    if stat == "hazard_ratio" and v.get("value") is not None and v["value"] <= 0:
        yield Problem(f, line, "value", "a hazard ratio is positive (check the value)")
    if stat == "events" and v.get("value") is not None:
        if v["value"] != int(v["value"]):
            yield Problem(f, line, "value", f"{v['value']} is not a whole number of patients")
        elif v.get("n") is not None and v["value"] > v["n"]:
            yield Problem(f, line, "value", f"{int(v['value'])} exceeds n = {v['n']} (correct the count)")
        if v.get("ci_lower") is not None or v.get("ci_upper") is not None:
            yield Problem(f, line, "ci_lower", "a count has no confidence interval (empty the limits)")


def _interval(f: str, line: int, v: dict) -> Iterator[Problem]:
    lo, hi, value = v.get("ci_lower"), v.get("ci_upper"), v.get("value")
    if (lo is None) != (hi is None):
        yield Problem(f, line, "ci_upper" if hi is None else "ci_lower",
                      "only one confidence limit given (give both or neither)")
    elif lo is not None and value is not None and not lo <= value <= hi:
        yield Problem(f, line, "value", f"CI {lo}-{hi} does not bracket the value {value} (check the order of "
                      "the values)")
    if v.get("ci_level") is not None and lo is None and hi is None:
        yield Problem(f, line, "ci_level", "confidence level given without a CI (empty it)")


def comparison_rules(file: str, rows: list[Row], studies: list[Row]) -> list[Problem]:
    """Every rule of the module docstring over the rows of ``comparisons.csv``."""
    design = {v["study_id"]: v.get("design") for _, v in studies if v.get("study_id")}
    first: dict[str, tuple[int, dict]] = {}
    out: list[Problem] = []
    for line, v in rows:
        out += list(_shape(file, line, v)) + list(_interval(file, line, v))
        cid = v.get("comparison_id")
        if cid is None:
            continue
        if cid not in first:
            first[cid] = (line, v)
        else:
            at, ref = first[cid]
            for col in SHARED:
                if v.get(col) != ref.get(col):
                    out.append(Problem(file, line, col, f"{v.get(col)!r} differs from {ref.get(col)!r} on line {at} "
                                       f"of the same comparison {cid!r} (use one value, or another comparison_id)"))
        sid = v.get("study_id")
        if v.get("allocation") == "randomised" and sid in design and design[sid] != "randomised_trial":
            out.append(Problem(file, line, "allocation", f"randomised, but study {sid!r} has design "
                               f"{design[sid]!r} (write non_randomised, or correct the study's design)"))
    return out


def certainty_rules(file: str, rows: list[Row], comparison_rows: list[Row],
                    rob_rows: list[Row] | None = None) -> list[Problem]:
    """Rules of ``comparative_certainty.csv``: each row names a comparison of ``comparisons.csv``
    and an outcome that comparison reports (for adverse events, the same grade band); a
    grade band belongs to treatment_related_ae rows only; and the outcome's risk of bias is
    assessed in ``risk_of_bias.csv`` (when its rows are given)."""
    reported = {(v.get("comparison_id"), v.get("endpoint"), v.get("grade_band")) for _, v in comparison_rows}
    assessed = None if rob_rows is None else {(v.get("comparison_id"), v.get("outcome")) for _, v in rob_rows}
    ids = {c for c, _, _ in reported}
    out: list[Problem] = []
    for line, v in rows:
        cid, ep, band = v.get("comparison_id"), v.get("endpoint"), v.get("grade_band")
        if cid is None or ep is None:
            continue
        if (ep == "treatment_related_ae") != (band is not None):
            out.append(Problem(file, line, "grade_band", "adverse events are rated per grade band, and only they "
                               "have one (fill in or empty grade_band)"))
        elif cid not in ids:
            out.append(Problem(file, line, "comparison_id", f"comparison {cid!r} is not in comparisons.csv (add it "
                               "there first, or correct the id)"))
        elif (cid, ep, band) not in reported:
            what = ep if band is None else f"{ep} of grade {band}"
            out.append(Problem(file, line, "endpoint", f"comparison {cid!r} reports no {what} in comparisons.csv "
                               "(rate an outcome it reports)"))
        elif assessed is not None and (cid, ep) not in assessed:
            out.append(Problem(file, line, "endpoint", f"the risk of bias of {ep} in comparison {cid!r} is not "
                               "assessed (add its RoB 2 or ROBINS-I rows to risk_of_bias.csv)"))
    return out
