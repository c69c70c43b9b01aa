"""Frozen result objects of a meta-analysis of proportions, with summary() and to_frame()."""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np
import pandas as pd


def _num(v: float) -> str:
    return "NA" if np.isnan(v) else f"{v:.4f}"


@dataclass(frozen=True)
class SubgroupTest:
    """Test for subgroup differences: Q_b = Σ w_g(θ_g − θ̄)², w_g = 1/SE_g², df = G − 1."""

    q: float
    df: int
    pvalue: float


@dataclass(frozen=True)
class GLMMInfo:
    """Extra output of the random-intercept logistic GLMM.

    ``q_wald`` and ``q_lrt`` test residual heterogeneity (df = k − 1). R meta derives I² from
    the Wald Q; ``i2_metafor`` is metafor's tau²-based I², reported because studies with 0
    (or n) events add nothing to the Wald Q and then the two disagree. ``loglik`` is the
    full marginal binomial log-likelihood (with the binomial coefficients); metafor's
    printed logLik uses another constant.
    """

    q_wald: float
    q_lrt: float
    q_df: int
    q_wald_pvalue: float
    q_lrt_pvalue: float
    i2_metafor: float
    loglik: float
    converged: bool


@dataclass(frozen=True)
class MetaPropResult:
    """Pooled proportion with heterogeneity statistics and the per-study table.

    Proportion-scale fields: ``estimate``, ``ci_low``, ``ci_high``, ``pi_low``, ``pi_high``
    (random effects) and ``fixed_estimate``, ``fixed_ci_low``, ``fixed_ci_high`` (common
    effect). Transformed-scale fields: ``te``, ``se``, ``fixed_te``, ``fixed_se``, ``tau2``
    (+ Q-profile ``tau2_ci_low``/``tau2_ci_high``) and ``tau``. ``i2`` and its CI are
    fractions in [0, 1], Q-based as R meta reports them; ``h2`` = max(1, Q/(k−1)).
    ``i2_tau2`` and ``h2_tau2`` are computed from tau² as metafor reports them for every
    estimator, I² = τ²/(τ² + s²), H² = (τ² + s²)/s², s² = (k−1)/tr P, with CIs from the
    Q-profile limits of tau² (``confint.rma``). With k = 1 (``single_study``) nothing is
    pooled: the estimate is the study's proportion with its Clopper-Pearson interval and
    every heterogeneity field is NaN.
    """

    k: int
    transform: str
    tau2_method: str
    model: str
    hakn: bool
    level: float
    prediction: str
    n_harmonic: float
    estimate: float
    ci_low: float
    ci_high: float
    pi_low: float
    pi_high: float
    pvalue: float
    te: float
    se: float
    te_ci_low: float
    te_ci_high: float
    fixed_estimate: float
    fixed_ci_low: float
    fixed_ci_high: float
    fixed_te: float
    fixed_se: float
    tau2: float
    tau2_ci_low: float
    tau2_ci_high: float
    tau: float
    i2: float
    i2_ci_low: float
    i2_ci_high: float
    h2: float
    q: float
    q_df: int
    q_pvalue: float
    studies: pd.DataFrame = field(repr=False, compare=False)
    subgroups: dict = field(default_factory=dict, repr=False, compare=False)
    subgroup_test: SubgroupTest | None = None
    tau_common: bool = False
    glmm: GLMMInfo | None = None
    notes: tuple[str, ...] = ()
    i2_tau2: float = float("nan")
    i2_tau2_ci_low: float = float("nan")
    i2_tau2_ci_high: float = float("nan")
    h2_tau2: float = float("nan")
    h2_tau2_ci_low: float = float("nan")
    h2_tau2_ci_high: float = float("nan")

    @property
    def single_study(self) -> bool:
        """True when k = 1: nothing is pooled and the interval is the study's exact one."""
        return self.k == 1

    def to_frame(self) -> pd.DataFrame:
        """One row per pooled result (overall first, then subgroups) with the scalar fields."""
        scalars = [f.name for f in fields(self) if f.name not in ("studies", "subgroups", "subgroup_test", "glmm", "notes")]
        rows = [{"subset": "overall", **{n: getattr(self, n) for n in scalars}}]
        for name, sub in self.subgroups.items():
            rows.append({"subset": name, **{n: getattr(sub, n) for n in scalars}})
        return pd.DataFrame(rows)

    def summary_frame(self) -> pd.DataFrame:
        """Each study and the pooled estimate, as statsmodels' ``summary_frame``: one row each.

        Columns ``study``, ``events``, ``n``, ``estimate``, ``ci_low``, ``ci_high`` (proportions) and
        ``weight`` (random-effects, percent); the last row is the pooled estimate (``study`` is
        "Random effects", or "One study (not pooled)" when k = 1, with the study's exact interval).
        """
        s = self.studies
        rows = pd.DataFrame({"study": s["study"], "events": s["events"], "n": s["n"], "estimate": s["proportion"],
                             "ci_low": s["ci_low"], "ci_high": s["ci_high"],
                             "weight": s["weight_random"] if "weight_random" in s else np.nan})
        pooled = {"study": "One study (not pooled)" if self.k == 1 else "Random effects",
                  "events": int(s["events"].sum()), "n": int(s["n"].sum()), "estimate": self.estimate,
                  "ci_low": self.ci_low, "ci_high": self.ci_high, "weight": 100.0}
        return pd.concat([rows, pd.DataFrame([pooled])], ignore_index=True)

    def heterogeneity_line(self) -> str:
        """'I² = 46% [0%; 79%], τ² = 0.0092, p = 0.10' in R meta's style."""
        if self.k < 2:
            return "Heterogeneity: not applicable (one study, nothing pooled)"
        q_p = "< 0.01" if self.q_pvalue < 0.01 else f"= {self.q_pvalue:.2f}"
        return (f"Heterogeneity: I\u00b2 = {100 * self.i2:.0f}%, \u03c4\u00b2 = {self.tau2:.4f}, "
                f"p {q_p}")

    def summary(self) -> str:
        """Readable multi-line report in the order R meta prints it."""
        pct = lambda v: "NA" if np.isnan(v) else f"{100 * v:.1f}%"  # noqa: E731
        ci = f"{100 * self.level:.0f}%-CI"
        method = "GLMM (ML, adaptive Gauss-Hermite)" if self.model == "glmm" else (
            f"inverse variance, tau2 {self.tau2_method}" + (", Hartung-Knapp" if self.hakn else ""))
        if self.k == 1:
            return "\n".join([f"One study (no meta-analysis): {self.estimate:.4f} [{self.ci_low:.4f}; "
                              f"{self.ci_high:.4f}] ({ci}, exact Clopper-Pearson)"] + [f"  Note: {n}" for n in self.notes])
        lines = [
            f"Meta-analysis of proportions: k = {self.k}, transform {self.transform}, {method}",
            f"  Common effect : {self.fixed_estimate:.4f} [{self.fixed_ci_low:.4f}; {self.fixed_ci_high:.4f}]",
            f"  Random effects: {self.estimate:.4f} [{self.ci_low:.4f}; {self.ci_high:.4f}] ({ci})",
            f"  Prediction interval ({self.prediction}): [{self.pi_low:.4f}; {self.pi_high:.4f}]",
            f"  tau2 = {self.tau2:.4f} [{_num(self.tau2_ci_low)}; {_num(self.tau2_ci_high)}], tau = {self.tau:.4f}",
            f"  I2 (Q-based) = {pct(self.i2)} [{pct(self.i2_ci_low)}; {pct(self.i2_ci_high)}], H2 = {self.h2:.3f}",
            f"  I2 (from tau2) = {pct(self.i2_tau2)} [{pct(self.i2_tau2_ci_low)}; {pct(self.i2_tau2_ci_high)}], "
            f"H2 = {_num(self.h2_tau2)} [{_num(self.h2_tau2_ci_low)}; {_num(self.h2_tau2_ci_high)}]",
            f"  Q = {self.q:.2f}, df = {self.q_df}, p = {self.q_pvalue:.4f}",
        ]
        if self.glmm is not None:
            g = self.glmm
            lines.append(f"  GLMM: Wald Q = {g.q_wald:.2f} (p = {g.q_wald_pvalue:.4f}), LRT Q = {g.q_lrt:.2f} "
                         f"(p = {g.q_lrt_pvalue:.4f}), metafor I2 = {pct(g.i2_metafor)}")
        for name, sub in self.subgroups.items():
            lines.append(f"  Subgroup {name}: k = {sub.k}, {sub.estimate:.4f} [{sub.ci_low:.4f}; {sub.ci_high:.4f}], "
                         f"tau2 = {sub.tau2:.4f}, I2 = {pct(sub.i2)}")
        if self.subgroup_test is not None:
            t = self.subgroup_test
            lines.append(f"  Test for subgroup differences: Q = {t.q:.2f}, df = {t.df}, p = {t.pvalue:.4f}")
        lines.extend(f"  Note: {n}" for n in self.notes)
        return "\n".join(lines)
