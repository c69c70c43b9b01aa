"""Certainty across versions: the previous release's rating beside the current one, and what moved."""

import pandas as pd

from living_review.report import certainty_history as ch
from living_review.appraisal.certainty import CertaintyRating

NOW = CertaintyRating("very low", "high", (("risk of bias", 1, "100% of the weight"),
                                          ("indirectness", 1, "No BRAF status. Kim 2021 neoadjuvant."),
                                          ("imprecision", 1, "CI crosses 10%")))


def test_change_names_each_domain_that_moved_with_its_current_reason():
    text = ch.change("start low; risk of bias 1; imprecision 2", NOW)
    assert text == ("start low → high (a non-comparative estimate is rated as certainty in the estimate, Iorio et "
                    "al. 2015); risk of bias unchanged (−1); imprecision −2 → −1: CI crosses 10%; indirectness not "
                    "rated down → −1: No BRAF status")
    gone = ch.change("start high; inconsistency 1", CertaintyRating("high", "high", ()))
    assert gone == "inconsistency −1 → not rated down (the current rule is not met)"


def test_history_table_sets_then_beside_now():
    prev = pd.DataFrame([{"version": "1.2.0", "outcome": "orr", "certainty": "very low",
                          "downgrades": "start low; risk of bias 1", "source": "x"}])
    t = ch.history_table([ch.Rated("orr", "ORR", NOW), ch.Rated("dcr", "DCR", NOW)], prev)
    assert list(t.columns) == list(ch.COLUMNS)
    assert t.iloc[0][["Previous release", "Certainty then", "Certainty now"]].tolist() == ["1.2.0", "very low",
                                                                                          "very low"]
    assert t.iloc[0]["What changed and why"].startswith("unchanged rating: start low → high")
    assert t.iloc[1]["What changed and why"] == "new in this version"
    assert ch.comparative_key("rtog0912", "treatment_related_ae", "3-4") == "rtog0912.treatment_related_ae.3-4"
    assert ch.comparative_key("rtog0912", "OS", float("nan")) == "rtog0912.OS"


def test_every_current_outcome_of_the_book_has_its_previous_rating():
    from living_review.data import load_evidence
    from living_review.report import comparative_sof as csof
    from living_review.analyses import summary_of_findings as sof
    from living_review.report.comparative_risk_of_bias import overall_by_outcome
    from living_review.settings import load_settings

    ev = load_evidence()
    rated = ch.rated_rows(ev, sof.build_summary(ev, load_settings()), csof.build_rows(ev, overall_by_outcome(ev)))
    t = ch.history_table(rated, ev.previous_certainty)
    # every outcome of the book was rated by the latest release that printed it; the reported landmark
    # rates (1-year OS, 6-month PFS) first in 1.3.0 (1.2.0 printed model-based curve values in their place)
    latest = ev.previous_certainty.groupby("outcome")["version"].last()
    assert len(t) == 14 and set(t["Previous release"]) <= set(ev.previous_certainty["version"])
    landmarks = t["Outcome"].str.contains(" at ", regex=False)
    assert landmarks.sum() == 2 and (t["Previous release"] != "—").all()
    assert sorted(latest[k] for k in ("os_12m", "pfs_6m")) == ["1.3.0", "1.3.0"]
