"""The numerical environment of a release: what its numbers were computed with.

Two builds of one commit give the same bytes only when they compute with the same
arithmetic. numpy's OpenBLAS chooses its kernels by CPU (or by ``OPENBLAS_CORETYPE`` when a
machine presets it), numpy's own loops are dispatched by the SIMD features the CPU offers,
and a BLAS running on several threads may add in another order. The pooled survival curves
go through LAPACK (solve, inverse, eigendecomposition), so their last bits follow the
kernel. ``releases/<version>/environment.json`` records, for the process that wrote the
release (the same environment variables and machine as the build):

* ``blas``: library name and version as numpy was built with it, the kernel in use
  (OpenBLAS ``get_corename``), its runtime configuration and thread count;
* ``threads``: the thread-count variables of the build (``OPENBLAS_NUM_THREADS``,
  ``OMP_NUM_THREADS``, ``MKL_NUM_THREADS``) and the kernel presets
  (``OPENBLAS_CORETYPE``, ``OPENBLAS_L2_SIZE``), each as set or ``null``;
* ``numpy``: version, SIMD baseline and the SIMD features found on this CPU;
* ``cpu``: model name, architecture and number of logical processors;
* ``python``: version and implementation; ``platform``: system and C library;
* ``tex``: the first line of ``pdftex --version`` (the PDF's bytes follow the TeX packages).

The record is read without threadpoolctl (not among the pinned requirements): the BLAS
facts come from ``numpy.show_config(mode="dicts")`` and from OpenBLAS's own
``get_corename``/``get_config``/``get_num_threads`` through ``ctypes``; where a field
cannot be read it is ``null``, never guessed.

:func:`differences` lists the fields in which two records differ, in words, for
``living-review verify``; :func:`bit_for_bit_settings` says what a reader sets to compute
as the release did.

Example
-------
>>> record = numerical_environment()  # doctest: +SKIP
>>> record["blas"]["kernel"]  # doctest: +SKIP
'Haswell'
"""

from __future__ import annotations

import ctypes
import glob
import json
import os
import platform
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

ENVIRONMENT_FILE = "environment.json"
THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
KERNEL_VARIABLES = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
#: the fields :func:`differences` compares, with the words it uses for them
COMPARED = (
    (("blas", "name"), "BLAS library"),
    (("blas", "version"), "BLAS version"),
    (("blas", "kernel"), "BLAS kernel"),
    (("blas", "threads"), "BLAS threads"),
    (("numpy", "version"), "numpy version"),
    (("numpy", "simd_found"), "numpy SIMD features found"),
    (("cpu", "model"), "CPU model"),
    (("cpu", "architecture"), "CPU architecture"),
    (("python", "version"), "Python version"),
    (("tex", "pdftex"), "TeX (pdfTeX)"),
)


def _openblas() -> ctypes.CDLL | None:
    """numpy's bundled OpenBLAS (``numpy.libs/libscipy_openblas*`` of a wheel), or None."""
    import numpy as np

    here = Path(np.__file__).parent
    for pattern in ("../numpy.libs/lib*openblas*.so*", ".dylibs/lib*openblas*", "../numpy.libs/*openblas*.dll"):
        for path in sorted(glob.glob(str(here / pattern))):
            try:
                return ctypes.CDLL(path)
            except OSError:
                continue
    return None


def _call(lib: ctypes.CDLL | None, name: str, text: bool) -> Any:
    """OpenBLAS function ``name`` under any of its prefixes and suffixes; None when absent."""
    if lib is None:
        return None
    for prefix in ("scipy_openblas_", "openblas_"):
        for suffix in ("64_", ""):
            function = getattr(lib, f"{prefix}{name}{suffix}", None)
            if function is None:
                continue
            function.restype = ctypes.c_char_p if text else ctypes.c_int
            value = function()
            return value.decode("utf-8", "replace").strip() if text and value is not None else value
    return None


def _blas() -> dict:
    import numpy as np

    try:
        config = np.show_config(mode="dicts")
    except TypeError:  # numpy older than 1.26 prints and returns nothing
        config = {}
    built = (config.get("Build Dependencies") or {}).get("blas") or {}
    lib = _openblas()
    return {"name": built.get("name"), "version": built.get("version"),
            "kernel": _call(lib, "get_corename", True), "runtime_config": _call(lib, "get_config", True),
            "threads": _call(lib, "get_num_threads", False)}


