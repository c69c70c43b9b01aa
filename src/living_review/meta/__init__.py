"""Meta-analysis of proportions matching R meta/metafor: pooling, tau² estimators, GLMM,
influence, meta-regression, small-study tests, forest and funnel plots.

Plotting functions (``forest``, ``funnel``) are imported on first use so that the
statistical core does not load matplotlib.
"""

from importlib import import_module

from living_review.meta.bias import BiasTest, begg_test, egger_test
from living_review.meta.influence import SequentialResult, cumulative, leave_one_out
from living_review.meta.pooling import metaprop
from living_review.meta.regression import MetaRegResult, metareg
from living_review.meta.results import GLMMInfo, MetaPropResult, SubgroupTest

_PLOTS = {"forest": "living_review.meta.forest", "forest_sequential": "living_review.meta.forest",
          "funnel": "living_review.meta.funnel"}

__all__ = ["metaprop", "MetaPropResult", "SubgroupTest", "GLMMInfo", "leave_one_out", "cumulative",
           "SequentialResult", "metareg", "MetaRegResult", "egger_test", "begg_test", "BiasTest", *_PLOTS]


def __getattr__(name):
    if name in _PLOTS:
        return getattr(import_module(_PLOTS[name]), name)
    raise AttributeError(f"module 'living_review.meta' has no attribute {name!r}")
