"""Sphinx extension: the PDF has the parts and chapters of ``_toc.yml`` and one bibliography.

Sphinx's LaTeX builder assembles the whole book into one doctree by inlining every toctree
where it stands in the root page. Left alone, the root page's own sections become chapters
and every chapter of the book a section of the root page's "This version" section; the
part captions of ``_toc.yml`` are lost. Each chapter also ends with its own bibliography
(filtered to the page, for the HTML site), and the LaTeX builder gathers the entries of all of
them into one list at the end: a work cited in fifteen chapters is listed fifteen times, and
every "References" heading is left empty.

After the LaTeX builder has assembled the book (a post-transform for the ``latex`` format,
run after Sphinx gathered the citations), this module

- puts each chapter under a section titled with its part's caption, which
  ``latex_toplevel_sectioning = "part"`` renders as ``\\part``; the root page's own text
  stays in front of the first part, as an unnumbered chapter "About this book" whose
  headings are rubrics;
- keeps one bibliography entry per work, in order of its label, and points every citation
  at the entry kept;
- removes every section left without content, such as the emptied "References" headings.

The HTML site is untouched.
"""

from __future__ import annotations

import re
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.builders.latex.nodes import thebibliography
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinxcontrib.bibtex.nodes import raw_latex

from living_review._version import __version__

FRONT_TITLE = "About this book"
CITE_LINK = re.compile(r"\\hyperlink\{cite\.([^}]*)\}")


def _outermost_files(document: nodes.document) -> list[addnodes.start_of_file]:
    """The pages inlined by the root page's own toctrees (not those of its chapters)."""
    found = []
    for node in document.findall(addnodes.start_of_file):
        parent = node.parent
        while parent is not None and not isinstance(parent, addnodes.start_of_file):
            parent = parent.parent
        if parent is None:
            found.append(node)
    return found


def _parts(app: Sphinx) -> list[tuple[str, list[str]]]:
    """(caption, docnames) of each part of the table of contents, in reading order."""
    site_map = getattr(app.env, "external_site_map", None) or getattr(app.config, "external_site_map", None)
    if site_map is None:
        return []
    root = site_map[app.config.root_doc]
    return [(tree.caption or "", tree.files()) for tree in root.subtrees]


def arrange_parts(document: nodes.document, parts: list[tuple[str, list[str]]]) -> None:
    """Move every chapter into a section titled with its part's caption, in place.

    The part sections are appended to the root page's top section; the root page's own
    subsections are flattened into its top section, their titles kept as rubrics.
    """
    top = next(iter(document.findall(nodes.section)), None)
    if top is None or not parts:
        return
    chapters = {node["docname"]: node for node in _outermost_files(document)}
    # the root page's text opens the book under its own unnumbered heading (and running head)
    first = next((i for i, child in enumerate(top.children) if not isinstance(child, nodes.title)), len(top.children))
    opening = r"\chapter*{%s}\markboth{%s}{%s}" % ((FRONT_TITLE,) * 3)
    top.insert(first, nodes.raw("", opening, format="latex"))
    # the root page's own headings: unnumbered, so that its parts are the book's first level
    for section in [child for child in top.children if isinstance(child, nodes.section)]:
        flattened: list[nodes.Node] = []
        for child in section.children:
            if isinstance(child, nodes.title):
                flattened.append(nodes.rubric(child.rawsource, "", *child.children))
            else:
                flattened.append(child)
        section.replace_self(flattened)
    for caption, docnames in parts:
        members = [chapters.pop(name) for name in docnames if name in chapters]
        if not members:
            continue
        part = nodes.section("", nodes.title(caption, caption), ids=[nodes.make_id(f"part-{caption}")])
        for member in members:
            member.parent.remove(member)
            part += member
        top += part
    for wrapper in [n for n in top.findall(nodes.compound) if "toctree-wrapper" in n["classes"]]:
        if not any(True for _ in wrapper.findall(addnodes.start_of_file)) and wrapper.parent is not None:
            wrapper.parent.remove(wrapper)


def merge_bibliographies(document: nodes.document) -> None:
    """One entry per work in each ``thebibliography``, sorted by label; citations retargeted.

    Two entries are the same work when their formatted references read the same (their labels
    may differ: "I+17" on a page citing one arm of a paper, "I+17a" on one citing both).
    """
    retarget: dict[str, str] = {}
    for bibliography in list(document.findall(thebibliography)):
        kept: dict[str, nodes.citation] = {}
        for citation in list(bibliography.children):
            work = " ".join(c.astext() for c in citation.children if not isinstance(c, nodes.label))
            target = f"{citation['docname']}:{citation['ids'][0]}"
            if work in kept:
                first = kept[work]
                retarget[target] = f"{first['docname']}:{first['ids'][0]}"
                bibliography.remove(citation)
            else:
                kept[work] = citation
        bibliography.children = sorted(bibliography.children, key=lambda c: c.astext().casefold())
    if not retarget:
        return
    # sphinxcontrib-bibtex writes each citation's link as raw LaTeX (its ``raw_latex`` node
    # prints ``rawsource``): \hyperlink{cite.<docname>:<id>}{
    for raw in list(document.findall(raw_latex)):
        raw.rawsource = CITE_LINK.sub(
            lambda m: "\\hyperlink{cite.%s}" % retarget.get(m.group(1), m.group(1)), raw.rawsource
        )


def _file_of(node: nodes.Node) -> addnodes.start_of_file | None:
    parent = node.parent
    while parent is not None and not isinstance(parent, addnodes.start_of_file):
        parent = parent.parent
    return parent


def lift_subpages(document: nodes.document) -> None:
    """Put each page's own sub-pages after the whole page, not inside its last section.

    A chapter's toctree stands at the end of its source, so its sub-pages would otherwise be
    nested under the chapter's last heading ("References").
    """
    for page in list(document.findall(addnodes.start_of_file)):
        top = next((c for c in page.children if isinstance(c, nodes.section)), None)
        if top is None:
            continue
        for wrapper in list(top.findall(nodes.compound)):
            if "toctree-wrapper" in wrapper["classes"] and wrapper.parent is not top and _file_of(wrapper) is page:
                wrapper.parent.remove(wrapper)
                top += wrapper


def _blank(node: nodes.Node) -> bool:
    """Nothing a reader would see: link targets, a transition (MyST sets one before a page's
    footnotes, which the PDF prints at the foot of their pages instead), and wrappers holding
    only those."""
    if isinstance(node, (nodes.target, nodes.transition)):
        return True
    if isinstance(node, (nodes.container, nodes.compound)):
        return all(_blank(child) for child in node.children)
    return False


def drop_empty_sections(document: nodes.document) -> None:
    """Remove every section whose only content is its title (and link targets), deepest first."""
    changed = True
    while changed:
        changed = False
        for section in list(document.findall(nodes.section)):
            content = [c for c in section.children if not isinstance(c, nodes.title) and not _blank(c)]
            if not content and section.parent is not None:
                section.parent.remove(section)
                changed = True


class LatexBookStructure(SphinxPostTransform):
    """Parts, one bibliography and no empty heading in the assembled LaTeX book."""

    default_priority = 800  # after sphinx.builders.latex.transforms.BibliographyTransform (750)
    formats = ("latex",)

    def run(self, **kwargs: Any) -> None:
        if not any(True for _ in self.document.findall(addnodes.start_of_file)):
            return
        lift_subpages(self.document)
        drop_empty_sections(self.document)
        arrange_parts(self.document, _parts(self.app))
        merge_bibliographies(self.document)


def setup(app: Sphinx) -> dict:
    app.add_post_transform(LatexBookStructure)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
