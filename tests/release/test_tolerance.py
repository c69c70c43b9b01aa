"""Numbers compared within the stated tolerance: last bits are within, anything else beyond."""

from living_review.release.tolerance import ATOL, RTOL, close, number_differences


def test_the_published_and_rebuilt_last_bits_of_release_1_2_0_are_within_the_tolerance():
    # the two values of estimates.survival.os.curve.median.ci_high (published 1.2.0, and
    # rebuilt with another OpenBLAS kernel)
    assert close(4.539838791806166, 4.5398387918061545)
    assert not close(4.539838791806166, 4.54)
    assert RTOL == 1e-9 and ATOL == 1e-12


def test_number_differences_sort_fields_into_within_and_beyond():
    published = {"a": {"ci": [0.1, 0.2], "k": 3, "name": "x", "nan": float("nan")}, "b": 1.0}
    rebuilt = {"a": {"ci": [0.1, 0.2 + 2e-16], "k": 3, "name": "x", "nan": float("nan")}, "b": 1.0}
    assert number_differences(published, rebuilt).within == ("a.ci[1]",)
    assert number_differences(published, rebuilt).beyond == ()
    rebuilt["a"]["k"] = 4
    rebuilt["a"]["name"] = "y"
    found = number_differences(published, rebuilt)
    assert found.beyond == ("a.k: published 3, rebuilt 4", "a.name: published 'x', rebuilt 'y'")
    assert number_differences({"a": 1}, {}).beyond == ("a: published, missing from the rebuild",)
    assert number_differences({"f": "a" * 64}, {"f": "b" * 64}, ignore=("f",)) == number_differences({}, {})
