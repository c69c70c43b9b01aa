"""The numerical environment record: it holds what the process that wrote the release ran with.

The record is compared with what numpy and OpenBLAS report in a separate process started with
known thread variables (never a kernel preset: OPENBLAS_CORETYPE is left as the machine has it)."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys

import numpy as np

from living_review.release import environment as e


def _record_in_subprocess(**variables) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in e.THREAD_VARIABLES}
    env.update(variables)
    out = subprocess.run([sys.executable, "-m", "living_review.release.environment"], env=env,
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def test_the_record_holds_what_the_process_ran_with():
    record = _record_in_subprocess(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    assert record["numpy"]["version"] == np.__version__
    assert record["python"]["version"] == platform.python_version()
    assert record["cpu"]["architecture"] == platform.machine()
    assert record["threads"]["OPENBLAS_NUM_THREADS"] == "1" and record["threads"]["OMP_NUM_THREADS"] == "1"
    assert record["threads"]["MKL_NUM_THREADS"] is None  # not set: recorded as not set, never guessed
    assert record["threads"]["OPENBLAS_CORETYPE"] == os.environ.get("OPENBLAS_CORETYPE")
    built = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
    assert record["blas"]["name"] == built["name"] and record["blas"]["version"] == built["version"]
    simd = np.show_config(mode="dicts")["SIMD Extensions"]
    assert record["numpy"]["simd_found"] == list(simd["found"])
    if "openblas" in (built["name"] or ""):
        # the kernel OpenBLAS chose at run time, and the thread count the variable asked for
        assert record["blas"]["kernel"] and record["blas"]["kernel"] in record["blas"]["runtime_config"]
        assert record["blas"]["threads"] == 1
        assert _record_in_subprocess(OPENBLAS_NUM_THREADS="2")["blas"]["threads"] == 2


def test_differences_name_the_fields_and_the_settings_for_bit_for_bit():
    one = e.numerical_environment()
    assert e.differences(one, json.loads(e.to_json(one))) == []
    other = json.loads(e.to_json(one))
    other["blas"]["kernel"] = "Prescott"
    other["numpy"]["simd_found"] = ["X86_V3"]
    found = e.differences({**one, "blas": {**one["blas"], "kernel": "Haswell"}}, other)
    assert found[0] == "BLAS kernel: Haswell published, Prescott rebuilt"
    assert found[1].startswith("numpy SIMD features found:") and found[1].endswith("X86_V3 rebuilt")
    settings = e.bit_for_bit_settings({**one, "blas": {**one["blas"], "kernel": "Haswell"}})
    assert "kernel Haswell" in settings and "OPENBLAS_CORETYPE=Haswell" in settings
    assert "OPENBLAS_NUM_THREADS=1" in settings


def test_a_folder_without_a_record_reads_as_none(tmp_path):
    assert e.read_environment(tmp_path) is None
    path = e.write_environment(tmp_path)
    assert e.read_environment(tmp_path) == json.loads(path.read_text())
