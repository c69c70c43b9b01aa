"""The one adapter from the analysis settings to the engines' arguments.

Every chapter, rerun and sweep turns ``review.yml``'s ``meta_analysis`` section into the
keyword arguments of :func:`living_review.meta.metaprop` here, so that a setting means the same
thing everywhere. A setting the engines cannot run with is refused when the settings are read
(:func:`living_review.settings.load_settings`), with one message.

The logistic mixed model (``model: glmm``) is fitted on the logit scale, as R meta's
``metaprop(method = "GLMM")`` is: its transform is ``PLOGIT`` whatever ``transform`` says.
The inverse-variance analyses that have no GLMM form (cumulative and leave-one-out fits,
estimator grids, small-study tests, meta-regressions) use :func:`inverse_variance_options`:
the configured transform and tau² estimator.
"""

from __future__ import annotations

from living_review.settings.review import MetaAnalysisSettings

GLMM_TRANSFORM = "PLOGIT"


def metaprop_options(meta: MetaAnalysisSettings) -> dict:
    """``metaprop`` keyword arguments: ``transform``, ``tau2_method``, ``model``, ``hakn``, ``level``.

    Example
    -------
    >>> metaprop_options(MetaAnalysisSettings(model="glmm"))["transform"]
    'PLOGIT'
    """
    transform = GLMM_TRANSFORM if meta.model == "glmm" else meta.transform
    return {"transform": transform, "tau2_method": meta.tau2_method, "model": meta.model, "hakn": meta.hakn,
            "level": meta.level}


def inverse_variance_options(meta: MetaAnalysisSettings) -> dict:
    """Keyword arguments of an inverse-variance fit: ``transform``, ``tau2_method``, ``hakn``, ``level``.

    For the analyses that have no GLMM form; with ``model: glmm`` they keep the configured
    transform and tau² estimator, and say so where they are printed.
    """
    return {"transform": meta.transform, "tau2_method": meta.tau2_method, "hakn": meta.hakn, "level": meta.level}
