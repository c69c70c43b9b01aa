"""Pooled survival curves for the book: the figure, the count of digitised and modelled curves, strata and
ledger records. Every cohort curve shown today is a MODEL-BASED APPROXIMATION unless its ``source`` says
reconstructed: the book draws such curves as illustrations and prints no number read off them (no
estimate, no number at risk, no test between strata); the survival estimates are those of the reported
landmarks and medians (:mod:`living_review.analyses.survival_landmarks`)."""

from __future__ import annotations

import numpy as np

from living_review.provenance.ledger import record
from living_review.survival.pooled_curve import PooledSurvival, pool_survival
from living_review.survival.pooled_curve_strata import StrataSurvival, pool_survival_strata
from living_review.survival.study_curves import APPROXIMATED, RECONSTRUCTED, StudyCurves

LANDMARKS = (3, 6, 12, 24)  # months at which a pooled curve's records are kept (the drug chapters read them)
N_DRAWS, SEED = 10_000, 20240731


def pool(curves: StudyCurves, level: float) -> PooledSurvival:
    """The chapter's pooled curve: default continuity correction, Greenwood CIs, seeded Monte Carlo medians."""
    r = curves.rows
    return pool_survival(r["study_id"], r["time"], r["n_risk"], r["survival"], level=level, n_draws=N_DRAWS,
                         seed=SEED)


def strata(curves: StudyCurves, column: str, level: float, *, min_k: int = 2) -> tuple[StrataSurvival, list[str]]:
    """Between-strata test over the levels of ``column`` that have ``min_k`` cohorts; the others are named."""
    counts = curves.cohorts[column].value_counts()
    keep, left = sorted(counts[counts >= min_k].index), sorted(counts[counts < min_k].index)
    r = curves.rows[curves.rows[column].isin(keep)]
    return pool_survival_strata(r["study_id"], r["time"], r["n_risk"], r["survival"], r[column], level=level,
                                n_draws=N_DRAWS, seed=SEED), left


MIN_RECONSTRUCTED = 2


def reconstructed_only(curves: StudyCurves, level: float) -> tuple[StudyCurves, PooledSurvival | None]:
    """The analysis without the approximated curves: the cohorts whose curve was reconstructed from a
    digitised curve, pooled when there are at least two (``None`` otherwise)."""
    only = curves.subset("source", RECONSTRUCTED)
    return only, (pool(only, level) if only.n_reconstructed >= MIN_RECONSTRUCTED else None)


def reconstructed_text(only: StudyCurves, res: PooledSurvival | None) -> str:
    """What the analysis without the approximated curves gives, or why it is not run."""
    ep = only.endpoint
    if res is None:
        return f"{only.n_reconstructed} reconstructed {ep} curves, and pooling needs {MIN_RECONSTRUCTED}"
    return (f"{ep} from the {only.n_reconstructed} reconstructed curves alone: median "
            f"{ci_text(res.median_random, *res.median_random_ci, scale=1)} months")


def ci_text(est: float, lo: float, hi: float, scale: float = 100, digits: int = 1) -> str:
    """``est (lo–hi)`` times ``scale`` (100: percent), "not reached" for NaN, no interval when ``lo`` is NaN."""
    if np.isnan(est):
        return "not reached"
    body = f"{scale * est:.{digits}f}"
    return body + ("" if np.isnan(lo) else f" ({scale * lo:.{digits}f}–{scale * hi:.{digits}f})")


def curve_records(res: PooledSurvival, curves: StudyCurves, *, key: str) -> dict[str, dict]:
    """The ledger records of a pooled curve, ``{key: fields of ledger.record}``: survival at each landmark
    on the curve's grid and the median (when its Monte Carlo CI exists)."""
    inputs = [{"study_id": r.study_id, "n": int(r.n), "source": r.source, "status": r.status}
              for r in curves.cohorts.itertuples()]
    params = {"method": "Combescure 2014 (msurv 0.1.0)", "model": "random", "correction": list(res.correction),
              "level": res.level, "grid_months": res.random["time"].tolist(), "n_draws": res.n_draws, "seed": res.seed,
              "approximated": curves.n_approximated, "reconstructed": curves.n_reconstructed}
    common = {"n": int(curves.cohorts["n"].sum()), "params": params, "inputs": inputs,
              "extra": {"q": res.q, "df": res.df, "h2": res.h2, "i2": res.i2}}
    out = {}
    curve = res.random.set_index("time")
    for m in (m for m in LANDMARKS if float(m) in curve.index):  # a stratum's grid may end earlier
        r = curve.loc[float(m)]
        out[f"{key}.survival_{m}m"] = {"outcome": f"{curves.endpoint} at {m} months", "estimate": r["survival"],
                                       "ci_low": r["ci_low"], "ci_high": r["ci_high"],
                                       "k": int((curves.rows["time"] == float(m)).sum()), **common}
    if np.isfinite([res.median_random, *res.median_random_ci]).all():
        out[f"{key}.median"] = {"outcome": f"median {curves.endpoint} (months)", "estimate": res.median_random,
                                "ci_low": res.median_random_ci[0], "ci_high": res.median_random_ci[1], "k": res.k,
                                **common}
    return out


