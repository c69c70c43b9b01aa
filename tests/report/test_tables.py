"""Tables as MyST markdown (expected sources written by hand)."""

import math

import pandas as pd
import pytest

from living_review.report.tables import markdown_source, markdown_table


def test_plain_table_aligns_numbers_right_and_marks_missing_values():
    frame = pd.DataFrame({"study": ["Ha 2010", "Bible|2012"], "events": [2, 0], "p": [0.25, math.nan]})
    assert markdown_source(frame) == (
        "| study | events | p |\n|:---|---:|---:|\n| Ha 2010 | 2 | 0.25 |\n| Bible\\|2012 | 0 | – |"
    )


def test_captioned_named_table_is_a_table_directive():
    source = markdown_source(pd.DataFrame({"a": ["x"]}), caption="Included studies", name="tbl-included")
    assert source.startswith(":::{table} Included studies\n:name: tbl-included\n:align: center\n\n| a |")
    assert source.endswith(":::")
    assert markdown_table(pd.DataFrame({"a": [1]})).data == "| a |\n|---:|\n| 1 |"


@pytest.mark.parametrize(("kwargs", "message"), [({"name": "Bad"}, "table name"), ({"align": "lx"}, "align")])
def test_bad_options(kwargs, message):
    with pytest.raises(ValueError, match=message):
        markdown_source(pd.DataFrame({"a": [1], "b": [2]}), **kwargs)
