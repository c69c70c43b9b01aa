"""Parameterised reruns: parameters checked against the notebook, runs recorded in full."""

from __future__ import annotations

import json
import os

import nbformat
import pytest

from living_review._version import __version__
from living_review.core.fingerprint import data_fingerprint
from living_review.runs.notebook_parameters import ParameterError, parse_parameters, read_parameters, validate_parameters
from living_review.runs.rerun import glued_numbers, run_notebook

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

# A tiny rerun

```{code-cell} ipython3
:tags: [parameters]
scale = 2.0
label = "x"  # one of: x, y
transform = "PFT"
outcomes = ["ORR"]
fail = False
```

```{code-cell} ipython3
import numpy as np
from myst_nb import glue
from pathlib import Path

if fail:
    raise RuntimeError("asked to fail")
glue("doubled", np.float64(scale) * 2, display=False)
glue("shown_int", 7)
glue("text_value", "not a number", display=False)
print("in its folder:", Path("cwd.txt").exists())
print(label, transform, outcomes)
```
'''


@pytest.fixture
def notebook(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "studies.csv").write_text("study_id\na\n")
    folder = tmp_path / "notebooks"
    folder.mkdir()
    (folder / "cwd.txt").write_text("the notebook runs in its own folder\n")
    path = folder / "tiny.md"
    path.write_text(NOTEBOOK)
    return path


def test_reads_names_types_and_allowed_sets(notebook):
    spec = read_parameters(notebook)
    assert list(spec) == ["scale", "label", "transform", "outcomes", "fail"]
    assert spec["scale"].kind is float and spec["scale"].allowed is None
    assert spec["label"].allowed == ("x", "y")  # from the '# one of:' comment
    assert spec["transform"].allowed == ("PFT", "PLOGIT", "PAS", "PRAW", "PLN")  # the engine's Transform
    assert spec["outcomes"].item_allowed == ("ORR", "DCR")  # settings: tuple[Outcome, ...]


def test_settings_aliases_and_numeric_sets():
    spec = parse_parameters('tau2_method = "REML"\nlevel = 0.95  # one of: 0.9, 0.95\noutcome = "ORR"\n')
    assert spec["tau2_method"].allowed == ("DL", "REML", "ML", "PM", "SJ", "HE", "EB", "HS", "HSk", "GENQ", "PMM")
    assert spec["level"].allowed == (0.9, 0.95)
    assert spec["outcome"].allowed == ("ORR", "DCR")  # the alias Outcome


def test_values_are_parsed_and_typed(notebook):
    spec = read_parameters(notebook)
    given = {"scale": "3", "label": "y", "outcomes": "[ORR, DCR]", "fail": "true"}
    assert validate_parameters(spec, given) == {"scale": 3.0, "label": "y", "outcomes": ["ORR", "DCR"], "fail": True}


@pytest.mark.parametrize("given, message", [
    ({"scael": "3"}, "unknown parameter 'scael'"),
    ({"scale": "big"}, "scale: 'big' is not a number"),
    ({"fail": "3"}, "fail: '3' is not a true/false"),
    ({"label": "z"}, "label: 'z' is not allowed"),
    ({"transform": "LOGIT"}, "transform: 'LOGIT' is not allowed"),
    ({"outcomes": "[ORR, PFS]"}, "outcomes: item(s) 'PFS' not allowed"),
])
def test_bad_parameters_list_what_is_allowed(notebook, given, message):
    with pytest.raises(ParameterError) as caught:
        validate_parameters(read_parameters(notebook), given, "tiny.md")
    text = str(caught.value)
    assert message in text
    assert "label (text, one of x, y; default 'x')" in text
    assert "transform (text, one of PFT, PLOGIT, PAS, PRAW, PLN;" in text


def test_text_sets_stay_text_and_defaults_must_be_allowed():
    assert parse_parameters('answer = "no"  # one of: yes, no\n')["answer"].allowed == ("yes", "no")
    with pytest.raises(ParameterError, match="line 1: the default of 'level' \\(0.8\\) is not in its allowed set"):
        parse_parameters("level = 0.8  # one of: 0.9, 0.95\n")
    with pytest.raises(ParameterError, match="default of 'transform'"):
        parse_parameters('transform = "LOGIT"\n')


def test_non_literal_parameters_cell_is_refused():
    with pytest.raises(ParameterError, match="line 2: the value of 'b' is not a literal"):
        parse_parameters("a = 1\nb = a + 1\n")
    with pytest.raises(ParameterError, match="only 'name = <literal>'"):
        parse_parameters("import os\n")


def test_glued_numbers_read_plain_and_numpy_reprs():
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("")
    record = "application/papermill.record/"
    cell.outputs = [
        nbformat.v4.new_output("display_data", data={record + "text/plain": "np.float64(0.25)"},
                               metadata={"scrapbook": {"name": "a", "mime_prefix": record}}),
        nbformat.v4.new_output("display_data", data={"text/plain": "12"},
                               metadata={"scrapbook": {"name": "b", "mime_prefix": ""}}),
        nbformat.v4.new_output("display_data", data={"text/plain": "'text'"},
                               metadata={"scrapbook": {"name": "c", "mime_prefix": ""}}),
        nbformat.v4.new_output("display_data", data={"text/plain": "99"}),
    ]
    nb.cells.append(cell)
    assert glued_numbers(nb) == {"a": 0.25, "b": 12.0}


def test_run_writes_notebook_html_and_record(notebook, tmp_path):
    root = tmp_path
    result = run_notebook(notebook, {"scale": "3", "label": "y"}, runs_dir=tmp_path / "runs", root=root)
    assert result.status == "ok", result.error
    assert result.folder.parent == tmp_path / "runs"
    assert result.glued == {"doubled": 6.0, "shown_int": 7.0}  # scale 3.0 * 2, and the literal 7
    record = json.loads((result.folder / "run.json").read_text())
    assert record["parameters"] == {"scale": 3.0, "label": "y"}
    assert record["data_fingerprint"] == data_fingerprint(root)
    assert record["version"] == __version__ and record["notebook"] == "notebooks/tiny.md"
    executed = nbformat.read(result.notebook, as_version=4)
    printed = "".join(o.get("text", "") for c in executed.cells for o in c.get("outputs", []))
    assert "y PFT ['ORR']" in printed
    assert "in its folder: True" in printed  # papermill ran with the notebook's folder as cwd
    html = result.html.read_text()
    assert "A tiny rerun" in html and "y PFT" in html and str(tmp_path) not in html


def test_a_run_talks_to_its_kernel_over_ipc_and_prints_no_transport_warning(notebook, tmp_path, capfd):
    result = run_notebook(notebook, {}, runs_dir=tmp_path / "runs", root=tmp_path)
    assert result.status == "ok", result.error
    printed = capfd.readouterr()
    assert "without encryption" not in printed.err + printed.out
    assert not list(tmp_path.rglob("kernel-ipc*"))  # no socket left in the project or the run


def test_a_failing_run_is_recorded_not_raised(notebook, tmp_path):
    result = run_notebook(notebook, {"fail": "true"}, runs_dir=tmp_path / "runs", root=tmp_path)
    assert result.status == "failed" and "asked to fail" in result.error
    assert json.loads((result.folder / "run.json").read_text())["status"] == "failed"


def test_invalid_parameters_run_nothing(notebook, tmp_path):
    with pytest.raises(ParameterError):
        run_notebook(notebook, {"nope": "1"}, runs_dir=tmp_path / "runs", root=tmp_path)
    assert not (tmp_path / "runs").exists()


def test_command_line(notebook, tmp_path, monkeypatch, capsys):
    from living_review.cli import main

    (tmp_path / "_toc.yml").write_text("root: x\n")
    monkeypatch.setenv("LIVING_REVIEW_ROOT", str(tmp_path))
    assert main(["rerun", str(notebook), "-p", "label", "z"]) == 2
    assert "Allowed parameters" in capsys.readouterr().err
    assert main(["rerun", str(notebook), "-p", "scale", "1.5", "--runs-dir", str(tmp_path / "r")]) == 0
    out = capsys.readouterr().out
    assert "ok [scale=1.5]" in out and "run.json" in out


LEDGER_NOTEBOOK = NOTEBOOK.replace('print(label, transform, outcomes)', '''print(label, transform, outcomes)
from living_review.provenance import ledger
ledger.record("rerun.probe", outcome="ORR", estimate=scale / 10, ci_low=0.0, ci_high=1.0, k=1, n=10,
              params={"transform": transform}, inputs=[])''')


def test_a_run_records_its_estimates_in_its_own_folder(notebook, tmp_path, monkeypatch):
    (tmp_path / "_toc.yml").write_text("root: index\n")
    monkeypatch.setenv("LIVING_REVIEW_ROOT", str(tmp_path))
    notebook.write_text(LEDGER_NOTEBOOK)
    result = run_notebook(notebook, {"scale": "3"}, runs_dir=tmp_path / "runs", root=tmp_path)
    assert result.status == "ok", result.error
    record = json.loads((result.folder / "_build" / "ledger" / "rerun.probe.json").read_text())
    assert record["estimate"] == pytest.approx(0.3)
    assert not (tmp_path / "_build").exists()  # the book's ledger is untouched
    assert "LIVING_REVIEW_BUILD_DIR" not in os.environ


def test_the_drug_template_declares_the_pooling_method():
    from living_review.core.paths import project_root

    spec = read_parameters(project_root() / "notebooks" / "templates" / "drug_results.md")
    assert {"drug", "histology", "outcomes", "model", "transform", "tau2_method", "hakn", "level"} <= set(spec)
    assert "PLOGIT" in spec["transform"].allowed and "DL" in spec["tau2_method"].allowed


SETTINGS_NOTEBOOK = NOTEBOOK.replace('print(label, transform, outcomes)', '''print(label, transform, outcomes)
from living_review.settings import load_settings
print("hakn is", load_settings().meta_analysis.hakn)''')


def test_settings_changed_for_one_run_reach_the_chapter(notebook, tmp_path, monkeypatch):
    import shutil
    from living_review.core.paths import project_root
    from living_review.settings import SettingsError

    shutil.copy(project_root() / "review.yml", tmp_path / "review.yml")
    (tmp_path / "_toc.yml").write_text("root: index\n")
    notebook.write_text(SETTINGS_NOTEBOOK)
    result = run_notebook(notebook, {}, runs_dir=tmp_path / "runs", root=tmp_path,
                          settings={"meta_analysis.hakn": "true"})
    assert result.status == "ok", result.error
    printed = "".join(o.get("text", "") for c in nbformat.read(result.notebook, as_version=4).cells
                      for o in c.get("outputs", []))
    assert "hakn is True" in printed
    assert json.loads((result.folder / "run.json").read_text())["settings"] == {"meta_analysis.hakn": True}
    assert "hakn: true" in (result.folder / "review.yml").read_text()
    assert "meta_analysis.hakn=True" in result.summary()
    assert "LIVING_REVIEW_SETTINGS" not in os.environ
    with pytest.raises(SettingsError, match="not allowed"):
        run_notebook(notebook, {}, runs_dir=tmp_path / "runs2", root=tmp_path, settings={"meta_analysis.model": "x"})
    assert not (tmp_path / "runs2").exists()  # refused before anything ran


def test_a_chapter_without_parameters_cell_declares_none(tmp_path):
    path = tmp_path / "plain.md"
    path.write_text(NOTEBOOK.replace(":tags: [parameters]\n", ""))
    assert read_parameters(path) == {}
    with pytest.raises(ParameterError, match="no cell tagged 'parameters'.*-s SECTION.KEY VALUE"):
        validate_parameters(read_parameters(path), {"scale": "2"}, path.name)
    twice = NOTEBOOK.replace("# A tiny rerun", "```{code-cell} ipython3\n:tags: [parameters]\nx = 1\n```")
    path.write_text(twice)
    with pytest.raises(ParameterError, match="expected one code cell tagged 'parameters', found 2"):
        read_parameters(path)


ESTIMATOR_NOTEBOOK = NOTEBOOK.replace('''scale = 2.0
label = "x"  # one of: x, y
transform = "PFT"
outcomes = ["ORR"]
fail = False''', '''transform = "PFT"
tau2_method = "REML"''').replace('''if fail:
    raise RuntimeError("asked to fail")
