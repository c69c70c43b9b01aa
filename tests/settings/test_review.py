"""review.yml: read once, closed option sets, clear errors."""

from __future__ import annotations

import re

import pytest

from living_review.settings import SettingsError, load_settings

VALID = """
review: {title: T, short_title: S}
meta_analysis: {transform: PFT, tau2_method: REML, model: inverse, hakn: false, level: 0.95}
survival: {level: 0.95, landmarks_months: [3, 6]}
drug_chapters: {histology: ATC, outcomes: [ORR, DCR], drugs: [lenvatinib]}
"""


def _load(tmp_path, text):
    path = tmp_path / "review.yml"
    path.write_text(text)
    return load_settings(path)


def test_the_project_configuration_loads():
    settings = load_settings()
    assert settings.meta_analysis.transform in {"PFT", "PLOGIT", "PAS", "PRAW", "PLN"}
    assert settings.drug_chapters.drugs


def test_every_option_the_engine_supports_is_accepted(tmp_path):
    # the closed sets are the engine's own (living_review.meta.options), not a second list
    from living_review.meta.options import MODELS, TAU2_METHODS, TRANSFORMS
    from living_review.settings import MetaAnalysisSettings, Model, Tau2Method, Transform
    from typing import get_args, get_type_hints

    hints = get_type_hints(MetaAnalysisSettings)
    assert (get_args(hints["transform"]), get_args(hints["tau2_method"]), get_args(hints["model"])) == (
        TRANSFORMS, TAU2_METHODS, MODELS)
    assert (get_args(Transform), get_args(Tau2Method), get_args(Model)) == (TRANSFORMS, TAU2_METHODS, MODELS)
    for transform in TRANSFORMS:
        for method in TAU2_METHODS:
            text = VALID.replace("transform: PFT", f"transform: {transform}").replace("REML", method)
            m = _load(tmp_path, text).meta_analysis
            assert (m.transform, m.tau2_method) == (transform, method)


def test_valid_file(tmp_path):
    s = _load(tmp_path, VALID)
    assert s.meta_analysis.tau2_method == "REML"
    assert s.survival.landmarks_months == (3.0, 6.0)
    assert "PFT" in s.summary()
    assert "inverse-variance random-effects model" in s.summary() and "inverse model" not in s.summary()


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("tau2_method: REML", "tau2_method: REM", "choose one of DL, REML, ML, PM, SJ, HE, EB"),
        ("transform: PFT", "transform: logit", "choose one of PFT, PLOGIT, PAS, PRAW"),
        ("hakn: false", "hakn: maybe", "expected true or false"),
        ("level: 0.95}", "level: 95}", "strictly between 0 and 1"),
        ("outcomes: [ORR, DCR]", "outcomes: [ORR, PFS]", "drug_chapters.outcomes[1]"),
        ("model: inverse", "model: inverse, method: x", "unknown key(s) method"),
    ],
)
def test_bad_values_name_the_key_and_what_is_allowed(tmp_path, old, new, message):
    with pytest.raises(SettingsError, match=re.escape(message)):
        _load(tmp_path, VALID.replace(old, new, 1))


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("survival: {level: 0.95", "survival: {level: 5", "survival.level must lie strictly between 0 and 1"),
        ("landmarks_months: [3, 6]", "landmarks_months: [-3, 6]", "list of positive months, got [-3.0, 6.0]"),
        ("landmarks_months: [3, 6]", "landmarks_months: []", "non-empty list of positive months"),
        ("survival: {level: 0.95, landmarks_months: [3, 6]}", "survival: 42", "survival: expected a mapping"),
    ],
)
def test_survival_ranges_are_checked(tmp_path, old, new, message):
    with pytest.raises(SettingsError, match=re.escape(message)):
        _load(tmp_path, VALID.replace(old, new, 1))


@pytest.mark.parametrize(("text", "message"), [
    ("meta_analysis: {transform: PFT\n", "review.yml:1:16: YAML syntax error"),
    ("meta_analysis:\n\ttransform: PFT\n", "review.yml:2:1: a tab is used for indentation"),
    ("42\n", "review.yml:1: expected sections"),
])
def test_unreadable_file_names_line_and_column(tmp_path, text, message):
    with pytest.raises(SettingsError, match=re.escape(message)):
        _load(tmp_path, text)


def test_the_readme_lists_exactly_the_options_the_engine_offers():
    from living_review.meta.options import TAU2_METHODS, TRANSFORMS
    from living_review.core.paths import project_root

    rows = {line.split("|")[1].strip(): "|".join(line.split("|")[2:4])
            for line in (project_root() / "README.md").read_text(encoding="utf-8").splitlines()
            if line.startswith("| ") and line.count("|") >= 4}
    def codes(text):
        return re.sub(r"\([^)]*\)", "", text).replace(" ", "").split(",")

    assert sorted(codes(rows["transforms"].split(";")[0])) == sorted(TRANSFORMS)
    listed, checked = rows["tau² estimators"].split("|")
    assert sorted(codes(listed)) == sorted(TAU2_METHODS)
    assert f"({len(TRANSFORMS)} × {len(TAU2_METHODS)})" in checked


def test_review_yml_comments_are_the_settings_docstrings():
    """Each setting of ``review.yml`` carries, as its comment, its field's description in the dataclass."""
    import dataclasses
    import re

    from living_review.core.paths import project_root
    from living_review.settings import review

    lines = (project_root() / "review.yml").read_text(encoding="utf-8").splitlines()
    sections = {"review": review.ReviewSettings, "meta_analysis": review.MetaAnalysisSettings,
                "survival": review.SurvivalSettings, "drug_chapters": review.DrugChapterSettings}
    for section, cls in sections.items():
        docs = dict(re.findall(r"^    (\w+) : (.+)$", cls.__doc__, re.M))
        start = lines.index(f"{section}:")
        block = []
        for line in lines[start + 1:]:
            if not line.startswith("  "):
                break
            block.append(line)
        written = dict(re.findall(r"^  (\w+): .*?  # (.+)$", "\n".join(block), re.M))
        fields = [f.name for f in dataclasses.fields(cls) if f.name in written or section != "review"]
        for name in fields:
            if name in ("meta_analysis", "survival", "drug_chapters", "source"):
                continue
            assert written.get(name) == docs.get(name), f"{section}.{name}: review.yml says {written.get(name)!r}, " \
                                                        f"the docstring {docs.get(name)!r}"
