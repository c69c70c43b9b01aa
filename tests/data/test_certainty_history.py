"""previous_certainty.csv: a release's rating must be the one its downgrades give."""

from living_review.data import load_evidence
from living_review.validation import validate
from living_review.data.certainty_history import parse_downgrades, rating_of
from tests.data.conftest import read_rows, write_rows


def test_parse_and_rate():
    assert parse_downgrades("start low; risk of bias 1; inconsistency 2") == ("low", {"risk of bias": 1,
                                                                                     "inconsistency": 2})
    assert rating_of("start high; risk of bias 1") == "moderate"
    assert rating_of("start high; risk of bias 2; imprecision 2") == "very low"
    assert rating_of("start low; imprecision 2") == "very low"  # never below very low


def test_the_released_ratings_load():
    prev = load_evidence().previous_certainty
    assert set(prev["version"]) == {"1.2.0", "1.3.0"}
    old, new = prev[prev["version"] == "1.2.0"], prev[prev["version"] == "1.3.0"].set_index("outcome")
    assert (old["certainty"] == "very low").all()  # 1.2.0 rated every outcome very low
    assert old.set_index("outcome").loc["orr", "downgrades"] == "start low; risk of bias 1; inconsistency 2"
    # 1.3.0, by the rules of the appraisal issue: certainty in the estimate, starting high
    assert new.loc["orr", "downgrades"] == "start high; risk of bias 1; inconsistency 2; indirectness 1; imprecision 1"
    assert new.loc["os_12m", "certainty"] == "low" and new.loc["ae_grade3.hypertension", "certainty"] == "low"


def test_a_rating_its_downgrades_do_not_give_is_an_error(data_copy):
    path = data_copy.path("previous_certainty.csv")
    rows = read_rows(path)
    rows[1][rows[0].index("certainty")] = "low"   # orr: start low, -3 -> very low
    write_rows(path, rows)
    errors = [str(p) for p in validate(data_copy.dir) if p.severity == "error"]
    assert errors == ["data/previous_certainty.csv:2: certainty: 'low', but 'start low; risk of bias 1; inconsistency "
                      "2' gives 'very low' (correct the certainty or the downgrades as the release printed them)"]
