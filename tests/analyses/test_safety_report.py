"""Adverse events: term-by-term pooling, serious events, set mismatches."""

import pandas as pd
import pytest

from living_review.meta import metaprop
from living_review.analyses import safety_report as sf
from living_review.settings import MetaAnalysisSettings

SETTINGS = MetaAnalysisSettings()


@pytest.mark.parametrize(("source", "status"), [
    ("Cao 2024 Table 3 (seed S-3), secondary, unverified", "secondary, unverified"),
    ("Cao 2024 Table 3 (seed S-3), secondary, unverified; Bible 2012 abstract 13% (extraction notes P-2)",
     "secondary, checked"),
    ("Kim 2021 abstract (seed S-0)", "primary"),
])
def test_source_status(source, status):
    assert sf.source_status(source) == status


def test_terms_pool_only_the_studies_that_report_them(ev):
    ids = ["bible2012", "tahara2017", "wirth2021", "higashiyama2022", "kim2021", "sparano2021", "ha2010"]
    terms = {t.term: t for t in sf.pool_terms(ev.adverse_events, ev.studies, ids, SETTINGS)}
    hyp = terms["Hypertension"]
    # data/adverse_events.csv: hypertension 2/15 (Bible), 5/17 (Tahara), 8/34 (Wirth), 5/50 (HOPE, mixed set)
    assert hyp.k == 4 and hyp.patients == 15 + 17 + 34 + 50
    want = metaprop([2, 5, 8, 5], [15, 17, 34, 50])
    assert hyp.result.estimate == pytest.approx(want.estimate, abs=1e-12)
    assert hyp.atc_only.k == 3
    assert hyp.atc_only.estimate == pytest.approx(metaprop([2, 5, 8], [15, 17, 34]).estimate, abs=1e-12)
    # aggregates and grade 5 rows are not terms; unreported terms are absent, never zero
    assert not any(sf.is_aggregate(t) for t in terms) and "Haemoptysis" not in terms
    assert terms["Lymphopenia"].k == 1 and terms["Lymphopenia"].atc_only is None
    assert list(terms)[0] == "Hypertension"
    assert sf.ledger_inputs(hyp)[-1] == {"study_id": "higashiyama2022", "events": 5, "n": 50,
                                        "population": "mixed_histology"}
    assert sf.ledger_key_part("Gamma-glutamyltransferase increased") == "gamma_glutamyltransferase_increased"


def test_term_tables_mark_mixed_sets_and_sources(ev):
    poolings = sf.pool_terms(ev.adverse_events, ev.studies, ["bible2012", "higashiyama2022"], SETTINGS)
    table = sf.term_table(poolings).set_index("Term")
    assert list(table.index) == ["Hypertension"]
    assert table.loc["Hypertension", "Events/N"] == "Bible 2012 2/15; Higashiyama 2022 (HOPE) 5/50*"
    # the ATC-only pooling of one study is that study's k = 1 estimate
    # R binom.test(2, 15)$conf.int = 0.0166 0.4046, labelled as one study
    assert table.loc["Hypertension", "ATC-only % (CI)"] == "13.3 (1.7–40.5), one study, exact CI"
    assert sf._pct_ci(metaprop([2], [15])) == "13.3 (1.7–40.5)"
    single = sf.single_term_table(poolings).set_index("Term")
    assert single.loc["Fatigue", "Events/N"] == "5/50*" and single.loc["Fatigue", "Source"] == "unverified"
    # one study is not pooled: its exact interval, R binom.test(5, 50)$conf.int = 0.0332 0.2181
    assert single.loc["Fatigue", "% (exact CI)"] == "10.0 (3.3–21.8)"
    # Bible's pharyngolaryngeal pain is Cao Table 3 confirmed by the primary abstract (13%)
    assert single.loc["Pharyngolaryngeal pain", "Source"] == "checked"
    assert "Hypertension" not in single.index


def test_serious_events_keep_fatal_life_threatening_and_reported_zeros(ev):
    table = sf.serious_events_table(ev.adverse_events, ev.studies, ["kim2021", "wirth2021", "tahara2017"])
    events = dict(zip(table["Event"], table["Events/N"]))
    # Kim 2021 abstract (S-0): tracheal perforation 1/14 (life-threatening), fatal pneumothorax 1/14;
    # Wirth: 'no grade 5 treatment-related AEs' is a reported zero
    assert events == {"Tracheal perforation": "1/14", "Pneumothorax and pneumomediastinum": "1/14",
                      "Any treatment-related adverse event": "0/34"}
    assert set(table["Grade"]) == {"≥3", "5 (fatal)"}
    assert table["Source"].str.contains("seed ").sum() == 0


def test_burden_rows_are_aggregates_below_grade_5(ev):
    table = sf.burden_table(ev.adverse_events, ev.studies, ["tahara2017", "wirth2021", "iwasaki2018"])
    assert table["Study"].tolist() == ["Tahara 2017", "Iwasaki 2018"]
    assert table.set_index("Study").loc["Tahara 2017", "Events/N"] == "15/17"


def test_set_mismatches_name_the_discrepancy(ev):
    ids = ["ha2010", "bible2012", "higashiyama2022", "kim2021"]
    table = sf.set_mismatches(ev.studies, ev.adverse_events, ev.discrepancies, ids).set_index("Study")
    # HOPE: efficacy 42, safety 50 (D05); Ha: AE /11 against 8 evaluable (D03, D14); Bible and Kim match
    assert list(table.index) == ["Ha 2010", "Higashiyama 2022 (HOPE)"]
    assert table.loc["Higashiyama 2022 (HOPE)", "Efficacy set"] == 42
    assert table.loc["Higashiyama 2022 (HOPE)", "AE denominators"] == "50"
    assert table.loc["Higashiyama 2022 (HOPE)", "Record"].startswith("D05:")
    assert isinstance(sf.set_mismatches(ev.studies, ev.adverse_events, ev.discrepancies, []), pd.DataFrame)


def test_status_counts_and_fatal_total(ev):
    ids = ["bible2012", "kim2021", "sparano2021", "wirth2021"]
    table = sf.status_table(ev.adverse_events, ev.studies, ids).set_index("Study")
    # data/adverse_events.csv: Bible has 2 rows checked against its abstract and 1 primary (fatal haemorrhage)
    assert table.loc["Bible 2012"].tolist() == [3, 1, 2, 0]
    assert table.loc["Wirth 2021", "Secondary, unverified"] == 4
    # fatal: Bible 1 (haemorrhage), Kim 1 (pneumothorax), Sparano 2 + 1; Wirth's grade 5 row is a reported 0
    assert sf.fatal_total(ev.adverse_events, ids) == (5, 3)
