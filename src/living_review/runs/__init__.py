"""Runs of a chapter outside the book build: parameterised reruns and parameter sweeps."""
