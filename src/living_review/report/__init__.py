"""Presentation: the tables, figures, captions and sentences the chapters show, made from the
results of :mod:`living_review.analyses` and the engines. Nothing here decides a number."""
