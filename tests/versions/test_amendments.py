"""The protocol amendments log: every row checked, each version's amendments found."""

import pytest

from living_review.core.paths import project_root
from living_review.versions.amendments import COLUMNS, for_version, read_amendments

HEADER = ",".join(COLUMNS) + "\n"


def _log(tmp_path, *rows):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "protocol_amendments.csv").write_text(HEADER + "".join(r + "\n" for r in rows))
    return tmp_path


def test_the_project_log_is_valid_and_dated_by_version():
    log = read_amendments(project_root())
    assert [a.amendment_id for a in for_version(log, "1.1.0")] == ["PA-1", "PA-2"]
    assert [a.amendment_id for a in for_version(log, "1.2.0")] == ["PA-3"]
    assert all(a.reason and a.effect for a in log)


def test_every_problem_is_reported_with_file_line_and_column(tmp_path):
    root = _log(tmp_path, "PA-1,2026-13-01,1.1.0,eligibility,a,b,c,d", "PA-1,2026-12-01,one,analysis,,b,c,d",
                "PA-3,2026-12-01")
    with pytest.raises(ValueError) as error:
        read_amendments(root)
    text = str(error.value)
    assert "data/protocol_amendments.csv:2: date: '2026-13-01' is not a date written YYYY-MM-DD" in text
    assert "data/protocol_amendments.csv:3: amendment: empty" in text
    assert "data/protocol_amendments.csv:3: amendment_id: PA-1 appears twice" in text
    assert "data/protocol_amendments.csv:3: version: 'one' is not a version" in text
    assert "data/protocol_amendments.csv:4: 2 values for 8 columns" in text


def test_a_development_version_shows_the_amendments_of_the_version_it_leads_to(tmp_path):
    log = read_amendments(_log(tmp_path, "PA-1,2026-12-05,1.3.0,analysis,a,b,c,d"))
    assert for_version(log, "1.3.0.dev0") == log and for_version(log, "1.2.0") == ()
    assert read_amendments(tmp_path / "nowhere") == ()
