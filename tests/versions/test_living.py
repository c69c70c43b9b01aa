"""The living mode: frequency, next search due, what ends it; every setting checked."""

import pytest

from living_review.core.paths import project_root
from living_review.versions.living import LivingPlan, living_plan, living_sentence, next_search_due
from living_review.settings import SettingsError


def test_the_next_search_is_the_last_plus_the_frequency_in_calendar_months():
    assert next_search_due("2026-12-01", 3) == "2027-03-01"
    assert next_search_due("2026-11-30", 3) == "2027-02-28"  # the last day of a shorter month
    assert next_search_due("2027-12-31", 2) == "2028-02-29"


def test_the_sentence_says_when_the_next_search_is_due_and_whether_it_is_overdue():
    plan = LivingPlan(3, "x")
    assert living_sentence(plan, "2026-12-01", "2026-12-08") == (
        "The searches are rerun every 3 months: the last was on 2026-12-01, so the next is due by 2027-03-01.")
    assert living_sentence(plan, "2026-12-01", "2027-03-02").endswith("on the build date (2027-03-02) it is overdue.")
    assert "no search date is recorded" in living_sentence(plan, "not recorded", "2026-12-08")


def test_the_project_plan_is_set_and_a_wrong_setting_is_named(tmp_path):
    plan = living_plan(project_root() / "review.yml")
    assert plan.search_every_months == 3 and "leaves living mode" in plan.ends_when
    path = tmp_path / "review.yml"
    path.write_text("releases:\n  living: {search_every_months: 0, ends_when: '', often: 1}\n")
    with pytest.raises(SettingsError) as error:
        living_plan(path)
    text = str(error.value)
    assert "releases.living: unknown key 'often'" in text
    assert "releases.living.search_every_months: 0 is not a whole number of months from 1 to 24" in text
    assert "releases.living.ends_when: empty" in text
    path.write_text("releases: {}\n")
    assert living_plan(path) is None
