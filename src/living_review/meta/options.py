"""The engine's closed option sets: transforms, tau² estimators and models.

This is the one definition of what the engine supports. :mod:`living_review.settings`
(``review.yml``), the rerun and sweep parameters, the methods chapter and the estimator
grid all read these sets, so an option added here is offered everywhere at once. The
module imports nothing heavy, so reading the settings does not load the numerical stack.

Example
-------
>>> TRANSFORMS
('PFT', 'PLOGIT', 'PAS', 'PRAW', 'PLN')
>>> "GENQ" in TAU2_METHODS
True
"""

from __future__ import annotations

from typing import Literal, get_args

#: Transforms of a proportion, as R ``meta::metaprop``'s ``sm`` (metafor's PFT, PLO, PAS, PR, PLN).
Transform = Literal["PFT", "PLOGIT", "PAS", "PRAW", "PLN"]
TRANSFORMS: tuple[str, ...] = get_args(Transform)

#: Between-study variance estimators, as metafor's ``rma(method = ...)``.
Tau2Method = Literal["DL", "REML", "ML", "PM", "SJ", "HE", "EB", "HS", "HSk", "GENQ", "PMM"]
TAU2_METHODS: tuple[str, ...] = get_args(Tau2Method)

#: Inverse-variance random-effects model, or the random-intercept logistic GLMM.
Model = Literal["inverse", "glmm"]
MODELS: tuple[str, ...] = get_args(Model)
