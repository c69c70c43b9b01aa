"""A documented setting works in every chapter: each chapter reruns with the logistic mixed model.

``living-review rerun CHAPTER -s meta_analysis.model glmm`` goes through the one settings
adapter (:mod:`living_review.settings.adapter`), which fits the GLMM on the logit wherever a
chapter pools, so every chapter runs to the end with it; before the adapter, the comparison
chapters failed with "model='glmm' is a logistic model".
"""

from __future__ import annotations

import json

import pytest

from living_review.core.paths import project_root
from living_review.runs.rerun import run_notebook

ROOT = project_root()
CHAPTERS = sorted(p.relative_to(ROOT).as_posix() for p in [*ROOT.glob("notebooks/*.md"),
                                                            ROOT / "notebooks/templates/drug_results.md"])


@pytest.mark.slow
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_chapter_reruns_with_the_glmm(chapter, tmp_path):
    result = run_notebook(ROOT / chapter, {}, runs_dir=tmp_path / "runs", settings={"meta_analysis.model": "glmm"})
    assert result.status == "ok", result.error
    assert json.loads((result.folder / "run.json").read_text())["settings"] == {"meta_analysis.model": "glmm"}


def test_the_glmm_is_refused_with_one_message_when_its_transform_is_not_the_logit():
    from living_review.meta import metaprop

    with pytest.raises(ValueError, match="model='glmm' is a logistic model"):
        metaprop([3, 5, 7], [10, 12, 15], model="glmm", transform="PFT")
