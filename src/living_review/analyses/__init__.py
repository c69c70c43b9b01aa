"""The review's computations, each rule once: which cohorts an analysis uses (with the overlap
rule), their outcome counts and ledger inputs, the primary estimates, sensitivity and
discrepancy analyses, survival from reported data, safety, comparisons and the summary of
findings. Presentation (tables, captions, figures' words) is :mod:`living_review.report`'s."""
