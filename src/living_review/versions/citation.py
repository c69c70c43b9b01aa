"""How to cite this version: BibTeX, RIS and Zenodo metadata, all from ``CITATION.cff``.

``CITATION.cff`` (Citation File Format 1.2) is the one source of the review's citation
metadata; the version in it must equal :data:`living_review.__version__` (a test checks
this). Everything else is generated from it: the BibTeX and RIS entries printed on the
"How to cite this version" page and the ``.zenodo.json`` that Zenodo reads when a release
is archived. ``.zenodo.json`` is committed, and a test checks it equals what
:func:`zenodo_metadata` produces, so the two never disagree.

Conventions
-----------
* Authors are CFF persons (``family-names``, ``given-names``, optional ``orcid``,
  ``affiliation``) or entities (``name``). BibTeX writes persons as ``Family, Given`` and
  braces entity names so they are not split into first and last names.
* BibTeX uses ``@misc`` (read by BibTeX and biblatex alike) with a ``version`` field and
  the version also in ``note``; RIS uses ``TY  - COMP`` (computer program) or ``DATA``
  for a CFF ``type: dataset``, with the version in ``ET``.
* Zenodo's related identifiers come from the CFF ``doi``/``identifiers`` (the review
  itself), ``repository-code`` (``isSupplementedBy``) and every ``references`` entry
  with a ``doi`` (``references``).

References
----------
Druskat S, et al. Citation File Format 1.2.0. https://citation-file-format.github.io/
Zenodo deposition metadata. https://developers.zenodo.org/#representation

Example
-------
>>> print(bibtex())  # doctest: +SKIP
@misc{living_review_0_1_0,
  ...
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from living_review.core.paths import project_root

CFF_FILE = "CITATION.cff"
ZENODO_FILE = ".zenodo.json"


@dataclass(frozen=True)
class Author:
    """One CFF author: a person (family and given names) or an entity (name)."""

    family: str | None = None
    given: str | None = None
    name: str | None = None
    orcid: str | None = None
    affiliation: str | None = None

    @property
    def display(self) -> str:
        """``Family, Given`` for a person, the name for an entity."""
        if self.name:
            return self.name
        return ", ".join(part for part in (self.family, self.given) if part)


@dataclass(frozen=True)
class Citation:
    """The citation metadata of one version, read from ``CITATION.cff``."""

    title: str
    version: str
    date_released: str | None
    authors: tuple[Author, ...]
    license: str | None
    keywords: tuple[str, ...]
    abstract: str
    type: str
    doi: str | None
    url: str | None
    repository_code: str | None
    reference_dois: tuple[str, ...]

    @property
    def year(self) -> str | None:
        return self.date_released[:4] if self.date_released else None

    def summary(self) -> str:
        names = "; ".join(a.display for a in self.authors)
        return f"{names} ({self.year or 'n.d.'}). {self.title}. Version {self.version}."


def _date(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def load_citation(root: Path | None = None) -> Citation:
    """Read ``<root>/CITATION.cff``; ``ValueError`` naming the field if a required one is missing."""
    from living_review.core.yamlfile import read_yaml

    path = Path(root or project_root()) / CFF_FILE
    raw = read_yaml(path, CFF_FILE).data or {}  # a syntax error is located: FILE:LINE:COLUMN
    if not isinstance(raw, dict):
        raise ValueError(f"{CFF_FILE}:1: the file holds {raw!r}, not the fields of a citation (see cff-version 1.2)")
    for field in ("title", "version", "authors"):
        if not raw.get(field):
            raise ValueError(f"{CFF_FILE}: the field {field!r} is missing or empty; add it to cite a version")
    authors = []
    for i, entry in enumerate(raw["authors"]):
        if not (entry.get("name") or entry.get("family-names")):
            raise ValueError(f"{CFF_FILE}: authors[{i}] has neither 'name' nor 'family-names'")
        authors.append(Author(
            family=entry.get("family-names"), given=entry.get("given-names"), name=entry.get("name"),
            orcid=entry.get("orcid"), affiliation=entry.get("affiliation"),
        ))
    doi = raw.get("doi") or next(
        (i["value"] for i in raw.get("identifiers") or [] if i.get("type") == "doi"), None
    )
    return Citation(
        title=str(raw["title"]).strip(),
        version=str(raw["version"]),
        date_released=_date(raw.get("date-released")),
        authors=tuple(authors),
        license=raw.get("license") if isinstance(raw.get("license"), str) else None,
        keywords=tuple(str(k) for k in raw.get("keywords") or ()),
        abstract=" ".join(str(raw.get("abstract", "")).split()),
        type=str(raw.get("type", "software")),
        doi=doi,
        url=raw.get("url"),
        repository_code=raw.get("repository-code"),
        reference_dois=tuple(r["doi"] for r in raw.get("references") or () if r.get("doi")),
    )


def citation_key(citation: Citation) -> str:
    """BibTeX key, e.g. ``living_review_v0_1_0_dev0``: one key per version."""
    return "living_review_v" + re.sub(r"[^A-Za-z0-9]+", "_", citation.version).strip("_")


_BIB_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\textbraceleft{}", "}": r"\textbraceright{}",
                "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


def _bib_escape(text: str) -> str:
    """Text for a braced BibTeX field: LaTeX's special characters written as commands (braces stay balanced)."""
    return re.sub(r"[&%$#_]|[\\{}~^]", lambda m: _BIB_SPECIAL.get(m.group(), "\\" + m.group()), text)


