"""Fixtures shared by the report tests: the project's evidence and settings, read once per module."""

from __future__ import annotations

import pytest

from living_review.data import load_evidence
from living_review.settings import load_settings


@pytest.fixture(scope="module")
def ev():
    return load_evidence()


@pytest.fixture(scope="module")
def settings():
    return load_settings()
