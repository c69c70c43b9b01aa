"""Sweeps: the grid's cartesian product, run in parallel, failures reported, one table."""

from __future__ import annotations

import pandas as pd
import pytest

from living_review.runs.notebook_parameters import ParameterError
from living_review.runs.sweep import read_grid, run_sweep

NOTEBOOK = '''---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

```{code-cell} ipython3
:tags: [parameters]
a = 1
b = 0.5
```

```{code-cell} ipython3
from myst_nb import glue
if a == 3:
    raise ValueError("a = 3 fails on purpose")
glue("product", a * b, display=False)
from living_review.provenance import ledger
ledger.record("sweep.probe", outcome="ORR", estimate=a * b / 10, ci_low=0.0, ci_high=0.5, k=a, n=10,
              params={}, inputs=[])
```
'''


@pytest.fixture
def grid(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "_toc.yml").write_text("root: index\n")  # a project root for the runs' ledger
    (tmp_path / "nb.md").write_text(NOTEBOOK)
    path = tmp_path / "grid.yaml"
    path.write_text("notebook: nb.md\nparameters:\n  a: [1, 2, 3]\n  b: [0.5]\n")
    return path


def test_grid_is_the_cartesian_product(grid):
    grid.write_text("notebook: nb.md\nparameters:\n  a: [1, 2]\n  b: [0.5, 2]\n")
    assert read_grid(grid).combinations() == [{"a": 1, "b": 0.5}, {"a": 1, "b": 2}, {"a": 2, "b": 0.5}, {"a": 2, "b": 2}]


def test_invalid_grid_fails_before_running(grid, tmp_path):
    grid.write_text("notebook: nb.md\nparameters:\n  a: [1, x]\n")
    with pytest.raises(ParameterError, match="a: 'x' is not a whole number"):
        read_grid(grid)
    grid.write_text("notebook: missing.md\nparameters:\n  a: [1]\n")
    with pytest.raises(ValueError, match="missing.md not found"):
        read_grid(grid)
    grid.write_text("notebook: nb.md\nparameters:\n  a: 1\n")
    with pytest.raises(ValueError, match="parameters.a must be a non-empty list"):
        read_grid(grid)


def test_parallel_sweep_collects_one_table_and_reports_failures(grid, tmp_path):
    result = run_sweep(grid, max_workers=2, runs_dir=tmp_path / "runs", root=tmp_path, progress=False)
    table = result.table
    assert list(table["a"]) == [1, 2, 3]  # grid order, whatever the completion order
    assert list(table["status"]) == ["ok", "ok", "failed"]
    assert list(table["glue:product"][:2]) == [0.5, 1.0]  # a * b computed in the notebook
    assert "a = 3 fails on purpose" in table.loc[2, "error"]
    # each run's own ledger: estimate a * b / 10 and k = a; none for the failed run
    assert list(table["sweep.probe:estimate"][:2]) == pytest.approx([0.05, 0.1])
    assert list(table["sweep.probe:k"][:2]) == [1, 2] and pd.isna(table.loc[2, "sweep.probe:estimate"])
    assert not (tmp_path / "_build").exists()  # nothing written over the project's own ledger
    assert all((tmp_path / "runs" / f / "run.json").is_file() for f in table["folder"])
    assert pd.read_csv(result.csv).shape == table.shape
    assert "3 run(s), 1 failed" in result.summary()


def test_command_line_rejects_a_bad_grid_before_running(grid, tmp_path, monkeypatch, capsys):
    from living_review.cli import main

    (tmp_path / "_toc.yml").write_text("root: x\n")
    monkeypatch.setenv("LIVING_REVIEW_ROOT", str(tmp_path))
    grid.write_text("notebook: nb.md\nparameters:\n  c: [1]\n")
    assert main(["sweep", str(grid), "--runs-dir", str(tmp_path / "runs")]) == 2
    assert "unknown parameter 'c'" in capsys.readouterr().err
    assert not (tmp_path / "runs").exists()


