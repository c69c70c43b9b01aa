"""Unit conversion: the one place where reported times become months."""

import math

import pytest

from living_review.data.units import DAYS_PER_MONTH, WEEKS_PER_MONTH, to_months


def test_constants_are_the_protocol_values():
    # Protocol: months = days / 30.4375 (= 365.25 / 12) = weeks / 4.348.
    assert DAYS_PER_MONTH == 365.25 / 12
    assert WEEKS_PER_MONTH == 4.348


@pytest.mark.parametrize(
    "value, unit, expected",
    [
        (62, "days", 62 / 30.4375),  # Bible 2012 median PFS as printed by Cao 2024 Table 1
        (30.4375, "days", 1.0),
        (25.1, "weeks", 25.1 / 4.348),  # anlotinib + chemotherapy median PFS
        (4.348, "weeks", 1.0),
        (2.6, "months", 2.6),
        (2, "years", 24.0),
    ],
)
def test_to_months(value, unit, expected, tol):
    assert abs(to_months(value, unit) - expected) <= tol["unit"]


def test_missing_value_gives_nan_even_without_unit():
    assert math.isnan(to_months(None, None))
    assert math.isnan(to_months(float("nan"), "days"))


def test_unknown_unit_lists_allowed_units():
    with pytest.raises(ValueError, match="days, weeks, months, years"):
        to_months(3, "fortnights")
