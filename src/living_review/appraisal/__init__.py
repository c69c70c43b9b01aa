"""Appraisal rules: the risk-of-bias tools (JBI, RoB 2, ROBINS-I) with their items and algorithms,
and GRADE's rules for rating the certainty of single-arm and comparative estimates.

These modules know the published rules and nothing of the data files: the data layer checks
``risk_of_bias.csv`` against them, and the analyses apply them to pooled estimates."""