def _simd() -> dict:
    import numpy as np

    try:
        config = np.show_config(mode="dicts")
    except TypeError:
        config = {}
    simd = config.get("SIMD Extensions") or {}
    try:
        from numpy._core._multiarray_umath import __cpu_features__ as features
    except ImportError:  # numpy 1.x
        from numpy.core._multiarray_umath import __cpu_features__ as features
    return {"version": np.__version__, "simd_baseline": list(simd.get("baseline") or []),
            "simd_found": list(simd.get("found") or []),
            "cpu_features": sorted(name for name, found in features.items() if found)}


def _cpu_model() -> str | None:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace").splitlines():
            if line.lower().startswith(("model name", "hardware", "cpu model")):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or None


def _first_line(command: list[str]) -> str | None:
    if shutil.which(command[0]) is None:
        return None
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    lines = result.stdout.strip().splitlines()
    return lines[0].strip() if result.returncode == 0 and lines else None


def numerical_environment(environ: Mapping[str, str] | None = None) -> dict:
    """The record of this process's numerical environment (see the module's docstring)."""
    environ = os.environ if environ is None else environ
    libc = platform.libc_ver()
    return {
        "blas": _blas(),
        "threads": {name: environ.get(name) for name in (*THREAD_VARIABLES, *KERNEL_VARIABLES)},
        "numpy": _simd(),
        "cpu": {"model": _cpu_model(), "architecture": platform.machine(), "logical_processors": os.cpu_count()},
        "python": {"version": platform.python_version(), "implementation": platform.python_implementation()},
        "platform": {"system": platform.system(), "libc": " ".join(p for p in libc if p) or None},
        "tex": {"pdftex": _first_line(["pdftex", "--version"])},
    }


def to_json(record: dict) -> str:
    return json.dumps(record, indent=2, sort_keys=True) + "\n"


def write_environment(folder: Path) -> Path:
    """Write ``<folder>/environment.json`` for this process and return its path."""
    path = Path(folder) / ENVIRONMENT_FILE
    path.write_text(to_json(numerical_environment()), encoding="utf-8")
    return path


def read_environment(folder: Path) -> dict | None:
    """The recorded environment of a release folder, or None when it recorded none (before 1.3.0)."""
    path = Path(folder) / ENVIRONMENT_FILE
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def _field(record: dict, path: tuple[str, ...]) -> Any:
    value: Any = record
    for part in path:
        value = value.get(part) if isinstance(value, dict) else None
    return value


def differences(published: dict, rebuilt: dict) -> list[str]:
    """``"BLAS kernel: Haswell published, SkylakeX rebuilt"``, one per compared field that differs."""
    found = []
    for path, words in COMPARED:
        a, b = _field(published, path), _field(rebuilt, path)
        if a != b:
            show = (lambda v: ", ".join(v) if isinstance(v, list) else str(v))
            found.append(f"{words}: {show(a)} published, {show(b)} rebuilt")
    return found


def bit_for_bit_settings(published: dict) -> str:
    """What a reader needs to compute as the release did, from its record."""
    kernel = _field(published, ("blas", "kernel"))
    parts = [f"{_field(published, ('blas', 'name')) or 'the same BLAS'} {_field(published, ('blas', 'version')) or ''}".strip(),
             f"kernel {kernel} (a CPU that OpenBLAS runs with this kernel; OPENBLAS_CORETYPE={kernel} "
             "forces it where the CPU supports it)" if kernel else "the same BLAS kernel",
             "one BLAS thread (OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1, as make release sets)",
             f"numpy {_field(published, ('numpy', 'version'))} on a CPU with the SIMD features "
             f"{', '.join(_field(published, ('numpy', 'simd_found')) or []) or 'none beyond the baseline'}",
             f"for the PDF, {_field(published, ('tex', 'pdftex')) or 'the same TeX'}"]
    return "; ".join(parts)


if __name__ == "__main__":  # the rebuild's record, taken in the rebuild's own environment by verify
    sys.stdout.write(to_json(numerical_environment()))
