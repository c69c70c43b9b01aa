"""How the records' identifiers and text are normalised, so that two exports of one article
compare equal: DOI, PMID, year, folded text, and the keys fuzzy matching uses."""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi\.org/|doi:\s*|doi\s+)", re.I)
_DOI_SHAPE = re.compile(r"^10\.\d{4,9}/\S+$")
_PMID_PREFIX = re.compile(r"^(?:pmid:?\s*)", re.I)
_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)")


def normalise_doi(value: object) -> str:
    """Return a DOI in canonical form: lower case, without resolver URL or ``doi:`` prefix.

    Parameters
    ----------
    value : str or None
        A DOI as exported: ``10.1089/THY.2016.0621``, ``doi:10.1089/...``,
        ``https://doi.org/10.1089/...`` or ``http://dx.doi.org/10.1089/...``.

    Returns
    -------
    str
        ``"10.1089/thy.2016.0621"``; ``""`` when the value is empty.

    Notes
    -----
    DOIs are case-insensitive (DOI Handbook, section 2.4), so lower case is lossless.
    Trailing punctuation left by citation styles (``.``, ``,``, ``;``) is removed.

    Raises
    ------
    ValueError
        When a non-empty value does not have the DOI shape ``10.<registrant>/<suffix>``.

    Example
    -------
    >>> normalise_doi("https://doi.org/10.1530/ERC-20-0106.")
    '10.1530/erc-20-0106'
    """
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    text = str(value).strip()
    if not text:
        return ""
    text = _DOI_PREFIX.sub("", text).strip().rstrip(".,;").lower()
    if not _DOI_SHAPE.match(text):
        raise ValueError(f"{value!r} is not a DOI; expected the form 10.<registrant>/<suffix>")
    return text


def normalise_pmid(value: object) -> str:
    """Return a PubMed identifier as digits only (``"PMID: 28635560"`` -> ``"28635560"``).

    Raises ``ValueError`` when a non-empty value is not a positive integer.

    Example
    -------
    >>> normalise_pmid("PMID: 33112817")
    '33112817'
    """
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    text = _PMID_PREFIX.sub("", str(value).strip()).strip()
    if text.endswith(".0") and text[:-2].isdigit():  # a spreadsheet stored it as a float
        text = text[:-2]
    if not text:
        return ""
    if not text.isdigit() or int(text) == 0:
        raise ValueError(f"{value!r} is not a PMID; expected a positive integer")
    return str(int(text))


def normalise_year(value: object) -> str:
    """Return the four-digit publication year found in ``value``, ``""`` when there is none.

    Example
    -------
    >>> normalise_year("2017 Sep;27(9):1142-1148")
    '2017'
    """
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    match = _YEAR.search(str(value))
    return match.group(1) if match else ""


def fold_text(text: str) -> str:
    """Lower-case ASCII form of ``text``: diacritics removed, punctuation to spaces.

    Notes
    -----
    Unicode NFKD decomposition separates base letters from combining marks, which are
    then dropped ("Iñiguez" -> "iniguez"); every run of non-alphanumerics becomes one space.

    Example
    -------
    >>> fold_text("Iñiguez-Ariza, N.M.")
    'iniguez ariza n m'
    """
    decomposed = unicodedata.normalize("NFKD", text or "")
    ascii_only = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^0-9a-z]+", " ", ascii_only.casefold()).split())


def title_key(title: str) -> str:
    """Normalised title for matching: :func:`fold_text` without a trailing ellipsis."""
    return fold_text(re.sub(r"(\.\.\.|\u2026)\s*$", "", title or ""))


def first_author_key(authors: str) -> str:
    """Folded surname of the first author of a ``"; "``-separated author list.

    Handles ``"Kim, Minji"``, MEDLINE ``"Do Cao C"`` (trailing initials) and given-name
    first ``"Minji Kim"``.

    Example
    -------
    >>> first_author_key("Do Cao C; Sparano C")
    'do cao'
    """
    first = (authors or "").split(";")[0].strip()
    if not first:
        return ""
    if "," in first:
        return fold_text(first.split(",")[0])
    parts = first.split()
    if len(parts) > 1 and re.fullmatch(r"[A-Z]{1,3}", parts[-1]):
        return fold_text(" ".join(parts[:-1]))
    return fold_text(parts[-1])