glue("doubled", np.float64(scale) * 2, display=False)
glue("shown_int", 7)
glue("text_value", "not a number", display=False)
print("in its folder:", Path("cwd.txt").exists())
print(label, transform, outcomes)''', '''from living_review.provenance import ledger
from living_review.meta import metaprop
from living_review.settings import load_settings

m = load_settings().meta_analysis
EVENTS, TOTALS = [3, 1, 34, 41, 6], [5, 12, 80, 500, 25]
ledger.record_result("rerun.parameters", metaprop(EVENTS, TOTALS, transform=transform, tau2_method=tau2_method),
                     outcome="ORR")
ledger.record_result("rerun.settings", metaprop(EVENTS, TOTALS, transform=m.transform, tau2_method=m.tau2_method),
                     outcome="ORR")''')
EVENTS, TOTALS = [3, 1, 34, 41, 6], [5, 12, 80, 500, 25]


def test_a_rerun_with_a_new_estimator_and_pln_equals_a_direct_fit(notebook, tmp_path, monkeypatch):
    """-p tau2_method HS -p transform PLN and -s meta_analysis.tau2_method GENQ are accepted, and the
    run publishes what metaprop gives for the same options (metaprop itself is checked against metafor
    in tests/meta)."""
    import shutil

    from living_review.meta import metaprop
    from living_review.core.paths import project_root

    shutil.copy(project_root() / "review.yml", tmp_path / "review.yml")
    (tmp_path / "_toc.yml").write_text("root: index\n")
    monkeypatch.setenv("LIVING_REVIEW_ROOT", str(tmp_path))
    notebook.write_text(ESTIMATOR_NOTEBOOK)
    result = run_notebook(notebook, {"transform": "PLN", "tau2_method": "HS"}, runs_dir=tmp_path / "runs",
                          root=tmp_path, settings={"meta_analysis.tau2_method": "GENQ",
                                                   "meta_analysis.transform": "PLN"})
    assert result.status == "ok", result.error
    ledger = result.folder / "_build" / "ledger"
    for key, method in (("rerun.parameters", "HS"), ("rerun.settings", "GENQ")):
        record = json.loads((ledger / f"{key}.json").read_text())
        direct = metaprop(EVENTS, TOTALS, transform="PLN", tau2_method=method)
        assert (record["params"]["transform"], record["params"]["tau2_method"]) == ("PLN", method)
        for field in ("estimate", "ci_low", "ci_high"):
            assert record[field] == pytest.approx(getattr(direct, field), abs=1e-12)
        assert record["extra"]["tau2"] == pytest.approx(direct.tau2, abs=1e-12)
    # the two estimators differ on these data, so the run did use each
    assert metaprop(EVENTS, TOTALS, transform="PLN", tau2_method="HS").tau2 != pytest.approx(
        metaprop(EVENTS, TOTALS, transform="PLN", tau2_method="GENQ").tau2)
