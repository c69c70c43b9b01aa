"""Per-drug chapters come from one template, parameterised by papermill."""

from __future__ import annotations

import json
import shutil

import nbformat

from living_review.book.chapters import generate_drug_chapters
from living_review.core.paths import project_root


def _project(tmp_path):
    root = tmp_path / "p"
    root.mkdir()
    for name in ("review.yml", "_toc.yml"):
        shutil.copy(project_root() / name, root / name)
    shutil.copytree(project_root() / "notebooks" / "templates", root / "notebooks" / "templates")
    (root / "data").mkdir()
    return root


def test_one_chapter_per_configured_drug_with_its_parameters(tmp_path):
    root = _project(tmp_path)
    paths = generate_drug_chapters(root)
    assert [p.name for p in paths] == [
        "drug_lenvatinib.ipynb", "drug_sorafenib.ipynb", "drug_pazopanib.ipynb", "drug_imatinib.ipynb"
    ]
    nb = nbformat.read(paths[1], as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1 and 'drug = "sorafenib"' in injected[0].source
    assert "remove-cell" in injected[0].metadata["tags"]
    assert nb.cells[0].source.startswith("# Results: Sorafenib")
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")


def test_regeneration_is_byte_identical_and_leaves_files_untouched(tmp_path):
    root = _project(tmp_path)
    first = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in generate_drug_chapters(root)}
    second = generate_drug_chapters(root)
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in second} == first
    text = second[0].read_text()
    assert str(tmp_path) not in text and "start_time" not in text
    json.loads(text)
