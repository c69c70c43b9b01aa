"""The one place the review's version lives (CITATION.cff and the changelog are checked against it)."""

__version__ = "1.4.0.dev0"
