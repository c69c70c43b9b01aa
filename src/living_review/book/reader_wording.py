"""Sphinx extension: pages speak to readers, not to the people who maintain the review.

A clinician reading a chapter should not meet the build's machinery ("computed in this same
build", "the ledger", the validator's command, a Python import path), notes written for the
extractors ("[not itemised in the addendum]"), or a template's unresolved plural
("measure(s)"). :data:`INTERNAL_PHRASES` is the one list of such wording; the README and the
methods' reproducibility section are where the machinery is described, in words a reader can
skip.

After each page is resolved (HTML and PDF alike), every text a reader sees is checked against
the list, and every figure's alt text against its caption: an alt text that repeats the
caption tells a screen-reader user nothing the caption does not. Each finding is a Sphinx
warning naming the page, so the book build (warnings are errors) fails on it.

Code cells are not read: the list is about prose, tables and captions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging

from living_review._version import __version__

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Phrase:
    """One piece of internal wording: the pattern (a regular expression, case-insensitive)
    and what to write instead."""

    pattern: str
    instead: str

    def finditer(self, text: str):
        return re.finditer(self.pattern, text, flags=re.IGNORECASE)


#: Wording for maintainers that no page may print.
INTERNAL_PHRASES: tuple[Phrase, ...] = (
    Phrase(r"computed in this same build", "name the chapter the numbers come from"),
    Phrase(r"\b(the|review.s) configured analysis\b", "name the analysis (model, transformation, estimator)"),
    Phrase(r"generated from one template", "say what the chapter gathers"),
    Phrase(r"\bledger\b", "say where the estimates are published (the release summary, the downloads)"),
    Phrase(r"living-review validate", "describe the check in words; the command belongs in the README"),
    Phrase(r"\bliving_review\.[a-z_.]+", "describe what is done; module names belong in the README"),
    Phrase(r"\bload_evidence\b", "describe what is done; function names belong in the README"),
    Phrase(r"the title was not shown in the pages read", "give the citation as far as it is known"),
    Phrase(r"not itemised in the addendum", "give the citation as far as it is known"),
    Phrase(r"addendum to the extraction notes", "say once, in the methods, how titles were obtained"),
    Phrase(r"Combination: pooled separately", "combinations are pooled by regimen only with two independent cohorts"),
    Phrase(r"\b[A-Z][a-z]+ and others, \d{4}", "cite as the bibliography style does: 'Ito et al., 2017'"),
)

#: A template's unresolved plural: "measure(s)", "AE denominator(s)", "partner(s)".
TEMPLATE_PLURAL = Phrase(r"\b[A-Za-z]+\(s\)", "write the singular or the plural the value needs")

_SKIPPED = (nodes.literal_block, nodes.raw, nodes.comment, nodes.system_message)


def find_internal_wording(text: str) -> list[str]:
    """Every internal phrase and template plural in ``text``, as 'found' (instead: ...)."""
    found = []
    for phrase in (*INTERNAL_PHRASES, TEMPLATE_PLURAL):
        for match in phrase.finditer(text):
            found.append(f"{match.group(0)!r} (instead: {phrase.instead})")
    return found


def _skipped(node: nodes.Node) -> bool:
    parent = node.parent
    while parent is not None:
        if isinstance(parent, _SKIPPED) or "cell_input" in parent.get("classes", ()):
            return True
        parent = parent.parent
    return False


def reader_text(document: nodes.Node) -> list[str]:
    """The texts of ``document`` a reader sees, one per paragraph-like block (code left out)."""
    blocks = []
    for node in document.findall(nodes.TextElement):
        if isinstance(node, _SKIPPED) or _skipped(node):
            continue
        if any(isinstance(child, nodes.TextElement) and not isinstance(child, nodes.Inline) for child in node.children):
            continue  # a container of blocks: its blocks are read on their own
        text = " ".join(node.astext().split())
        if text:
            blocks.append(text)
    return blocks


def _plain(text: str) -> str:
    return " ".join(re.sub(r"[^\w%.,;:()–-]+", " ", text).split()).strip(" .").casefold()


def alt_equal_to_caption(document: nodes.Node) -> list[str]:
    """The captions of figures whose image's alt text only repeats the caption (or is missing)."""
    found = []
    for figure in document.findall(nodes.figure):
        caption = next(iter(figure.findall(nodes.caption)), None)
        if caption is None:
            continue
        for image in figure.findall(nodes.image):
            alt = image.get("alt", "")
            if not alt.strip() or _plain(alt) == _plain(caption.astext()):
                found.append(" ".join(caption.astext().split())[:80])
    return found


def page_problems(document: nodes.Node) -> list[str]:
    """What a page prints that readers should not read (see the module docstring)."""
    problems = []
    for text in reader_text(document):
        problems += [f"prints {found}" for found in find_internal_wording(text)]
    problems += [f"figure {caption!r}: its alt text only repeats the caption; say what it shows"
                 for caption in alt_equal_to_caption(document)]
    return list(dict.fromkeys(problems))


def _check(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    if app.builder.format != "html":
        return  # the PDF assembles the same pages; checking them once is enough
    for problem in page_problems(doctree):
        logger.warning(f"{docname}: {problem}", location=docname, type="living_review", subtype="wording")


def setup(app: Sphinx) -> dict:
    app.connect("doctree-resolved", _check)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
