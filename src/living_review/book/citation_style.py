"""Sphinx extension: one citation style, "Ito et al., 2017", whatever the author list holds.

The bibliography gives ``Ito, Y. and others`` where a source shows only the first author (and
entries generated from ``data/studies.csv`` are written the same way). BibTeX's ``others``
stands for the authors not shown, but sphinxcontrib-bibtex's author-year style joins a
two-person list with "and", so such a work was cited as "Ito and others, 2017" beside
"Kim et al., 2021". This module registers the referencing style ``author_year_et_al``
(``bibtex_reference_style`` in ``_config.yml``): the author-year style, in which a list that
ends with ``others`` is cited by its first author and "et al.", as a list of three or more
authors is. Every other citation reads as the author-year style prints it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pybtex.richtext import Tag, Text
from pybtex.style.template import first_of, node, optional, tag
from pybtex.style.template import field as bib_field
from sphinx.application import Sphinx
from sphinxcontrib.bibtex import plugin
from sphinxcontrib.bibtex.style.referencing import PersonStyle
from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle
from sphinxcontrib.bibtex.style.template import join, names

from living_review._version import __version__

STYLE_NAME = "author_year_et_al"


def _is_others(person) -> bool:
    return str(person).strip().casefold() == "others"


@node
def names_et_al(children, data, role, et_al=None, **kwargs):
    """``names`` of sphinxcontrib-bibtex, except that "A and others" reads "A et al."."""
    assert not children
    persons = data["entry"].persons.get(role, [])
    if len(persons) > 1 and _is_others(persons[-1]):
        style = data["style"]
        first = style.person.style_plugin.format(persons[0], style.person.abbreviate)
        return Text(join()[first].format_data(data), et_al or Text(" ", Tag("em", "et al.")))
    return names(role=role, **kwargs).format_data(data)


@node
def author_or_editor_or_title_et_al(children, data, **kwargs):
    assert not children
    return first_of[
        optional[names_et_al("author", **kwargs)],
        optional[names_et_al("editor", **kwargs)],
        tag("em")[bib_field("title")],
    ].format_data(data)


@dataclass
class EtAlPersonStyle(PersonStyle):
    """Person style whose lists ending in ``others`` are cited as "first author et al."."""

    def names(self, role: str, full: bool):
        return names_et_al(role=role, sep=self.sep, sep2=self.sep2, last_sep=self.last_sep,
                           other=None if full else self.other, et_al=self.other)

    def author_or_editor_or_title(self, full: bool):
        return author_or_editor_or_title_et_al(sep=self.sep, sep2=self.sep2, last_sep=self.last_sep,
                                               other=None if full else self.other, et_al=self.other)


@dataclass
class AuthorYearEtAlReferenceStyle(AuthorYearReferenceStyle):
    """The author-year referencing style with :class:`EtAlPersonStyle`."""

    person: PersonStyle = field(default_factory=EtAlPersonStyle)


def register() -> None:
    """Make ``author_year_et_al`` known to sphinxcontrib-bibtex (idempotent)."""
    plugin.register_plugin("sphinxcontrib.bibtex.style.referencing", STYLE_NAME, AuthorYearEtAlReferenceStyle,
                           force=True)


def setup(app: Sphinx) -> dict:
    register()
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
