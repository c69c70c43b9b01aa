"""One check for a value of a closed set, with one message."""

from __future__ import annotations

import pytest

from living_review.core.choices import check_choice


def test_a_choice_is_returned_and_any_other_value_refused_with_the_choices():
    assert check_choice("outcome", "DCR", ("ORR", "DCR")) == "DCR"
    with pytest.raises(ValueError, match=r"^outcome='OS' is not allowed; choose one of ORR, DCR$"):
        check_choice("outcome", "OS", ("ORR", "DCR"))


def test_the_error_type_can_be_the_callers():
    class SettingsError(ValueError):
        pass

    with pytest.raises(SettingsError, match="level=0.8 is not allowed; choose one of 0.9, 0.95"):
        check_choice("level", 0.8, (0.9, 0.95), SettingsError)