def test_settings_enter_the_grid_and_are_checked_before_running(grid, tmp_path):
    import json
    import shutil

    from living_review.core.paths import project_root
    from living_review.settings import SettingsError

    shutil.copy(project_root() / "review.yml", tmp_path / "review.yml")
    grid.write_text("notebook: nb.md\nparameters:\n  a: [1]\nsettings:\n  meta_analysis.hakn: [false, true]\n")
    assert read_grid(grid, tmp_path).combinations() == [{"a": 1, "meta_analysis.hakn": False},
                                                         {"a": 1, "meta_analysis.hakn": True}]
    result = run_sweep(grid, max_workers=2, runs_dir=tmp_path / "runs", root=tmp_path, progress=False)
    assert list(result.table["meta_analysis.hakn"]) == [False, True] and list(result.table["status"]) == ["ok", "ok"]
    recorded = [json.loads((tmp_path / "runs" / f / "run.json").read_text())["settings"] for f in result.table["folder"]]
    assert recorded == [{"meta_analysis.hakn": False}, {"meta_analysis.hakn": True}]
    grid.write_text("notebook: nb.md\nsettings:\n  meta_analysis.tau2_method: [REML, XYZ]\n")
    with pytest.raises(SettingsError, match="'XYZ' is not allowed"):
        read_grid(grid, tmp_path)
    grid.write_text("notebook: nb.md\nsettings:\n  hakn: [true]\n")
    with pytest.raises(ValueError, match="settings are named section.key"):
        read_grid(grid, tmp_path)


@pytest.mark.parametrize("text,message", [
    ("notebook: nb.md\nparameters:\n  a: [1, 2\n", r"^grid\.yaml:3:6: YAML syntax error"),
    ("notebook: nb.md\nparameters:\n\ta: [1, 2]\n", r"^grid\.yaml:3:1: a tab is used for indentation"),
    ("42\n", r"^grid\.yaml:1: the grid is 42, not a mapping"),
    ("- a\n- b\n", r"^grid\.yaml:1: the grid is \['a', 'b'\], not a mapping"),
    ("notebook: nb.md\nparameters: 42\n", r"^grid\.yaml:2: parameters is 42, not a mapping"),
    ("notebook: nb.md\nparameters:\n  a: [1]\nsetings: {}\n", r"^grid\.yaml:4: unknown key\(s\) setings"),
    ("notebook: nb.md\nparameters:\n  b: [0.5]\n  a:\n    - 1\n    - x\n", r"^grid\.yaml:6: parameters\.a = 'x'"),
])
def test_unreadable_grid_is_blamed_at_its_line(grid, text, message):
    grid.write_text(text)
    with pytest.raises(ValueError, match=message):
        read_grid(grid)


def test_non_utf8_grid_is_named(grid):
    grid.write_bytes(b"notebook: nb.md\nparameters:\n  a: [1]\n# caf\xe9\n")
    with pytest.raises(ValueError, match=r"^grid\.yaml:4: byte 0xe9 is not UTF-8"):
        read_grid(grid)


def test_bad_grid_setting_is_blamed_on_the_grid_file(grid, tmp_path):
    from living_review.core.paths import project_root

    (tmp_path / "review.yml").write_text((project_root() / "review.yml").read_text(encoding="utf-8"))
    grid.write_text("notebook: nb.md\nsettings:\n  survival.level: [0.9, 5]\n")
    with pytest.raises(ValueError, match=r"^grid\.yaml:3: settings\.survival\.level = 5: .*strictly between 0 and 1"):
        read_grid(grid, tmp_path)


def test_a_sweep_over_the_new_estimators(tmp_path):
    from living_review.meta import metaprop

    (tmp_path / "data").mkdir()
    (tmp_path / "_toc.yml").write_text("root: index\n")
    (tmp_path / "nb.md").write_text(NOTEBOOK.replace("a = 1\nb = 0.5", 'tau2_method = "REML"\ntransform = "PFT"').replace(
        '''if a == 3:
    raise ValueError("a = 3 fails on purpose")
glue("product", a * b, display=False)
from living_review.provenance import ledger
ledger.record("sweep.probe", outcome="ORR", estimate=a * b / 10, ci_low=0.0, ci_high=0.5, k=a, n=10,
              params={}, inputs=[])''', '''from living_review.provenance import ledger
from living_review.meta import metaprop
ledger.record_result("sweep.probe", metaprop([2, 5, 0, 9], [10, 20, 15, 30], transform=transform,
                     tau2_method=tau2_method), outcome="ORR")'''))
    grid = tmp_path / "grid.yaml"
    grid.write_text("notebook: nb.md\nparameters:\n  tau2_method: [HSk, PMM]\n  transform: [PLN]\n")
    table = run_sweep(grid, max_workers=2, runs_dir=tmp_path / "runs", root=tmp_path, progress=False).table
    assert list(table["status"]) == ["ok", "ok"], list(table["error"])
    for method, estimate in zip(table["tau2_method"], table["sweep.probe:estimate"]):
        direct = metaprop([2, 5, 0, 9], [10, 20, 15, 30], transform="PLN", tau2_method=method)
        assert estimate == pytest.approx(direct.estimate, abs=1e-12)
