"""A minimal project in a temporary folder: configuration, studies, ledger and built output."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import living_review.versions.summary as summary_module
from living_review.provenance import ledger
from living_review._version import __version__
from living_review.core.paths import project_root

STUDIES = "study_id,in_previous_version,year\nwirth2021,true,2021\ntahara2017,true,2017\nito2017,false,2017\n"


def make_project(root: Path) -> Path:
    (root / "data").mkdir(parents=True)
    # The project's analysis settings without its release scopes, whose headlines name
    # ledger keys that this minimal project does not publish; tests add their own.
    config = yaml.safe_load((project_root() / "review.yml").read_text(encoding="utf-8"))
    config.pop("releases", None)
    (root / "review.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    (root / "_toc.yml").write_text("format: jb-book\nroot: book/index\n")
    (root / "CITATION.cff").write_text(f'cff-version: 1.2.0\ntitle: "t"\nversion: "{__version__}"\n')
    (root / "data" / "studies.csv").write_text(STUDIES)
    ledger.record("orr.all", outcome="ORR", estimate=0.3, ci_low=0.2, ci_high=0.4, k=2, n=51,
                  params={"transform": "PFT"}, root=root,
                  inputs=[{"study_id": "tahara2017", "events": 4, "n": 17},
                          {"study_id": "wirth2021", "events": 11, "n": 34}])
    html = root / "_build" / "html"
    (html / "_static").mkdir(parents=True)
    (html / "index.html").write_text("<html>index</html>\n")
    (html / "_static" / "style.css").write_text("body{}\n")
    (root / "_build" / "latex").mkdir(parents=True)
    (root / "_build" / "latex" / "living-review.pdf").write_bytes(b"%PDF-1.5\n%fake\n")
    return root


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    # Read studies.csv directly: the project's data loader validates a complete data set,
    # which this minimal project is not.
    def no_data_package(name):
        raise ModuleNotFoundError(name)

    monkeypatch.setattr(summary_module, "import_module", no_data_package)
    return make_project(tmp_path / "project")
