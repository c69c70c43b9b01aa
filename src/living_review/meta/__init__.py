"""Meta-analysis of proportions matching R meta/metafor: pooling, tau² estimators, GLMM,
influence, meta-regression, small-study tests, forest and funnel plots."""

from living_review.meta.pooling import metaprop
from living_review.meta.results import GLMMInfo, MetaPropResult, SubgroupTest

__all__ = ["metaprop", "MetaPropResult", "SubgroupTest", "GLMMInfo"]
