"""The review's analysis configuration (``review.yml``), read once and validated.

Every analysis parameter that a chapter uses comes from here, so that the methods chapter
can render what actually ran. Unknown keys and values outside the allowed sets are errors
that name the key and list what is allowed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args, get_type_hints

import yaml

from living_review.core.paths import project_root
from living_review.core.vocabularies import Histology, Outcome
# The engine's own closed sets: whatever it supports, review.yml, reruns and sweeps accept.
from living_review.meta.options import Model, Tau2Method, Transform


class SettingsError(ValueError):
    """``review.yml`` holds a value the review cannot run with."""


@dataclass(frozen=True)
class MetaAnalysisSettings:
    """How proportions are pooled (``meta_analysis`` in ``review.yml``).

    Attributes
    ----------
    transform : transform of each proportion before pooling: PFT, PLOGIT, PAS, PRAW or PLN
    tau2_method : estimator of the between-study variance tau²: DL, REML, ML, PM, SJ, HE, EB, HS, HSk, GENQ or PMM
    model : inverse (inverse-variance random effects) or glmm (random-intercept logistic model, on the logit)
    hakn : Hartung-Knapp(-Sidik-Jonkman) adjustment of the confidence interval
    level : confidence level of every interval
    prediction_interval : whether a prediction interval is computed and shown
    """

    transform: Transform = "PFT"
    tau2_method: Tau2Method = "REML"
    model: Model = "inverse"
    hakn: bool = False
    level: float = 0.95
    prediction_interval: bool = True


@dataclass(frozen=True)
class SurvivalSettings:
    """How survival is reported (``survival`` in ``review.yml``).

    Attributes
    ----------
    level : confidence level of the survival intervals
    landmarks_months : months at which landmark survival rates are reported
    """

    level: float = 0.95
    landmarks_months: tuple[float, ...] = (3, 6, 9, 12, 15, 18, 21, 24)


@dataclass(frozen=True)
class DrugChapterSettings:
    """The per-drug chapters (``drug_chapters`` in ``review.yml``).

    Attributes
    ----------
    template : the one notebook every drug chapter is generated from
    histology : the histology a drug chapter analyses
    outcomes : the response outcomes a drug chapter pools
    drugs : the drugs that get a chapter of their own, in this order
    """

    template: str = "notebooks/templates/drug_results.md"
    histology: Histology = "ATC"
    outcomes: tuple[Outcome, ...] = ("ORR", "DCR")
    drugs: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReviewSettings:
    """The whole configuration, as read from ``review.yml`` (:func:`load_settings`).

    Attributes
    ----------
    title : the review's title
    short_title : its short title, in page footers and the methods' summary
    meta_analysis, survival, drug_chapters : the sections above
    source : the file the settings were read from
    """

    title: str
    short_title: str
    meta_analysis: MetaAnalysisSettings
    survival: SurvivalSettings
    drug_chapters: DrugChapterSettings
    source: Path

    def summary(self) -> str:
        m = self.meta_analysis
        # printed in the chapters' prose: the model in words, not its configuration name
        model = ("random-effects logistic model (GLMM)" if m.model == "glmm"
                 else "inverse-variance random-effects model")
        return (
            f"{self.short_title}: {model}, {m.transform} transform, τ² by {m.tau2_method}, "
            f"{'Hartung-Knapp' if m.hakn else 'z-based'} {m.level:.0%} CIs"
        )


def _check(value: Any, annotation: Any, where: str) -> Any:
    allowed = get_args(annotation)
    origin = getattr(annotation, "__origin__", None)
    if origin is Literal:
        if value not in allowed:
            raise SettingsError(f"{where}: {value!r} is not allowed; choose one of {', '.join(map(str, allowed))}")
        return value
    if origin is tuple:
        if not isinstance(value, list):
            raise SettingsError(f"{where}: expected a list, got {value!r}")
        return tuple(_check(v, allowed[0], f"{where}[{i}]") for i, v in enumerate(value))
    if annotation is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise SettingsError(f"{where}: expected a number, got {value!r}")
        try:
            return float(value)
        except OverflowError:
            raise SettingsError(f"{where}: a whole number of {len(str(abs(value)))} digits is too large for a "
                                "number (check the value)") from None
    if annotation is bool and not isinstance(value, bool):
        raise SettingsError(f"{where}: expected true or false, got {value!r}")
    if annotation is str and not isinstance(value, str):
        raise SettingsError(f"{where}: expected text, got {value!r}")
    return value


def _section(cls: type, raw: dict, name: str):
    raw = raw or {}
    if not isinstance(raw, dict):
        raise SettingsError(f"review.yml: {name}: expected a mapping of keys to values, got {raw!r}")
    resolved = get_type_hints(cls)
    unknown = set(raw) - set(resolved)
    if unknown:
        raise SettingsError(
            f"review.yml: {name}: unknown key(s) {', '.join(sorted(unknown))}; known: {', '.join(resolved)}"
        )
    values = {k: _check(v, resolved[k], f"review.yml: {name}.{k}") for k, v in raw.items()}
    return cls(**values)


SETTINGS_VARIABLE = "LIVING_REVIEW_SETTINGS"


def _read(path: Path) -> dict:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError):
        from living_review.core.yamlfile import YamlError, read_yaml

        try:  # read again, for the message with the line and column of the fault
            raw = read_yaml(path).data
        except YamlError as error:
            raise SettingsError(str(error)) from None
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise SettingsError(f"{path.name}:1: expected sections (meta_analysis:, survival:, ...), got {raw!r}")
    return raw


def load_settings(path: Path | None = None) -> ReviewSettings:
    """Read and validate ``review.yml`` (default: the one at the project root).

    Without a ``path``, the file named by ``LIVING_REVIEW_SETTINGS`` is read when that
    variable is set: a rerun with changed settings (:mod:`living_review.runs.settings_override`).
    """
    override = os.environ.get(SETTINGS_VARIABLE)
    path = Path(path) if path else Path(override) if override else project_root() / "review.yml"
    raw = _read(path)
    # "releases" is read by living_review.versions.scopes: it shapes releases, not analyses
    known = {"review", "meta_analysis", "survival", "drug_chapters", "releases"}
    unknown = set(raw) - known
    if unknown:
        raise SettingsError(f"{path.name}: unknown section(s) {', '.join(sorted(unknown))}; known: {', '.join(sorted(known))}")
    meta = _section(MetaAnalysisSettings, raw.get("meta_analysis"), "meta_analysis")
    if not 0 < meta.level < 1:
        raise SettingsError(f"{path.name}: meta_analysis.level must lie strictly between 0 and 1, got {meta.level}")
    survival = _section(SurvivalSettings, raw.get("survival"), "survival")
    if not 0 < survival.level < 1:
        raise SettingsError(f"{path.name}: survival.level must lie strictly between 0 and 1, got {survival.level}")
    if not survival.landmarks_months or any(t <= 0 for t in survival.landmarks_months):
        raise SettingsError(f"{path.name}: survival.landmarks_months must be a non-empty list of positive "
                            f"months, got {list(survival.landmarks_months)}")
    review = raw.get("review") or {}
    return ReviewSettings(
        title=str(review.get("title", "")),
        short_title=str(review.get("short_title", review.get("title", ""))),
        meta_analysis=meta,
        survival=survival,
        drug_chapters=_section(DrugChapterSettings, raw.get("drug_chapters"), "drug_chapters"),
        source=path,
    )
