"""The ledger of published estimates: every pooled estimate a chapter prints, on record.

Each chapter that publishes a pooled estimate also records it here, under a stable key,
with the inputs it was computed from and the parameters of the analysis. A release
collects the ledger into ``releases/<version>/summary.json``, and the changelog compares
two releases' ledgers, so an estimate that is not recorded is invisible to both.

One estimate is one JSON file, ``<project root>/_build/ledger/<key>.json``. The file holds
no time stamp and no path of the machine, its keys are sorted and floats are written by
``repr`` (the shortest text that reads back to the same float), so the same estimate from
the same inputs always gives the same bytes.

A fit that failed (a GLMM that did not converge) publishes no number, and the ledger
holds no number for it: :func:`record_not_estimated` writes the record with a ``status``
(``"not_converged"``, ``"not_estimable"``), the ``reason`` in words and ``estimate``,
``ci_low`` and ``ci_high`` null. :func:`record_result` does so by itself for a result whose
GLMM did not converge. A record without ``status`` holds an estimate.

Each record also holds ``inputs_fingerprint``, the
:func:`living_review.core.fingerprint.build_inputs_fingerprint` (data, code, configuration,
templates) when it was written. A record whose fingerprint is not the current one was
not rewritten by the last build (its chapter no longer publishes it, or was not
re-executed): :func:`stale_keys` names such records, and a release refuses them. When a
build finds that nothing a chapter used has changed (:mod:`living_review.book.execution`),
it does not re-execute the chapter but brings the fingerprint of the chapter's records up
to date (:func:`confirm`): they were computed from the same inputs. A release is always
built from scratch, so every record it holds was computed in its own build.

Example
-------
>>> path = record(
...     "orr.lenvatinib.atc", outcome="ORR", estimate=0.24, ci_low=0.12, ci_high=0.38,
...     k=3, n=61, params={"transform": "PFT"},
...     inputs=[{"study_id": "tahara2017", "events": 6, "n": 17}],
... )  # doctest: +SKIP
>>> collect()["orr.lenvatinib.atc"]["estimate"]  # doctest: +SKIP
0.24
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from living_review.core.fingerprint import build_inputs_fingerprint
from living_review.core.paths import build_dir, project_root
from living_review.provenance import ledger_state, reads
from living_review.provenance.ledger_values import check_key, count, dumps, number, plain

LEDGER_DIR = Path("_build") / "ledger"

def ledger_dir(root: Path | None = None) -> Path:
    """The ledger folder: ``<root>/_build/ledger``, or ``ledger`` in :func:`living_review.core.paths.build_dir`
    when no root is given (a rerun's own folder when it set one)."""
    return Path(root) / LEDGER_DIR if root else build_dir() / LEDGER_DIR.name

def record(
    key: str,
    *,
    outcome: str,
    estimate: float,
    ci_low: float,
    ci_high: float,
    k: int,
    n: int,
    params: dict,
    inputs: list[dict],
    extra: dict | None = None,
    chapter: str | None = None,
    root: Path | None = None,
) -> Path:
    """Record one published pooled estimate and return the file written.

    Parameters
    ----------
    key : stable name of the estimate, ``^[a-z0-9_.-]+$`` (e.g. ``"orr.lenvatinib.atc"``);
        the changelog matches estimates across versions by this key, so never reuse one
        for a different quantity.
    outcome : what is estimated (e.g. ``"ORR"``).
    estimate, ci_low, ci_high : the pooled estimate and its confidence interval, on the
        scale the chapter prints (proportions as fractions 0-1, hazards as ratios).
    k : number of studies pooled.
    n : number of patients pooled.
    params : the analysis parameters (transform, tau2 method, level, ...).
    inputs : one dict per study that entered the estimate (study id and its counts).
    extra : further values to keep (tau2, I2, prediction interval, ...).
    chapter : the chapter that publishes the estimate.
    root : project root (default: :func:`living_review.core.paths.project_root`).

    Returns
    -------
    Path of ``<root>/_build/ledger/<key>.json``.

    Raises
    ------
    ValueError if the key is malformed, a number is not finite, or the CI does not hold
    the estimate.
    """
    check_key(key)
    est = number(estimate, "estimate", key)
    low = number(ci_low, "ci_low", key)
    high = number(ci_high, "ci_high", key)
    if not low <= est <= high:
        raise ValueError(f"ledger {key!r}: the CI [{low!r}, {high!r}] does not hold the estimate {est!r}")
    payload = _payload(key, outcome, {"estimate": est, "ci_low": low, "ci_high": high},
                       k, n, params, inputs, extra, chapter)
    return _write(payload, key, chapter, root)

def _payload(key, outcome, values: dict, k, n, params, inputs, extra, chapter) -> dict:
    """The record's fields in their fixed order, every value checked and made plain JSON."""
    if not isinstance(inputs, (list, tuple)) or not all(isinstance(i, dict) for i in inputs):
        raise ValueError(f"ledger {key!r}: inputs must be a list of dicts, one per study")
    return {
        "key": key,
        "outcome": str(outcome),
        **values,
        "k": count(k, "k", key),
        "n": count(n, "n", key),
        "params": plain(dict(params), f"ledger {key!r}: params"),
        "inputs": plain(list(inputs), f"ledger {key!r}: inputs"),
        "extra": plain(dict(extra or {}), f"ledger {key!r}: extra"),
        "chapter": chapter,
    }

def _write(payload: dict, key: str, chapter: str | None, root: Path | None) -> Path:
    folder = ledger_dir(root)  # without a root: the build folder, which a rerun redirects
    # bookkeeping, not a dependency: a build confirms it without re-executing
    payload["inputs_fingerprint"] = ledger_state.current_fingerprint(root)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{key}.json"
    text = dumps(payload)
    if path.exists():
        previous = json.loads(path.read_text(encoding="utf-8"))
        # Written from the same inputs by another chapter: two chapters claim one key.
        if (previous.get("inputs_fingerprint") == payload["inputs_fingerprint"] and chapter
                and previous.get("chapter") and previous["chapter"] != chapter):
            raise ValueError(
                f"ledger key {key!r} is already recorded by chapter {previous['chapter']!r}; "
                f"give the estimate in {chapter!r} its own key"
            )
    reads.note("ledger-write", key)  # the build knows which chapter publishes which estimate
    # Leave an unchanged file untouched, so a rebuild does not change its modification time.
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        # Chapters run in parallel and read each other's records: a reader must never see a
        # half-written file, so the record is written beside it and moved into place.
        partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
        with reads.paused():  # on record as the record written (below), not as a file that goes away
            partial.write_text(text, encoding="utf-8")
        os.replace(partial, path)
        reads.wrote(path)
    return path

NOT_ESTIMATED = ("not_converged", "not_estimable")

def record_not_estimated(
    key: str,
    *,
    outcome: str,
    status: str,
    reason: str,
    k: int,
    n: int,
    params: dict,
    inputs: list[dict],
    extra: dict | None = None,
    chapter: str | None = None,
    root: Path | None = None,
) -> Path:
    """Record that an estimate the chapter would publish could not be computed, and why.

    ``status`` is one of :data:`NOT_ESTIMATED` ("not_converged": the fit ran and failed;
    "not_estimable": the data admit no fit); ``reason`` says so in words. The record holds
    ``estimate``, ``ci_low`` and ``ci_high`` as null, never a number. Other arguments as
    :func:`record`.

    Example
    -------
    >>> record_not_estimated("sensitivity.orr.glmm", outcome="ORR", status="not_converged",
    ...                      reason="the GLMM did not converge", k=2, n=12, params={"model": "glmm"},
    ...                      inputs=[])  # doctest: +SKIP
    """
    check_key(key)
    if status not in NOT_ESTIMATED:
        raise ValueError(f"ledger {key!r}: status {status!r} is not allowed; choose one of {', '.join(NOT_ESTIMATED)}")
    if not isinstance(reason, str) or not reason.strip():
        raise ValueError(f"ledger {key!r}: say in words why there is no estimate (reason)")
    payload = _payload(key, outcome, {"status": status, "reason": reason.strip(), "estimate": None,
                                      "ci_low": None, "ci_high": None}, k, n, params, inputs, extra, chapter)
    return _write(payload, key, chapter, root)

def is_estimated(rec: dict) -> bool:
    """True when a ledger record (as :func:`collect` reads it) holds an estimate."""
    return rec.get("status") is None and rec.get("estimate") is not None

METHOD_ATTRIBUTES = ("transform", "tau2_method", "model", "hakn", "level", "prediction")
EXTRA_ATTRIBUTES = ("tau2", "tau2_ci_low", "tau2_ci_high", "i2", "i2_ci_low", "i2_ci_high", "q", "q_df",
                    "q_pvalue", "pvalue", "pi_low", "pi_high")

def _inputs_from_table(result: Any) -> list[dict] | None:
    table = getattr(result, "studies", None)
    if not hasattr(table, "columns") or not {"events", "n"} <= set(table.columns):
        return None
    label = "study_id" if "study_id" in table.columns else "study" if "study" in table.columns else None
    return [
        {**({"study_id": str(row[label])} if label else {}), "events": int(row["events"]), "n": int(row["n"])}
        for _, row in table.iterrows()
    ]

def record_result(
    key: str,
    result: Any,
    *,
    outcome: str,
    inputs: list[dict] | None = None,
    params: dict | None = None,
    chapter: str | None = None,
    root: Path | None = None,
) -> Path:
    """Record a meta-analysis result object (duck-typed) with :func:`record`.

    The result must have the attributes ``estimate``, ``ci_low`` and ``ci_high``. Other
    fields are read when present (``living_review.meta.MetaPropResult`` has them all):

    * ``k``: number of studies (else the number of inputs);
    * ``n_total``: number of patients (else the sum of the inputs' ``n``);
    * ``studies``: a table with ``study`` (or ``study_id``), ``events`` and ``n``,
      used as ``inputs`` when none are given;
    * ``transform, tau2_method, model, hakn, level, prediction``: the method, put in
      ``params`` (a key given in ``params`` wins);
    * ``tau2, i2, q, q_pvalue, pi_low, pi_high`` and their CIs: kept in ``extra``;
    * ``glmm.converged`` False: the fit failed, so :func:`record_not_estimated` records it
      with status "not_converged" and no number.

    Example
    -------
    >>> record_result("orr.all", metaprop(events, n, studies=ids), outcome="ORR")  # doctest: +SKIP
    """
    missing = [a for a in ("estimate", "ci_low", "ci_high") if not hasattr(result, a)]
    if missing:
        raise ValueError(
            f"ledger {key!r}: the result ({type(result).__name__}) has no {', '.join(missing)}; "
            "pass an object with estimate, ci_low and ci_high, or call record() with the numbers"
        )
    if inputs is None:
        inputs = _inputs_from_table(result)
        if inputs is None:
            raise ValueError(f"ledger {key!r}: give inputs; the result has no studies table with events and n")
    k = getattr(result, "k", None)
    if k is None:
        k = len(inputs)
    n = getattr(result, "n_total", None)
    if n is None:
        n = sum(int(row.get("n", 0)) for row in inputs)
    method = {name: getattr(result, name) for name in METHOD_ATTRIBUTES if hasattr(result, name)}
    glmm = getattr(result, "glmm", None)
    if glmm is not None and getattr(glmm, "converged", True) is False:
        return record_not_estimated(
            key, outcome=outcome, status="not_converged",
            reason="the logistic mixed model (GLMM) did not converge, so no estimate is published",
            k=k, n=n, params={**method, **(params or {})}, inputs=inputs, chapter=chapter, root=root)
    extra = {}
    for name in EXTRA_ATTRIBUTES:
        value = getattr(result, name, None)
        if isinstance(value, (int, float)) or (hasattr(value, "item") and callable(value.item)):
            extra[name] = value
    return record(
        key, outcome=outcome, estimate=result.estimate, ci_low=result.ci_low, ci_high=result.ci_high,
        k=k, n=n, params={**method, **(params or {})}, inputs=inputs, extra=extra, chapter=chapter, root=root,
    )

def collect(root: Path | None = None, prefix: str | None = None) -> dict[str, dict]:
    """Every recorded estimate, ``{key: record}``, in sorted key order (empty if none).

    With ``prefix``, only the record of that key and those under it (``prefix.``...): a
    chapter that reads those alone depends on them alone (:mod:`living_review.provenance.ledger_state`).
    """
    if prefix is None:
        reads.note("ledger-read")  # a chapter that reads the ledger runs after those that write it
    folder = ledger_dir(root)
    found = {}
    paths = sorted(folder.glob("*.json")) if folder.is_dir() else []
    for path in paths:
        if prefix is not None and path.stem != prefix and not path.stem.startswith(prefix + "."):
            continue
        try:
            found[path.stem] = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as error:
            raise ValueError(f"ledger file {path.name} is not valid JSON ({error}); rebuild the book to rewrite it") from None
    if prefix is not None:
        ledger_state.note_read(prefix, found, root)
    return found

def stale_keys(root: Path | None = None, records: dict[str, dict] | None = None) -> list[str]:
    """Keys of records written from other data, code or configuration than the current ones.

    ``records`` are the ledger as already read by :func:`collect` (read here when not given).
    """
    root = Path(root or project_root())
    current = build_inputs_fingerprint(root)
    records = collect(root) if records is None else records
    return [key for key, rec in records.items() if rec.get("inputs_fingerprint") != current]

def confirm(keys: list[str] | tuple[str, ...], root: Path | None = None) -> list[str]:
    """Set the inputs fingerprint of the records ``keys`` to the current one; return the keys missing.

    For the records of a chapter whose every input is unchanged since it wrote them.
    """
    root = Path(root or project_root())
    current = build_inputs_fingerprint(root)
    missing = []
    for key in keys:
        path = ledger_dir(root) / f"{check_key(key)}.json"
        if not path.is_file():
            missing.append(key)
            continue
        payload = json.loads(path.read_text(encoding="utf-8"))
        if payload.get("inputs_fingerprint") != current:
            payload["inputs_fingerprint"] = current
            path.write_text(dumps(payload), encoding="utf-8")
    return missing
