"""The build stamp shown on every page."""

from __future__ import annotations

from living_review._version import __version__
from living_review.provenance.build_stamp import build_date, build_stamp, last_search_date
from living_review.core.fingerprint import data_fingerprint


def test_build_date_follows_source_date_epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01T00:00:00Z
    assert build_date() == "2026-01-01"


def test_last_search_is_the_latest_recorded_date(tmp_path):
    folder = tmp_path / "data" / "search"
    folder.mkdir(parents=True)
    (folder / "records.csv").write_text(
        "\ufeffrecord_id,search_date\nr1,2023-09-03\nr2, 2026-11-20\nr3,\n", encoding="utf-8"
    )
    assert last_search_date(tmp_path) == "2026-11-20"


def test_missing_search_records_are_said_plainly(tmp_path):
    assert last_search_date(tmp_path) == "not recorded"


def test_stamp_combines_version_and_data_fingerprint(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "a.csv").write_text("x\n1\n")
    stamp = build_stamp(tmp_path)
    assert stamp.version == __version__
    assert stamp.data_fingerprint == data_fingerprint(tmp_path)
    assert stamp.build_date == "1970-01-01"
    assert stamp.short_fingerprint in stamp.summary()
