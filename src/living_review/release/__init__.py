"""Releases: a citable version of the review, its summary, archive and changelog.

* :mod:`~living_review.versions.summary` writes ``releases/<version>/summary.json``: every
  published pooled estimate with its inputs, the parameters and the data fingerprint.
* :mod:`~living_review.release.archive` packs the HTML site and the PDF into a
  reproducible ``.tar.gz`` and writes ``SHA256SUMS``.
* :mod:`~living_review.release.guard` refuses a release from a dirty tree, invalid data
  or a failing test suite.
* :mod:`~living_review.versions.compare` computes what changed between two releases, for
  the changelog chapter.

``living-review release`` (``living_review.cli.release``) runs them in that order.
"""
