"""Column widths of the PDF's tables: every column at least as wide as its longest word."""

from __future__ import annotations

import pytest
from docutils import nodes
from docutils.core import publish_doctree

from living_review.book.latex_tables import (
    CELL_PADDING_PT, POINTS_PER_CHAR, TEXT_BLOCK_PT, column_shares, fit_table,
)

LIST_TABLE = """
.. list-table::
   :header-rows: 1

   * - Field
     - Type
     - Source
   * - n_evaluable_response
     - integer
     - a
   * - ``^(estimate|ci_lower|ci_upper|tau2|i2|q_pvalue)$``
     - string
     - b
"""


def test_columns_get_their_natural_width_when_the_table_fits():
    shares = column_shares([10.0, 10.0], [50.0, 30.0])
    assert shares == pytest.approx([(50 + CELL_PADDING_PT) / TEXT_BLOCK_PT, (30 + CELL_PADDING_PT) / TEXT_BLOCK_PT],
                                   abs=1e-3)


def test_a_wide_table_keeps_every_minimum_and_fills_the_line():
    minimum, natural = [40.0, 30.0, 20.0], [900.0, 300.0, 20.0]
    shares = column_shares(minimum, natural)
    assert sum(shares) == pytest.approx(1.0, abs=0.005) and sum(shares) <= 1.0
    for share, least in zip(shares, minimum):
        assert share * TEXT_BLOCK_PT - CELL_PADDING_PT >= least - 0.5
    # the column with more text to hold gets more of what is left
    assert shares[0] > shares[1] > shares[2]


def test_minimums_wider_than_the_line_are_scaled_down_to_it():
    shares = column_shares([300.0, 300.0], [300.0, 300.0])
    assert sum(shares) <= 1.0 and shares[0] == shares[1]


def test_one_width_per_column_is_required():
    with pytest.raises(ValueError, match="one minimum and one natural"):
        column_shares([1.0], [1.0, 2.0])


def test_a_header_never_comes_out_narrower_than_its_word_and_long_code_can_break():
    table = publish_doctree(LIST_TABLE, settings_overrides={"report_level": 5}).next_node(nodes.table)
    spec = fit_table(table)["spec"]
    shares = [float(s.split("{")[1].rstrip("}")) for s in spec.split("\\LR")[1:]]
    assert len(shares) == 3 and sum(shares) <= 1.0
    source_width = shares[2] * TEXT_BLOCK_PT - CELL_PADDING_PT
    assert source_width >= len("Source") * POINTS_PER_CHAR["head"]
    field_width = shares[0] * TEXT_BLOCK_PT - CELL_PADDING_PT
    assert field_width >= len("n_evaluable_") * POINTS_PER_CHAR["text"]
    breaks = [raw for raw in table.findall(nodes.raw) if raw.astext() == r"\allowbreak{}"]
    # after each "|" and "_" of the regular expression, and after the two "_" of the field name
    assert len(breaks) == 5 + 3 + 2
    code = table.next_node(nodes.literal)
    assert "".join(t.astext() for t in code.findall(nodes.Text) if not isinstance(t.parent, nodes.raw)) == "^(estimate|ci_lower|ci_upper|tau2|i2|q_pvalue)$"


def test_tables_with_merged_cells_are_left_alone():
    source = """
+------+------+
| a    | b    |
+======+======+
| spans both  |
+------+------+
"""
    table = publish_doctree(source, settings_overrides={"report_level": 5}).next_node(nodes.table)
    assert fit_table(table) is None


def test_a_table_whose_words_do_not_fit_is_set_smaller():
    from living_review.book.latex_tables import FONT_SIZES, font_scale

    room = TEXT_BLOCK_PT - CELL_PADDING_PT * 10
    assert font_scale([room / 10] * 10) == 1.0
    assert font_scale([room / 10 / 0.85] * 10) == 0.8  # too wide at \small (0.9), fits at \footnotesize
    assert font_scale([room] * 10) == min(FONT_SIZES)  # the smallest size is the floor
    columns = "\n".join(f"     - Column{i}" for i in range(1, 12))
    cells = "\n".join(f"     - ATLEP-PEMBRO{i}" for i in range(1, 12))
    source = f".. list-table::\n   :header-rows: 1\n\n   * - Column0\n{columns}\n   * - ATLEP-PEMBRO0\n{cells}\n"
    table = publish_doctree(source, settings_overrides={"report_level": 5}).next_node(nodes.table)
    spec = fit_table(table)
    assert spec["font_scale"] < 1.0 and sum(float(s.split("{")[1].rstrip("}")) for s in spec["spec"].split("\\LR")[1:]) <= 1.0


def _long_list_table(rows: int) -> str:
    body = "\n".join(f"   * - cohort {i}\n     - {i}" for i in range(rows))
    return f".. list-table::\n   :header-rows: 1\n\n   * - Study\n     - n\n{body}\n"


def test_every_long_table_not_in_a_box_breaks_across_pages_and_a_short_one_stays_whole():
    from living_review.book.latex_tables import SHORT_ROWS, breaks_across_pages, is_short

    long_table = _long_list_table(SHORT_ROWS + 1)
    document = publish_doctree(long_table + "\n.. note::\n\n" + "\n".join("   " + line for line in long_table.splitlines()))
    free, boxed = list(document.findall(nodes.table))
    assert breaks_across_pages(free) and "longtable" in free["classes"]
    assert not breaks_across_pages(boxed) and "longtable" not in boxed["classes"]
    # a table of SHORT_ROWS rows fits a page: kept whole, never a longtable (which can print its head
    # over the footer when it starts right after figures placed at the top of the page)
    short = publish_doctree(_long_list_table(SHORT_ROWS)).next_node(nodes.table)
    assert is_short(short) and not breaks_across_pages(short) and "longtable" not in short["classes"]
    wordy = publish_doctree(LIST_TABLE.replace("integer", "integer " + "word " * 300, 1)).next_node(nodes.table)
    assert not is_short(wordy)
