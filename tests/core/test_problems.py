"""Problem formatting and the error that carries every problem."""

from living_review.core.problems import DataValidationError, Problem, errors


def test_format_is_file_line_column_message():
    p = Problem("data/studies.csv", 7, "dcr_events", "13 exceeds its denominator (correct the count)")
    assert str(p) == "data/studies.csv:7: dcr_events: 13 exceeds its denominator (correct the count)"


def test_warning_is_tagged_and_not_an_error():
    w = Problem("data/a.csv", 1, "-", "CRLF line endings (handled)", "warning")
    assert str(w) == "data/a.csv:1: -: warning: CRLF line endings (handled)"
    assert errors([w]) == []


def test_error_is_a_value_error_carrying_all_problems():
    ps = [Problem("a.csv", 2, "x", "bad (fix)"), Problem("b.csv", 3, "y", "worse (fix)")]
    exc = DataValidationError(ps)
    assert isinstance(exc, ValueError)
    assert exc.problems == ps
    assert "a.csv:2: x: bad (fix)" in str(exc) and "b.csv:3: y: worse (fix)" in str(exc)
    assert str(exc).startswith("2 error(s)")
