"""Risk of bias in the book: judgements per cohort, weight shares for GRADE, counts for the prose.

The tool, its items and the overall rule are defined in :mod:`living_review.data.risk_of_bias`;
this module reads the validated table (``Evidence.risk_of_bias``) and summarises its JBI
rows (the single-arm cohorts; the GRADE rows of the pooled estimates use these only). The
RoB 2 and ROBINS-I rows of the comparisons are summarised by
:mod:`living_review.report.comparative_risk_of_bias`. The figures of every tool are drawn by
:mod:`living_review.report.risk_of_bias_plots`.

Example
-------
>>> a = assessment(load_evidence())                                 # doctest: +SKIP
>>> a.overall["savvides2013"]                                       # doctest: +SKIP
'unclear'
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from living_review.appraisal.rob_tools import get_tool
from living_review.data import risk_of_bias as tool

LABELS = {"yes": "Yes", "no": "No", "unclear": "Unclear", "not_applicable": "Not applicable"}
OVERALL_LABELS = {"low": "Low", "unclear": "Unclear", "high": "High"}


@dataclass(frozen=True)
class Assessment:
    """The judgements of one tool and the overall risk of bias of each cohort or comparison it assessed.

    ``items`` holds the tool's rows of ``risk_of_bias.csv`` (one row per cohort, or per
    comparison of one outcome, and item); ``overall`` maps the id (``study_id`` for the JBI
    checklist, ``comparison_id`` for RoB 2 and ROBINS-I: :attr:`key`) -> overall judgement;
    ``tool`` is the tool's code (:data:`living_review.appraisal.rob_tools.TOOL_CODES`).
    """

    items: pd.DataFrame = field(repr=False)
    overall: dict[str, str]
    tool: str = tool.JBI

    @property
    def key(self) -> str:
        return get_tool(self.tool).key

    def judgement(self, study_id: str, item: str) -> str:
        """The judgement of ``item`` for the cohort (JBI) or comparison (RoB 2, ROBINS-I) ``study_id``."""
        row = self.items[(self.items[self.key] == study_id) & (self.items["item"] == item)]
        return str(row["judgement"].iloc[0])

    def summary(self) -> str:
        counts = pd.Series(self.overall).value_counts()
        return f"{len(self.overall)} cohorts assessed: " + ", ".join(f"{n} {k}" for k, n in counts.items())


@dataclass(frozen=True)
class WeightShares:
    """Shares of a pooled estimate's weight by overall risk of bias (fractions summing to 1)."""

    low: float
    unclear: float
    high: float
    weight: str

    @property
    def concern(self) -> float:
        """High or unclear."""
        return min(1.0, self.unclear + self.high)


def assessment(evidence) -> Assessment:
    """The JBI assessment of ``evidence`` (``load_evidence()``), with each cohort's overall judgement."""
    items = tool.jbi_rows(evidence.risk_of_bias)
    overall = tool.overall_table(items).set_index("study_id")["overall"].to_dict()
    return Assessment(items, overall)


def weight_shares(study_ids, weights, a: Assessment, *, weight: str) -> WeightShares:
    """Shares of ``weights`` (one per cohort of ``study_ids``) at low, unclear and high risk.

    Parameters
    ----------
    study_ids, weights : the cohorts of one pooled estimate and their weights (any scale;
        they are normalised here). Cohorts of weight 0 count for nothing.
    weight : what the weights are, for the prose ("meta-analysis weight", "patients").

    Raises
    ------
    ValueError : a cohort with weight enters the estimate without an assessment, or the
        weights are not positive finite numbers.
    """
    ids, w = list(study_ids), [float(x) for x in weights]
    if len(ids) != len(w) or not ids:
        raise ValueError(f"give one weight per cohort ({len(ids)} cohorts, {len(w)} weights)")
    if any(not math.isfinite(x) or x < 0 for x in w) or sum(w) <= 0:
        raise ValueError(f"weights must be finite, >= 0 and not all 0: {w}")
    missing = [i for i, x in zip(ids, w) if x > 0 and i not in a.overall]
    if missing:
        which = f"cohort {missing[0]} enters" if len(missing) == 1 else f"cohorts {', '.join(missing)} enter"
        raise ValueError(f"{which} a pooled estimate without a risk-of-bias assessment (add "
                         f"{'it' if len(missing) == 1 else 'them'} to data/risk_of_bias.csv)")
    total = sum(w)
    share = {k: sum(x for i, x in zip(ids, w) if x > 0 and a.overall[i] == k) / total for k in tool.OVERALL}
    return WeightShares(share["low"], share["unclear"], share["high"], weight)


