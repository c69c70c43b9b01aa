"""The structured abstract of the front page (and the first page of the PDF).

Background, methods, results, conclusions and the version, each one paragraph of plain text. Every
number comes from the computation the chapters print: the summary-of-findings rows
(:func:`living_review.analyses.summary_of_findings.build_summary`, whose medians and landmark rates
are the survival chapter's functions) worded by
:func:`~living_review.analyses.summary_of_findings.glue_texts`; the search strategy and eligibility
rules of ``data/search/``; the settings of ``review.yml``. :attr:`Abstract.values` keeps every
value the paragraphs quote under the name the summary of findings glues it by, so that a test can
hold each one to the chapter's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from living_review.analyses import selection
from living_review.analyses import summary_of_findings as sof
from living_review.appraisal.rob_tools import get_tool
from living_review.report import sof_table
from living_review.report.methods_report import load_search_strategy

#: outcomes the abstract reports, in order: (summary-of-findings key, words)
HEADLINES = (("orr", "objective response"), ("dcr", "disease control"),
             ("pfs_median", "median progression-free survival"), ("os_median", "median overall survival"))
#: outcomes whose GRADE informative statement is a conclusion
CONCLUSIONS = ("orr", "dcr", "os_median", "os_12m")
_READ = {"full_text": "in full text", "abstract": "only as a conference or journal abstract",
         "secondary": "only through a secondary source"}


@dataclass(frozen=True)
class Abstract:
    """The five paragraphs and the values they quote (``values``: glue name -> text, as the summary glues it)."""

    background: str
    methods: str
    results: str
    conclusions: str
    version: str
    values: dict = field(repr=False, compare=False)


def _list(items) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1] if items else "none"


def search_text(search_dir: Path) -> str:
    """Where and when the previous version and this update searched (``search_strategy.yaml``)."""
    s = load_search_strategy(search_dir / "search_strategy.yaml")
    prev = _list(d["name"] for d in s.previous["databases"])
    dated: dict[str, list[str]] = {}
    for d in s.update["databases"]:
        dated.setdefault(d["name"], []).append(str(d.get("search_date", "date not recorded")))
    for o in s.update["other_methods"]:
        dated.setdefault(str(o["method"]), []).append(str(o.get("search_date", "date not recorded")))
    update = _list(f"{name} ({_list(sorted(dates))})" for name, dates in dated.items())
    databases = ("no bibliographic database" if not s.update["databases"] else
                 _list(d["name"] for d in s.update["databases"]))
    return (f"The previous version searched {prev} on {s.previous['search_date']}; this update searched "
            f"{databases}, by {update}")


def eligibility_text(search_dir: Path) -> str:
    """The eligibility rules of ``eligibility_rules.csv``, each in its own words."""
    rules = pd.read_csv(search_dir / "eligibility_rules.csv", dtype=str, keep_default_na=False)
    return "; ".join(rules["text"])


def read_text(studies: pd.DataFrame) -> str:
    """How many included cohorts were read in full text, only as an abstract, only through a secondary source."""
    counts = studies["source_level"].value_counts()
    parts = [f"{int(counts[k])} {'was' if counts[k] == 1 else 'were'} read {_READ[k]}" for k in _READ if k in counts]
    return f"Of the {len(studies)} included cohorts, " + ", ".join(parts)


def release_text(version: str, citation_date: str | None, citation_version: str, released: list[str]) -> str:
    """'Version 1.2.0, released 2026-12-01' or, for a development version, that it is not a release."""
    if ".dev" in version:
        last = f"; the latest release is version {released[-1]}" if released else ""
        return f"Version {version} is a development build, not a citable release{last}"
    if citation_version == version and citation_date:
        return f"Version {version}, released {citation_date}"
    return f"Version {version} (release date not recorded)"


def _released(root: Path) -> list[str]:
    from packaging.version import Version

    folder = root / "releases"
    found = [p.name for p in folder.iterdir() if (p / "summary.json").is_file()] if folder.is_dir() else []
    return sorted(found, key=Version)


def build_abstract(evidence, settings, *, root: Path | None = None) -> Abstract:
    """The abstract of this build (``evidence``: ``load_evidence()``; ``settings``: ``load_settings()``)."""
    from living_review._version import __version__
    from living_review.core.paths import project_root
    from living_review.versions.citation import load_citation

    root = Path(root or project_root())
    search_dir = evidence.data_dir / "search"
    level = settings.meta_analysis.level
    cohorts = selection.select_cohorts(evidence.studies)
    rows = sof.build_summary(evidence, settings)
    texts = sof.glue_texts(rows, level)
    by_key = {r.key: r for r in rows}
    landmarks = sof.landmark_keys(rows)
    values = {"n_cohorts": str(len(cohorts)), "n_patients": str(int(cohorts["n_enrolled"].sum())),
              "n_included": str(len(evidence.studies))}
    for key in (*(k for k, _ in HEADLINES), *landmarks, "ae_top"):
        for part in ("est", "kn", "cert"):
            values[f"{part}_{key}"] = texts[f"{part}_{key}"]
    values["ae_top_name"] = texts["ae_top_name"]

    background = ("Anaplastic thyroid cancer (ATC) is rare and among the most lethal solid tumours. This living "
                  "systematic review asks "
                  "how patients with advanced ATC fare on an antiangiogenic tyrosine kinase inhibitor (TKI) given "
                  "alone, updating the meta-analysis of prospective trials by Cao and colleagues (2024).")
    tools = _list(get_tool(c).name for c in ("jbi_case_series", "rob2", "robins_i"))
    methods = (f"{search_text(search_dir)}. Eligible: {eligibility_text(search_dir)}. "
               f"{read_text(evidence.studies)}. Synthesis: proportions and reported landmark survival rates pooled "
               f"with an {settings.summary().split(': ', 1)[1]}; medians pooled on the log scale from their reported "
               f"intervals; an outcome with one cohort is given with that cohort's exact interval, not pooled. Appraisal: {tools}; certainty of the evidence rated with "
               f"GRADE.")
    est = [f"{words} {values[f'est_{k}']} ({values[f'kn_{k}']}; {values[f'cert_{k}']} certainty)"
           for k, words in HEADLINES]
    values.update({f"outcome_{k}": by_key[k].outcome.lower() for k in landmarks})
    est += [f"{values[f'outcome_{k}']} {values[f'est_{k}']} ({values[f'kn_{k}']}; {values[f'cert_{k}']} certainty)"
            for k in landmarks]
    est.append(f"grade ≥3 {values['ae_top_name']}, the most-reported severe adverse event, {values['est_ae_top']} "
               f"({values['kn_ae_top']}; {values['cert_ae_top']} certainty)")
    results = (f"{values['n_included']} cohorts were included; {values['n_cohorts']} ATC monotherapy cohorts "
               f"({values['n_patients']} enrolled patients) enter the primary analysis. " + "; ".join(
                   e[:1].upper() + e[1:] if i == 0 else e for i, e in enumerate(est)) + ".")
    statements = [sof_table.statement(by_key[k]) for k in CONCLUSIONS if k in by_key]
    n_abstract = int((evidence.studies["source_level"] == "abstract").sum())
    conclusions = (" ".join(statements) + " The evidence comes from single-arm cohorts without a comparator; "
                   f"{n_abstract} of the {len(evidence.studies)} included cohorts could be read only as abstracts.")
    values["n_abstract"] = str(n_abstract)
    cit = load_citation(root)
    version = release_text(__version__, cit.date_released, cit.version, _released(root)) + "."
    return Abstract(background, methods, results, conclusions, version, values)
