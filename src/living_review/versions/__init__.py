"""Versions of the review: what each release published (its summary), when, under which names,
with which protocol amendments and corrections, how to cite it, and what changed between two.

:mod:`living_review.release` writes and verifies releases on top of this; the changelog
(:mod:`living_review.report.changelog_report`) reads it."""