def low_risk_ids(a: Assessment) -> set[str]:
    """Cohorts whose overall risk of bias is low."""
    return {sid for sid, o in a.overall.items() if o == "low"}


def counts_text(a: Assessment, studies: pd.DataFrame, cohorts: pd.DataFrame) -> dict[str, str]:
    """Counts for the prose: judgements on full texts, cohorts by overall judgement.

    Names: ``rob_n_judgements``, ``rob_n_full_text`` (judgements resting on a full text),
    ``rob_n_full_text_pooled`` (of those, in ``cohorts``), ``rob_n_cohorts``,
    ``rob_n_low``/``rob_n_unclear``/``rob_n_high`` (over ``cohorts``), ``rob_tool``,
    ``rob_full_text_cohorts`` (labels, from ``studies``, of cohorts assessed on a full text).
    """
    items = a.items
    full = items[items["basis"] == "full_text"]
    ids = set(cohorts["study_id"])
    by = pd.Series({sid: a.overall[sid] for sid in cohorts["study_id"]}, dtype=object)
    labels = studies.set_index("study_id")["label"]
    ft_ids = sorted(set(full["study_id"]))
    return {
        "rob_tool": tool.TOOL,
        "rob_n_items": str(len(tool.ITEMS)),
        "rob_n_judgements": str(len(items)),
        "rob_n_assessed": str(items["study_id"].nunique()),
        "rob_n_full_text": str(len(full)),
        "rob_n_full_text_pooled": str(int(full["study_id"].isin(ids).sum())),
        "rob_full_text_cohorts": ", ".join(str(labels.get(s, s)) for s in ft_ids) or "none",
        "rob_n_cohorts": str(len(ids)),
        **{f"rob_n_{k}": str(int((by == k).sum())) for k in tool.OVERALL},
    }


UNCLEAR_COLUMN = "Unclear items: not read, not reported"


def unclear_text(items: pd.DataFrame) -> str:
    """How many of a cohort's items are unclear because the full text was not read, and how many
    because a full text read does not report them: '10 not read (abstract only)', '3 not reported'."""
    unclear = items[items["judgement"] == "unclear"]
    unread = int((unclear["basis"] != "full_text").sum())
    unreported = len(unclear) - unread
    parts = ([f"{unread} not read ({', '.join(sorted(set(unclear.loc[unclear['basis'] != 'full_text', 'basis'])))} "
              "only)"] if unread else []) + ([f"{unreported} not reported"] if unreported else [])
    return "; ".join(parts) or "none"


def overall_frame(a: Assessment, studies: pd.DataFrame) -> pd.DataFrame:
    """Display table: Cohort, Analysis set, What was read, the unclear items (not read or not
    reported, :func:`unclear_text`), Overall risk of bias; one row per assessed cohort."""
    roles = {"atc_monotherapy": "ATC monotherapy", "atc_combination": "ATC combination",
             "other_histology": "other histology"}
    basis = a.items.groupby("study_id")["basis"].agg(lambda b: ", ".join(sorted(set(b))).replace("_", " "))
    rows = []
    for r in studies.sort_values("pub_order").itertuples(index=False):
        rows.append({"Cohort": r.label, "Analysis set": roles.get(r.pooling_role, r.pooling_role),
                     "What was read": basis.get(r.study_id, "–"),
                     UNCLEAR_COLUMN: unclear_text(a.items[a.items["study_id"] == r.study_id]),
                     "Overall risk of bias": OVERALL_LABELS[a.overall[r.study_id]]})
    return pd.DataFrame(rows, columns=["Cohort", "Analysis set", "What was read", UNCLEAR_COLUMN,
                                       "Overall risk of bias"])


def judged_frame(a: Assessment, studies: pd.DataFrame) -> pd.DataFrame:
    """Display table of the judgements other than *unclear*: Cohort, Item, Judgement, Support, Source."""
    labels = studies.set_index("study_id")["label"]
    rows = a.items[a.items["judgement"] != "unclear"]
    return pd.DataFrame({"Cohort": [labels[s] for s in rows["study_id"]],
                         "Item": [f"{q} {tool.ITEMS[q].lower()}" for q in rows["item"]],
                         "Judgement": [LABELS[j] for j in rows["judgement"]],
                         "Support": rows["support"].to_numpy(), "Source": rows["source"].to_numpy()},
                        columns=["Cohort", "Item", "Judgement", "Support", "Source"])