def bibtex(root: Path | None = None, citation: Citation | None = None) -> str:
    """BibTeX ``@misc`` entry for this version, or for ``citation`` (text ending in a newline)."""
    c = citation or load_citation(root)
    authors = " and ".join(
        "{" + _bib_escape(a.name) + "}" if a.name else _bib_escape(a.display) for a in c.authors
    )
    fields = [("author", authors), ("title", "{" + _bib_escape(c.title) + "}"), ("version", c.version)]
    if c.year:
        fields.append(("year", c.year))
        if re.match(r"^\d{4}-\d{2}", c.date_released):
            fields.append(("month", str(int(c.date_released[5:7]))))
    fields.append(("note", f"Version {c.version}"))
    if c.doi:
        fields.append(("doi", c.doi))
    if c.url or c.repository_code:
        fields.append(("url", c.url or c.repository_code))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
    return f"@misc{{{citation_key(c)},\n{body}\n}}\n"


def ris(root: Path | None = None, citation: Citation | None = None) -> str:
    """RIS record for this version, or for ``citation`` (tags ``TY`` ... ``ER``, one per line)."""
    c = citation or load_citation(root)
    lines = [("TY", "DATA" if c.type == "dataset" else "COMP")]
    lines += [("AU", a.display) for a in c.authors]
    lines.append(("TI", c.title))
    lines.append(("ET", c.version))
    if c.year:
        lines.append(("PY", c.year))
        lines.append(("DA", c.date_released.replace("-", "/")))
    if c.abstract:
        lines.append(("AB", c.abstract))
    lines += [("KW", k) for k in c.keywords]
    if c.doi:
        lines.append(("DO", c.doi))
    if c.url or c.repository_code:
        lines.append(("UR", c.url or c.repository_code))
    lines.append(("ER", ""))
    return "".join(f"{tag}  - {value}".rstrip() + "\n" for tag, value in lines)


@dataclass(frozen=True)
class CitationStatus:
    """Whether the build is a release, and the release a reader should cite.

    ``latest`` is the citation of the newest committed release (``CITATION.cff`` with that
    version and its release date), or None when nothing has been released; ``current`` is
    this build's own.
    """

    current: Citation
    is_release: bool
    latest: Citation | None

    def sentence(self) -> str:
        if self.is_release:
            released = f", released {self.current.date_released}" if self.current.date_released else ""
            return f"This is release {self.current.version}{released}: cite it as below."
        if self.latest is None:
            return (f"This build ({self.current.version}) is a development build, not a release, and no version "
                    "has been released yet: there is no version to cite.")
        date = f", released {self.latest.date_released}" if self.latest.date_released else ""
        return (f"This build ({self.current.version}) is a development build, not a release: its numbers may still "
                f"change and it has no archive or checksum. The latest release is version {self.latest.version}"
                f"{date}; cite that version (below), and read it in its archive or rebuild it with "
                f"'living-review verify {self.latest.version}'.")


def citation_status(root: Path | None = None) -> CitationStatus:
    """This build's citation, whether it is a release, and the latest release's citation."""
    from dataclasses import replace

    from living_review.versions.dates import is_release_version, latest_release, release_date
    root = Path(root or project_root())
    current = load_citation(root)
    # a release version is a release already in the build that makes it: make release builds the book
    # before it writes the summary
    released = is_release_version(current.version)
    found = latest_release(root)
    latest = None
    if found is not None:
        version, date = found
        latest = replace(current, version=version, date_released=date)
    if released:
        current = replace(current, date_released=release_date(current.version, root) or current.date_released)
        latest = current
    return CitationStatus(current, released, latest)


def zenodo_metadata(root: Path | None = None) -> dict:
    """The ``.zenodo.json`` content for this version, with the same metadata as the CFF file."""
    c = load_citation(root)
    creators = []
    for a in c.authors:
        creator = {"name": a.display}
        if a.affiliation:
            creator["affiliation"] = a.affiliation
        if a.orcid:
            creator["orcid"] = a.orcid.rsplit("/", 1)[-1]
        creators.append(creator)
    related = []
    if c.repository_code:
        related.append({"identifier": c.repository_code, "relation": "isSupplementedBy", "scheme": "url"})
    related += [{"identifier": doi, "relation": "references", "scheme": "doi"} for doi in c.reference_dois]
    meta = {
        "title": c.title,
        "version": c.version,
        "upload_type": "dataset" if c.type == "dataset" else "software",
        "creators": creators,
        "description": c.abstract,
        "keywords": list(c.keywords),
        "related_identifiers": related,
    }
    if c.license:
        meta["license"] = {"id": c.license}
    if c.date_released:
        meta["publication_date"] = c.date_released
    if c.doi:
        meta["doi"] = c.doi
    return meta


def zenodo_json(root: Path | None = None) -> str:
    """``.zenodo.json`` text: sorted keys, two-space indent, final newline."""
    return json.dumps(zenodo_metadata(root), sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def write_zenodo_json(root: Path | None = None) -> Path:
    """Write ``<root>/.zenodo.json`` from ``CITATION.cff`` and return its path."""
    root = Path(root or project_root())
    path = root / ZENODO_FILE
    path.write_text(zenodo_json(root), encoding="utf-8")
    return path


def main() -> int:
    print(f"wrote {write_zenodo_json().name}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
