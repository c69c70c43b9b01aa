"""What the protocol-and-methods chapter prints: the configuration that ran and the search strategy.

The statistical parameters are rendered from ``review.yml`` as read by
:func:`living_review.settings.load_settings`, and the prediction-interval rule from the
engine's own default, so the methods text cannot drift from what the chapters computed.
The search strategy is rendered from ``data/search/search_strategy.yaml``.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from living_review.core.paths import data_dir
from living_review.meta import metaprop
from living_review.meta.options import MODELS, TAU2_METHODS, TRANSFORMS
from living_review.settings import ReviewSettings

TRANSFORM_NAMES = {"PFT": "Freeman-Tukey double arcsine", "PLOGIT": "logit", "PAS": "arcsine",
                   "PRAW": "untransformed proportion", "PLN": "log"}
TAU2_NAMES = {"DL": "DerSimonian-Laird", "REML": "restricted maximum likelihood", "ML": "maximum likelihood",
              "PM": "Paule-Mandel", "SJ": "Sidik-Jonkman", "HE": "Hedges", "EB": "empirical Bayes",
              "HS": "Hunter-Schmidt", "HSk": "Hunter-Schmidt with the k/(k − 1) correction",
              "GENQ": "generalised Q with study-size weights", "PMM": "median-unbiased Paule-Mandel"}
MODEL_NAMES = {"inverse": "inverse-variance random-effects model",
               "glmm": "random-intercept logistic model (GLMM)"}
PREDICTION_NAMES = {"t(k-1)": "t distribution with k − 1 degrees of freedom (R meta ≥ 8)",
                    "t(k-2)": "t distribution with k − 2 degrees of freedom (R meta ≤ 7)",
                    "z": "standard normal quantile (metafor)"}


def allowed_text(options: tuple[str, ...]) -> str:
    """The allowed values of a closed set as the settings table prints them: "one of A, B or C"."""
    return "one of " + (", ".join(options[:-1]) + " or " + options[-1] if len(options) > 1 else options[0])


def prediction_rule() -> str:
    """The prediction-interval rule the engine uses when none is given (``metaprop``'s default)."""
    return inspect.signature(metaprop).parameters["prediction"].default


def method_text(settings: ReviewSettings) -> dict[str, str]:
    """Plain-language names of the configured methods, for the chapter's prose.

    Keys: ``model``, ``transform``, ``tau2``, ``ci`` (how the CI of the pooled estimate is
    formed), ``level`` (e.g. "95%"), ``prediction`` (rule, or "not computed"),
    ``survival_level`` and ``landmarks`` (e.g. "3, 6, 9 and 12 months"); ``transforms`` and
    ``tau2_methods``: every option the engine offers, named (the estimator grid's rows and
    columns); ``n_transforms`` and ``n_tau2_methods``: how many.

    Example
    -------
    >>> method_text(load_settings())["tau2"]  # doctest: +SKIP
    'restricted maximum likelihood (REML)'
    """
    m, s = settings.meta_analysis, settings.survival
    ci = ("Hartung-Knapp-Sidik-Jonkman t-based interval" if m.hakn
          else "Wald-type interval with the standard normal quantile")
    marks = [f"{t:g}" for t in s.landmarks_months]
    landmarks = (", ".join(marks[:-1]) + " and " + marks[-1]) if len(marks) > 1 else "".join(marks)
    return {
        "model": MODEL_NAMES[m.model],
        "transform": f"{TRANSFORM_NAMES[m.transform]} ({m.transform})",
        "tau2": f"{TAU2_NAMES[m.tau2_method]} ({m.tau2_method})",
        "ci": ci,
        "level": f"{100 * m.level:g}%",
        "prediction": PREDICTION_NAMES[prediction_rule()] if m.prediction_interval else "not computed",
        "survival_level": f"{100 * s.level:g}%",
        "landmarks": f"{landmarks} months",
        "transforms": _named(TRANSFORMS, TRANSFORM_NAMES),
        "tau2_methods": _named(TAU2_METHODS, TAU2_NAMES),
        "n_transforms": str(len(TRANSFORMS)),
        "n_tau2_methods": str(len(TAU2_METHODS)),
    }


def _named(options: tuple[str, ...], names: dict[str, str]) -> str:
    items = [f"{names[o]} ({o})" for o in options]
    return ", ".join(items[:-1]) + " and " + items[-1]


def settings_table(settings: ReviewSettings) -> pd.DataFrame:
    """Every analysis parameter of ``review.yml`` with its value and what it means.

    Columns: Section and Key (``section.key`` in ``review.yml``, split so the PDF can wrap
    between them), Value (as configured) and Meaning.
    """
    m, s, d = settings.meta_analysis, settings.survival, settings.drug_chapters
    text = method_text(settings)
    rows = [
        ("meta_analysis", "model", m.model, f"{text['model']} ({allowed_text(MODELS)})"),
        ("meta_analysis", "transform", m.transform,
         f"{TRANSFORM_NAMES[m.transform]} transformation of proportions ({allowed_text(TRANSFORMS)})"),
        ("meta_analysis", "tau2_method", m.tau2_method,
         f"between-study variance τ² by {text['tau2']} ({allowed_text(TAU2_METHODS)})"),
        ("meta_analysis", "hakn", str(m.hakn).lower(), f"CI of the pooled estimate: {text['ci']}"),
        ("meta_analysis", "level", f"{m.level:g}", "confidence level of every interval"),
        ("meta_analysis", "prediction_interval", str(m.prediction_interval).lower(),
         f"prediction interval: {text['prediction']}"),
        ("survival", "level", f"{s.level:g}", "confidence level of pooled medians and survival curves"),
        ("survival", "landmarks_months", ", ".join(f"{t:g}" for t in s.landmarks_months),
         "landmark times of survival-rate tables (months)"),
        ("drug_chapters", "histology", d.histology, "histology of the per-drug chapters"),
        ("drug_chapters", "outcomes", ", ".join(d.outcomes), "pooled outcomes of the per-drug chapters"),
        ("drug_chapters", "drugs", ", ".join(d.drugs), "one generated chapter per drug"),
    ]
    return pd.DataFrame(rows, columns=["Section", "Key", "Value", "Meaning"])


def settings_source(settings: ReviewSettings, *, caption: str, name: str) -> str:
    """MyST source of :func:`settings_table` with PDF column widths (long keys do not overflow)."""
    from living_review.report.dictionary import latex_columns
    from living_review.report.tables import markdown_source

    return latex_columns((0.16, 0.22, 0.18, 0.38)) + markdown_source(settings_table(settings), caption=caption,
                                                                     name=name)


@dataclass(frozen=True)
class SearchStrategy:
    """The search strategy of the previous version and of this update (``search_strategy.yaml``)."""

    previous: dict = field(repr=False)
    update: dict = field(repr=False)

    def summary(self) -> str:
        return (f"previous version: {len(self.previous.get('databases', []))} databases searched "
                f"{self.previous.get('search_date', '?')}; this update: "
                f"{len(self.update.get('databases', []))} databases, "
                f"{len(self.update.get('other_methods', []))} other methods")


def load_search_strategy(path: str | Path | None = None) -> SearchStrategy:
    """Read ``search_strategy.yaml`` (default ``data/search/search_strategy.yaml``) and check its sections.

    Raises ``ValueError`` naming the file and the missing section or key.
    """
    path = Path(path) if path else data_dir() / "search" / "search_strategy.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    for section in ("previous_version", "this_update"):
        if section not in raw:
            raise ValueError(f"{path.name}: missing section {section!r}")
    for key in ("citation", "search_date", "concepts", "databases"):
        if key not in raw["previous_version"]:
            raise ValueError(f"{path.name}: previous_version lacks {key!r}")
    for key in ("databases", "other_methods"):
        if key not in raw["this_update"]:
            raise ValueError(f"{path.name}: this_update lacks {key!r} (use [] when none)")
    from living_review.search.searched import with_searched  # databases the records show, as the diagram counts

    return SearchStrategy(previous=raw["previous_version"], update=with_searched(raw["this_update"], path.parent))


def previous_search_table(strategy: SearchStrategy) -> pd.DataFrame:
    """Databases of the previous version: Database, Searched (date), Terms."""
    rows = [{"Database": d["name"], "Searched": d.get("search_date", strategy.previous["search_date"]),
             "Terms": d.get("terms", "–")} for d in strategy.previous["databases"]]
    return pd.DataFrame(rows, columns=["Database", "Searched", "Terms"])


def update_search_table(strategy: SearchStrategy) -> pd.DataFrame:
    """Sources of this update: Source (database or method), PRISMA box, Searched (date), What was searched."""
    rows = [{"Source": d["name"], "PRISMA box": "Databases", "Searched": d.get("search_date", "–"),
             "What was searched": d.get("terms", "–")} for d in strategy.update["databases"]]
    for o in strategy.update["other_methods"]:
        what = " ".join(str(o.get("what", "–")).split())
        if o.get("terms"):
            what += f". Terms: {o['terms']}"
        rows.append({"Source": o["method"], "PRISMA box": o.get("prisma_box", "–"),
                     "Searched": o.get("search_date", "–"), "What was searched": what})
    return pd.DataFrame(rows, columns=["Source", "PRISMA box", "Searched", "What was searched"])


def discrepancy_counts(discrepancies: pd.DataFrame) -> dict[str, int]:
    """Number of recorded discrepancies, of studies they concern, and per ``status``.

    Returns a dict with ``total``, ``studies`` and one ``status_<value>`` key per status.
    """
    for col in ("study_id", "status"):
        if col not in discrepancies.columns:
            raise ValueError(f"discrepancies table lacks column {col!r}; pass Evidence.discrepancies")
    out = {"total": len(discrepancies), "studies": int(discrepancies["study_id"].nunique())}
    for status, n in discrepancies["status"].value_counts().sort_index().items():
        out[f"status_{status}"] = int(n)
    return out


def concept_table(strategy: SearchStrategy) -> pd.DataFrame:
    """The previous version's concept blocks as printed: Block (1, 2, ...) and Terms."""
    concepts = strategy.previous["concepts"]
    return pd.DataFrame({"Block": range(1, len(concepts) + 1), "Terms": list(concepts)})
