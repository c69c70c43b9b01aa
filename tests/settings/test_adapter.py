"""The one adapter from the analysis settings to the engines' arguments."""

from __future__ import annotations

from dataclasses import replace

import pytest

from living_review.meta import metaprop
from living_review.settings import MetaAnalysisSettings
from living_review.settings.adapter import inverse_variance_options, metaprop_options


def test_the_options_are_the_metaprop_keywords():
    assert metaprop_options(MetaAnalysisSettings()) == {"transform": "PFT", "tau2_method": "REML", "model": "inverse",
                                                        "hakn": False, "level": 0.95}


@pytest.mark.parametrize("transform", ["PFT", "PAS", "PLOGIT", "PRAW"])
def test_the_glmm_is_fitted_on_the_logit_whatever_the_transform(transform):
    meta = MetaAnalysisSettings(transform=transform, model="glmm")
    options = metaprop_options(meta)
    assert options["transform"] == "PLOGIT" and options["model"] == "glmm"
    r = metaprop([4, 9, 12, 20], [15, 20, 30, 40], **options)  # runs: the GLMM with its own transform
    assert r.model == "glmm"


def test_inverse_variance_analyses_keep_the_configured_transform():
    meta = replace(MetaAnalysisSettings(), model="glmm", transform="PAS", hakn=True, level=0.9)
    assert inverse_variance_options(meta) == {"transform": "PAS", "tau2_method": "REML", "hakn": True, "level": 0.9}
