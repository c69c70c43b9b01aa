"""Trial registry identifiers of the records: their normal form, and those of MEDLINE's ``SI`` field.

The ``registry_ids`` column of the records table (:mod:`living_review.search.records`)
holds them; :func:`~living_review.search.dedupe.dedupe` merges two register records that
share one (a trial found twice).
"""

from __future__ import annotations

import re
from typing import Iterable

import pandas as pd

_NCT = re.compile(r"^NCT\d{8}$", re.I)


def normalise_registry_ids(value: object) -> str:
    """Registry ids in normal form: ``"; "``-separated, NCT numbers upper case, no repeats.

    Raises ``ValueError`` for an id that starts with ``NCT`` but is not ``NCT`` and 8 digits.

    Example
    -------
    >>> normalise_registry_ids("nct01321554; EudraCT 2010-020345-12; NCT01321554")
    'NCT01321554; EudraCT 2010-020345-12'
    """
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    out: list[str] = []
    for part in re.split(r"[;\n]", str(value)):
        text = " ".join(part.split())
        if not text:
            continue
        if text[:3].upper() == "NCT":
            if not _NCT.match(text):
                raise ValueError(f"{text!r} is not an NCT number; expected NCT and 8 digits")
            text = text.upper()
        if text not in out:
            out.append(text)
    return "; ".join(out)


# Trial registries among MEDLINE's secondary-source databanks (SI field "DATABANK/ACCESSION";
# NLM, MEDLINE/PubMed Data Element Descriptions, "Secondary Source ID").
REGISTRY_BANKS = frozenset({"clinicaltrials.gov", "isrctn", "anzctr", "chictr", "ctri", "drks", "eudract",
                            "jprn", "ntr", "pactr", "rebec", "rpcec", "slctr", "tctr", "umin-ctr", "euctr"})


def registry_ids(secondary: Iterable[str]) -> list[str]:
    """Registry ids of MEDLINE ``SI`` values: NCT numbers bare, others as ``DATABANK/ACCESSION``.

    Example
    -------
    >>> registry_ids(["ClinicalTrials.gov/NCT01321554", "GENBANK/AB123456", "ISRCTN/ISRCTN12345678"])
    ['NCT01321554', 'ISRCTN/ISRCTN12345678']
    """
    out = []
    for value in secondary:
        bank, _, accession = value.strip().partition("/")
        if bank.strip().lower() in REGISTRY_BANKS and accession.strip():
            out.append(accession.strip() if bank.strip().lower() == "clinicaltrials.gov" else value.strip())
    return out
