"""Fixtures of the analyses tests: a ledger of one's own, so that recording never touches the book's."""

from __future__ import annotations

import json

import pytest

from living_review.core.paths import BUILD_DIR_VARIABLE


class Ledger:
    def __init__(self, folder):
        self.folder = folder / "ledger"

    def keys(self) -> list[str]:
        return sorted(p.stem for p in self.folder.glob("*.json")) if self.folder.is_dir() else []

    def get(self, key: str) -> dict:
        return json.loads((self.folder / f"{key}.json").read_text(encoding="utf-8"))


@pytest.fixture
def own_ledger(tmp_path, monkeypatch) -> Ledger:
    """The ledger of a build folder in ``tmp_path`` (``LIVING_REVIEW_BUILD_DIR``), empty at the start."""
    monkeypatch.setenv(BUILD_DIR_VARIABLE, str(tmp_path / "_build"))
    return Ledger(tmp_path / "_build")
