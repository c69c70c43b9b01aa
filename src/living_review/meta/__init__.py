"""Meta-analysis of proportions matching R meta/metafor: pooling, tau² estimators, GLMM,
influence, meta-regression, small-study tests, forest and funnel plots.

Every name below is imported on first use, so that reading the engine's closed option sets
(:mod:`living_review.meta.options`, which :mod:`living_review.settings` uses) does not load
scipy, pandas or matplotlib.
"""

from importlib import import_module

_WHERE = {
    "metaprop": "pooling", "MetaPropResult": "results", "SubgroupTest": "results", "GLMMInfo": "results",
    "leave_one_out": "influence", "cumulative": "influence", "SequentialResult": "influence",
    "metareg": "regression", "MetaRegResult": "regression",
    "egger_test": "bias", "begg_test": "bias", "BiasTest": "bias",
    "forest": "forest", "forest_sequential": "forest", "funnel": "funnel",
}

__all__ = list(_WHERE)


def __getattr__(name):
    if name in _WHERE:
        value = getattr(import_module(f"living_review.meta.{_WHERE[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'living_review.meta' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_WHERE))
