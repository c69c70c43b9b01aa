"""The review's analysis configuration (``review.yml``), read once and validated, and the one
adapter from those settings to the engines' arguments (:mod:`~living_review.settings.adapter`)."""

from living_review.settings.review import (SETTINGS_VARIABLE, DrugChapterSettings, Histology, MetaAnalysisSettings,
                                           Model, Outcome, ReviewSettings, SettingsError, SurvivalSettings,
                                           Tau2Method, Transform, load_settings)

__all__ = ["SETTINGS_VARIABLE", "DrugChapterSettings", "Histology", "MetaAnalysisSettings", "Model", "Outcome",
           "ReviewSettings", "SettingsError", "SurvivalSettings", "Tau2Method", "Transform", "load_settings"]
