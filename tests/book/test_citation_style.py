"""Citations read "Ito et al., 2017" whether the bibliography lists three authors or one and ``others``."""

from __future__ import annotations

import pytest
from pybtex.database import Entry, Person
from sphinxcontrib.bibtex import plugin

from living_review.book.citation_style import STYLE_NAME, AuthorYearEtAlReferenceStyle, register


def _author_text(*names: str, full: bool = False) -> str:
    entry = Entry("article", fields={"year": "2017", "title": "T"}, persons={"author": [Person(n) for n in names]})
    style = AuthorYearEtAlReferenceStyle()
    return style.person.names("author", full=full).format_data({"entry": entry, "style": style}).render_as("text")


@pytest.mark.parametrize(("names", "cited"), [
    (("Ito, Y.", "others"), "Ito et al."),
    (("Kim, S.", "Lee, J.", "Park, H."), "Kim et al."),
    (("Kim, S.", "Lee, J.", "others"), "Kim et al."),
    (("Kim, S.", "Lee, J."), "Kim and Lee"),
    (("Kim, S.",), "Kim"),
])
def test_first_author_et_al_for_every_list_that_is_cut(names, cited):
    assert _author_text(*names) == cited


def test_the_style_is_registered_for_sphinxcontrib_bibtex():
    register()
    register()  # twice is harmless
    assert plugin.find_plugin("sphinxcontrib.bibtex.style.referencing", STYLE_NAME) is AuthorYearEtAlReferenceStyle
