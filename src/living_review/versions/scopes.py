"""What a release publishes, and under which stable names its conclusions are followed.

The ``releases`` section of ``review.yml`` is optional. Without it a release holds every
estimate in the ledger and every study, and has no headlines. With it::

    releases:
      default_scope: update
      thresholds: {ORR: 0.10}          # per outcome, on the estimate's scale
      scopes:
        reproduction:
          description: "The previous version, reproduced from its printed inputs"
          estimates: ["cao2024.*"]       # ledger keys, shell-style patterns
          studies: previous_version      # all | previous_version
          headlines:
            orr_pooled: {label: "ORR, all TKIs", key: cao2024.orr.cao_inputs}

A *scope* selects the ledger estimates and the studies that a release holds. A *headline*
gives one conclusion a name that stays the same across releases while the ledger key that
carries it may change (the previous version's pooled ORR and this update's are computed by
different analyses); the changelog compares headlines by name. ``thresholds`` feed the
changelog's direction and significance flags
(:func:`living_review.versions.compare.compare_estimate`).

Every problem is reported at once, naming the key and what is allowed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Literal, get_args

import yaml

from living_review.core.paths import project_root
from living_review.settings import SettingsError

StudySet = Literal["all", "previous_version"]
STUDY_SETS: tuple[str, ...] = get_args(StudySet)
SECTION_KEYS = ("default_scope", "thresholds", "scopes", "living")  # living: living_review.versions.living
SCOPE_KEYS = ("description", "estimates", "studies", "headlines")
HEADLINE_KEYS = ("label", "key")


@dataclass(frozen=True)
class Headline:
    """One named conclusion and the ledger key that carries it in this scope."""

    name: str
    label: str
    key: str


@dataclass(frozen=True)
class Scope:
    """Which estimates and studies a release holds, and its headlines."""

    name: str
    description: str = ""
    estimates: tuple[str, ...] = ("*",)
    studies: StudySet = "all"
    headlines: tuple[Headline, ...] = ()

    def includes(self, key: str) -> bool:
        return any(fnmatchcase(key, pattern) for pattern in self.estimates)

    def select(self, estimates: dict) -> dict:
        """The ledger records whose keys match one of the scope's patterns."""
        return {key: record for key, record in estimates.items() if self.includes(key)}

    def summary(self) -> str:
        return (f"scope {self.name}: estimates {', '.join(self.estimates)}; studies {self.studies}; "
                f"{len(self.headlines)} headline(s)")


ALL = Scope(name="all", description="every published estimate and every study")


@dataclass(frozen=True)
class ReleaseConfig:
    """The ``releases`` section of ``review.yml``."""

    default_scope: str = ALL.name
    thresholds: dict = field(default_factory=dict)
    scopes: tuple[Scope, ...] = (ALL,)

    def scope(self, name: str | None = None) -> Scope:
        """The scope called ``name`` (default: ``default_scope``); SettingsError listing the names."""
        name = name or self.default_scope
        for scope in self.scopes:
            if scope.name == name:
                return scope
        raise SettingsError(
            f"review.yml: releases: there is no scope {name!r}; choose one of {', '.join(s.name for s in self.scopes)}"
        )


def _unknown(raw: dict, known: tuple[str, ...], where: str) -> list[str]:
    extra = sorted(set(raw) - set(known))
    return [f"{where}: unknown key(s) {', '.join(extra)}; known: {', '.join(known)}"] if extra else []


def _headlines(raw, where: str, problems: list[str]) -> tuple[Headline, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        problems.append(f"{where}: expected a mapping of name to {{label, key}}, got {raw!r}")
        return ()
    found = []
    for name, entry in raw.items():
        here = f"{where}.{name}"
        if not isinstance(entry, dict):
            problems.append(f"{here}: expected {{label: ..., key: ...}}, got {entry!r}")
            continue
        problems += _unknown(entry, HEADLINE_KEYS, here)
        missing = [k for k in HEADLINE_KEYS if not isinstance(entry.get(k), str) or not entry.get(k).strip()]
        if missing:
            problems.append(f"{here}: {', '.join(missing)} must be given as text")
            continue
        found.append(Headline(str(name), entry["label"].strip(), entry["key"].strip()))
    return tuple(found)


def _scope(name: str, raw, problems: list[str]) -> Scope | None:
    where = f"review.yml: releases.scopes.{name}"
    if not isinstance(raw, dict):
        problems.append(f"{where}: expected a mapping with {', '.join(SCOPE_KEYS)}, got {raw!r}")
        return None
    problems += _unknown(raw, SCOPE_KEYS, where)
    patterns = raw.get("estimates", ["*"])
    if not isinstance(patterns, list) or not patterns or not all(isinstance(p, str) and p for p in patterns):
        problems.append(f"{where}.estimates: expected a non-empty list of ledger-key patterns, got {patterns!r}")
        patterns = ["*"]
    studies = raw.get("studies", "all")
    if studies not in STUDY_SETS:
        problems.append(f"{where}.studies: {studies!r} is not allowed; choose one of {', '.join(STUDY_SETS)}")
        studies = "all"
    headlines = _headlines(raw.get("headlines"), f"{where}.headlines", problems)
    scope = Scope(str(name), str(raw.get("description", "")).strip(), tuple(patterns), studies, headlines)
    for headline in headlines:
        if not scope.includes(headline.key):
            problems.append(f"{where}.headlines.{headline.name}: key {headline.key!r} is outside the scope's "
                            f"estimates ({', '.join(patterns)}); add a pattern that matches it")
    return scope


def _thresholds(raw, problems: list[str]) -> dict:
    if raw is None:
        return {}
    if not isinstance(raw, dict) or not all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in raw.values()):
        problems.append(f"review.yml: releases.thresholds: expected a mapping of outcome to a number, got {raw!r}")
        return {}
    return {str(k): float(v) for k, v in raw.items()}


def load_release_config(path: Path | None = None) -> ReleaseConfig:
    """Read the ``releases`` section of ``review.yml``; the default config when it is absent.

    Raises
    ------
    SettingsError : listing every problem found in the section.
    """
    path = Path(path) if path else project_root() / "review.yml"
    raw = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("releases")
    if raw is None:
        return ReleaseConfig()
    if not isinstance(raw, dict):
        raise SettingsError(f"review.yml: releases: expected a mapping with {', '.join(SECTION_KEYS)}, got {raw!r}")
    problems = _unknown(raw, SECTION_KEYS, "review.yml: releases")
    thresholds = _thresholds(raw.get("thresholds"), problems)
    scopes_raw = raw.get("scopes") or {}
    if not isinstance(scopes_raw, dict):
        problems.append(f"review.yml: releases.scopes: expected a mapping of scope name to scope, got {scopes_raw!r}")
        scopes_raw = {}
    scopes = tuple(s for name, body in scopes_raw.items() if (s := _scope(str(name), body, problems)) is not None)
    scopes = scopes or (ALL,)
    default = str(raw.get("default_scope", scopes[0].name))
    if default not in {s.name for s in scopes}:
        problems.append(f"review.yml: releases.default_scope: {default!r} is not a scope; "
                        f"choose one of {', '.join(s.name for s in scopes)}")
    if problems:
        raise SettingsError("\n".join(problems))
    return ReleaseConfig(default, thresholds, scopes)