def record_curve(res: PooledSurvival, curves: StudyCurves, *, key: str, chapter: str, root=None) -> list[str]:
    """Write :func:`curve_records` to the ledger; returns the keys written."""
    records = curve_records(res, curves, key=key)
    for name, fields in records.items():
        record(name, **fields, chapter=chapter, root=root)
    return list(records)


def drug_curve_records(curves: StudyCurves, drug: str, level: float, *, key: str) -> dict[str, dict]:
    """The records of ``drug``'s pooled curve as the survival chapter makes them: its stratum of the
    by-drug analysis (:func:`strata`); none when the drug has fewer than two cohorts."""
    by_drug, _ = strata(curves, "drug", level)
    if drug not in by_drug.strata:
        return {}
    return curve_records(by_drug.strata[drug], curves.subset("drug", drug), key=key)


def survival_figure(curves: StudyCurves, res: PooledSurvival, *, title: str):
    """Each cohort's curve (reconstructed solid, modelled dashed) with its reported median marked, and the
    pooled random-effects curve with its pointwise band. No numbers at risk are drawn: for modelled
    curves they would be the model's N S(t), not patients anyone counted."""
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.6, 4.0))  # not pyplot's: the chapter displays it once, through figures.publish
    ax = fig.subplots()
    grid = np.concatenate([[0.0], res.random["time"].to_numpy()])
    for sid, part in curves.rows.groupby("study_id", sort=True):
        row = curves.cohorts.set_index("study_id").loc[sid]
        t = np.concatenate([[0.0], part["time"].to_numpy()])
        s = np.concatenate([[1.0], part["survival"].to_numpy()])
        recon = row["source"] == RECONSTRUCTED
        ax.plot(t, s, color="0.55", lw=0.9, ls="-" if recon else (0, (4, 2)), drawstyle="steps-post" if recon else None)
        if np.isfinite(row["median"]):
            ax.plot([row["median"]], [0.5], marker="o", ms=3.5, color="0.35", ls="none")
    s = np.concatenate([[1.0], res.random["survival"].to_numpy()])
    lo = np.concatenate([[1.0], res.random["ci_low"].to_numpy()])
    hi = np.concatenate([[1.0], res.random["ci_high"].to_numpy()])
    ax.fill_between(grid, lo, hi, color="#2c7fb8", alpha=0.25, lw=0)
    ax.plot(grid, s, color="#08519c", lw=2.2)
    ax.axhline(0.5, color="0.8", lw=0.6, zorder=0)
    handles, labels = [], []
    for kind, style in ((APPROXIMATED, (0, (4, 2))), (RECONSTRUCTED, "-")):
        if (curves.cohorts["source"] == kind).any():  # the legend names only what is drawn
            handles.append(plt.Line2D([], [], color="0.55", ls=style, lw=0.9))
            labels.append("cohort, model through reported values" if kind == APPROXIMATED
                          else "cohort, reconstructed from a digitised curve")
    handles += [plt.Line2D([], [], color="0.35", marker="o", ms=3.5, ls="none"),
                (plt.Rectangle((0, 0), 1, 1, color="#2c7fb8", alpha=0.25), plt.Line2D([], [], color="#08519c", lw=2.2))]
    labels += ["reported median", f"pooled curve, {100 * res.level:g}% pointwise band"]
    ax.legend(handles, labels, loc="upper right", frameon=False)
    ax.set(ylim=(0, 1.02), ylabel=f"{title} probability", xlim=(0, 24.5), xlabel="Months")
    ax.set_xticks(range(0, 25, 3))
    fig.tight_layout()
    return fig


def counts_text(curves: StudyCurves) -> str:
    """'OS: 1 of 8 cohort curves digitised, 7 modelled through reported values' (or 'no cohort curve')."""
    k = len(curves.cohorts)
    if not k:
        return f"{curves.endpoint}: no cohort curve"
    return (f"{curves.endpoint}: {curves.n_reconstructed} of {k} cohort curve{'s' if k != 1 else ''} digitised, "
            f"{curves.n_approximated} modelled through reported values")


def ledger_sentence(records: dict[str, dict], prefix: str, endpoint: str) -> str:
    """What the survival chapter recorded under ``prefix`` (e.g. ``survival.os.drug_lenvatinib``), as one
    sentence for another chapter; says so when there is no pooled curve for the group."""
    at = {m: records.get(f"{prefix}.survival_{m}m") for m in (6, 12)}
    med = records.get(f"{prefix}.median")
    if not any(at.values()) and med is None:
        return (f"no pooled {endpoint} curve for this group (it needs two cohorts with a median or landmark "
                "rate)")
    parts = [f"{endpoint} at {m} months {ci_text(r['estimate'], r['ci_low'], r['ci_high'])}%"
             for m, r in at.items() if r is not None]
    if med is not None:
        parts.append(f"median {ci_text(med['estimate'], med['ci_low'], med['ci_high'], scale=1)} months")
    first = next(r for r in (*at.values(), med) if r is not None)
    approx = first["params"].get("approximated", 0)
    return ", ".join(parts) + f" ({approx} of {len(first['inputs'])} cohort curves approximated)"
