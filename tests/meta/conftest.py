"""Shared fixtures for tests/meta: the committed R reference values."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

REF_PATH = Path(__file__).parent / "r" / "references.json"


def load_refs() -> dict:
    """Reference values written by tests/meta/r/make_references.R (R 4.2, metafor 3.8)."""
    return json.loads(REF_PATH.read_text())


@pytest.fixture(scope="session")
def refs():
    return load_refs()
