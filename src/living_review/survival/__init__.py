"""Survival: pooled medians, Kaplan-Meier reconstruction (Guyot et al. 2012), pooled curves and plots.

Public names are imported on first use so that ``import living_review.survival`` stays cheap
(lifelines and matplotlib load only when a pooled curve or a plot is asked for).
"""

from importlib import import_module

# public name -> module that defines it
_LAZY = {
    "pool_log_medians": "medians",
    "se_log_median_from_ci": "medians",
    "LogMedianMeta": "medians",
    "median_of_medians": "median_sensitivity",
    "pool_medians_qe": "median_sensitivity",
    "reconstruct_ipd": "guyot",
    "read_wpd_csv": "digitised",
    "load_digitised_curves": "digitised",
    "pooled_km": "pooled",
    "landmark_table": "pooled",
    "stratified_cox": "pooled",
    "approximate_curve": "approximate",
    "fit_studies": "approximate",
    "compare_with_published": "approximate",
    "published_survival": "approximate",
    "pool_survival": "pooled_curve",
    "PooledSurvival": "pooled_curve",
    "pool_survival_strata": "pooled_curve_strata",
    "kaplan_meier": "km",
    "km_on_grid": "km",
    "logrank": "km",
    "plot_km": "km_plot",
    "plot_approximation_vs_published": "km_plot",
}

__all__ = list(_LAZY)


def __getattr__(name):
    if name in _LAZY:
        return getattr(import_module(f"living_review.survival.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'living_review.survival' has no attribute {name!r}")
