# Reference values for tests/meta: R metafor (3.8) reproducing what R meta::metaprop reports.
#
# Debian ships metafor but not meta, so meta's conventions are rebuilt here on top of the
# metafor functions meta itself calls:
#   * study effects as metaprop computes them (0.5 continuity correction only for 0 or n
#     events, and only for PLOGIT and PRAW; none for PFT or PAS);
#   * PFT back-transform at the harmonic mean of n (metafor::transf.ipft.hm);
#   * I2 from Cochran's Q with the Higgins-Thompson CI (meta), not metafor's tau2-based I2;
#   * prediction interval with t(k-1) (meta >= 8).
# Iterative estimators and Q-profile limits are run to 1e-12 so that the comparison at 1e-6
# tests the formulas, not the stopping rules.
#
# Usage: Rscript tests/meta/r/make_references.R [output.json]
# Default output: tests/meta/r/references.json (next to this script).

suppressPackageStartupMessages({ library(metafor); library(jsonlite) })

args <- commandArgs(trailingOnly = TRUE)
script_dir <- tryCatch(dirname(normalizePath(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE)))),
                       error = function(e) ".")
out <- if (length(args) >= 1) args[1] else file.path(script_dir, "references.json")

ctl <- list(threshold = 1e-12, tol = 1e-12, maxiter = 10000, stepadj = 1)
ci_ctl <- list(tol = 1e-12, tau2.max = 1e6)  # no truncation of the upper limit at the default 100

effects <- function(x, n, tr) {
  cc <- ifelse(x == 0 | x == n, 0.5, 0)
  switch(tr,
    PFT = list(yi = 0.5 * (asin(sqrt(x / (n + 1))) + asin(sqrt((x + 1) / (n + 1)))), vi = 1 / (4 * n + 2)),
    PLOGIT = list(yi = log((x + cc) / (n - x + cc)), vi = 1 / (x + cc) + 1 / (n - x + cc)),
    PLN = list(yi = log((x + cc) / (n + 2 * cc)), vi = 1 / (x + cc) - 1 / (n + 2 * cc)),
    PAS = list(yi = asin(sqrt(x / n)), vi = 1 / (4 * n)),
    PRAW = list(yi = x / n, vi = (x + cc) * (n - x + cc) / (n + 2 * cc)^3))
}

backtransf <- function(v, tr, n) {
  switch(tr, PFT = transf.ipft.hm(v, targs = list(ni = n)), PLOGIT = transf.ilogit(v), PLN = exp(v),
         PAS = transf.iarcsin(v), PRAW = v)
}

# meta's Q-based I2 with the Higgins-Thompson (2002) CI
i2_meta <- function(Q, k, level = 0.95) {
  df <- k - 1
  H <- sqrt(Q / df)
  i2 <- max(0, (max(1, H)^2 - 1) / max(1, H)^2)
  if (Q > k) {
    se <- 0.5 * (log(Q) - log(df)) / (sqrt(2 * Q) - sqrt(2 * k - 3))
  } else if (k > 2) {
    se <- sqrt(1 / (2 * (k - 2)) * (1 - 1 / (3 * (k - 2)^2)))
  } else return(c(i2 = i2, lo = NA, hi = NA))
  z <- qnorm(1 - (1 - level) / 2)
  lo <- max(1, exp(log(H) - z * se)); hi <- max(1, exp(log(H) + z * se))
  c(i2 = i2, lo = (lo^2 - 1) / lo^2, hi = (hi^2 - 1) / hi^2)
}

# GENQ is the generalised Q estimator with weights a_i = n_i: its tau2 comes from
# rma(yi, vi, weights = n, method = "GENQ"), and the inverse-variance model is then refitted
# with that tau2 fixed (rma(yi, vi, tau2 = t2)). The Q-profile CI of tau2 does not depend on
# the estimator, so for GENQ it is taken from the REML fit's confint.
rma_any <- function(yi, vi, n, method, test = "z") {
  if (method == "GENQ") {
    t2 <- rma(yi, vi, weights = n, method = "GENQ")$tau2
    return(rma(yi, vi, tau2 = t2, test = test))
  }
  rma(yi, vi, method = method, test = test, control = ctl)
}

fit_one <- function(x, n, tr, method) {
  e <- effects(x, n, tr)
  k <- length(x)
  r <- tryCatch(rma_any(e$yi, e$vi, n, method), error = function(err) NULL)
  if (is.null(r)) return(NULL)
  fe <- rma(e$yi, e$vi, method = "FE")
  hk <- rma_any(e$yi, e$vi, n, method, test = "knha")
  cfit <- if (method == "GENQ") rma(e$yi, e$vi, method = "REML", control = ctl) else r
  ci <- confint(cfit, control = ci_ctl)$random
  # metafor's tau2-based I2/H2; their CIs are confint's, from the tau2 Q-profile limits
  tcrit <- qt(0.975, k - 1)
  pse <- sqrt(r$se^2 + r$tau2)
  pse_hk <- sqrt(hk$se^2 + hk$tau2)
  pz <- predict(r)
  het <- i2_meta(r$QE, k)
  bt <- function(v) backtransf(v, tr, n)
  list(
    transform = tr, method = method, k = k,
    te = c(r$b), se = r$se, ci_lb = r$ci.lb, ci_ub = r$ci.ub, pval = r$pval,
    tau2 = r$tau2, tau2_ci_lb = ci["tau^2", "ci.lb"], tau2_ci_ub = ci["tau^2", "ci.ub"],
    q = r$QE, q_pval = r$QEp,
    i2 = unname(het["i2"]), i2_ci_lb = unname(het["lo"]), i2_ci_ub = unname(het["hi"]),
    fixed_te = c(fe$b), fixed_se = fe$se,
    estimate = bt(c(r$b)), est_ci_lb = bt(r$ci.lb), est_ci_ub = bt(r$ci.ub),
    pi_lb = bt(c(r$b) - tcrit * pse), pi_ub = bt(c(r$b) + tcrit * pse),
    pi_z_lb_te = pz$pi.lb, pi_z_ub_te = pz$pi.ub,
    hk_te = c(hk$b), hk_se = hk$se, hk_ci_lb = hk$ci.lb, hk_ci_ub = hk$ci.ub,
    hk_pi_lb_te = c(hk$b) - tcrit * pse_hk, hk_pi_ub_te = c(hk$b) + tcrit * pse_hk,
    weight_random = unname(weights(r)), weight_fixed = unname(weights(fe)),
    i2_tau2 = r$I2 / 100, h2_tau2 = r$H2,
    i2_tau2_ci_lb = ci["I^2(%)", "ci.lb"] / 100, i2_tau2_ci_ub = ci["I^2(%)", "ci.ub"] / 100,
    h2_tau2_ci_lb = ci["H^2", "ci.lb"], h2_tau2_ci_ub = ci["H^2", "ci.ub"],
    call = sprintf("rma(yi, vi, method='%s'%s) on metaprop-style %s effects; I2/H2 from r$I2, r$H2, confint(r)",
                   method, if (method == "GENQ") ", weights=n, then tau2 fixed" else "", tr))
}

set.seed(20240531)
large_n <- sample(15:120, 40, replace = TRUE)
large_x <- rbinom(40, large_n, plogis(rnorm(40, -1, 0.7)))

datasets <- list(
  cao_orr = list(x = c(2, 0, 2, 4, 1, 5), n = c(8, 15, 20, 17, 34, 42)),
  cao_dcr = list(x = c(6, 0, 7, 16, 18, 31), n = c(8, 15, 20, 17, 34, 42)),
  zero_events = list(x = c(0, 3, 0, 5, 1, 2), n = c(11, 25, 14, 40, 18, 30)),
  all_events = list(x = c(10, 20, 5, 30, 12), n = c(10, 22, 5, 35, 15)),
  k2 = list(x = c(3, 12), n = c(20, 25)),
  large_k = list(x = large_x, n = large_n),
  unequal_n = list(x = c(2, 5, 80, 260, 9, 15), n = c(10, 12, 500, 2000, 25, 60)),
  homogeneous = list(x = c(10, 21, 15, 30), n = c(50, 100, 75, 150))
)

transforms <- c("PFT", "PLOGIT", "PAS", "PRAW", "PLN")
methods <- c("DL", "REML", "ML", "PM", "SJ", "HE", "EB", "HS", "HSk", "GENQ", "PMM")
grid <- list()
for (ds in names(datasets)) for (tr in transforms) for (m in methods) {
  d <- datasets[[ds]]
  res <- fit_one(d$x, d$n, tr, m)
  if (!is.null(res)) { res$dataset <- ds; grid[[length(grid) + 1]] <- res }
}

refs <- list(
  generated_by = "tests/meta/r/make_references.R",
  r_version = R.version.string,
  metafor_version = as.character(packageVersion("metafor")),
  datasets = datasets,
  grid = grid
)

# Clopper-Pearson limits, as meta takes them from binom.test
refs$clopper_pearson <- lapply(names(datasets), function(ds) {
  d <- datasets[[ds]]
  ci <- t(mapply(function(x, n) binom.test(x, n)$conf.int, d$x, d$n))
  list(dataset = ds, lo = ci[, 1], hi = ci[, 2])
})

# Leave-one-out and cumulative analyses (metafor leave1out / cumul), back-transformed with
# the harmonic mean of the studies in each fit
years <- list(cao_orr = c(2010, 2012, 2013, 2017, 2021, 2022), large_k = 1990 + ((seq_along(large_n) * 7) %% 33))
refs$sequential <- list()
for (spec in list(c("cao_orr", "PFT", "REML"), c("large_k", "PLOGIT", "DL"), c("cao_orr", "PAS", "PM"),
                  c("large_k", "PLN", "PMM"), c("cao_orr", "PLOGIT", "HSk"))) {
  d <- datasets[[spec[1]]]; tr <- spec[2]; m <- spec[3]
  e <- effects(d$x, d$n, tr)
  r <- rma(e$yi, e$vi, method = m, control = ctl)
  l1 <- leave1out(r)  # refits inherit r$control (threshold 1e-12)
  ord <- order(years[[spec[1]]])
  cu <- cumul(r, order = years[[spec[1]]])  # metafor 3.8 sorts by this variable (ties keep input order)
  n_l1 <- sapply(seq_along(d$n), function(i) 1 / mean(1 / d$n[-i]))
  n_cu <- sapply(seq_along(d$n), function(j) 1 / mean(1 / d$n[ord][1:j]))
  bt <- function(v, nh) if (tr == "PFT") mapply(function(a, b) transf.ipft.hm(a, targs = list(ni = b)), v, nh) else backtransf(v, tr, NULL)
  refs$sequential[[length(refs$sequential) + 1]] <- list(
    dataset = spec[1], transform = tr, method = m, years = years[[spec[1]]],
    l1_te = l1$estimate, l1_ci_lb = l1$ci.lb, l1_ci_ub = l1$ci.ub, l1_tau2 = l1$tau2, l1_q = l1$Q,
    l1_estimate = bt(l1$estimate, n_l1), l1_est_ci_lb = bt(l1$ci.lb, n_l1),
    cu_te = cu$estimate, cu_ci_lb = cu$ci.lb, cu_ci_ub = cu$ci.ub, cu_tau2 = cu$tau2, cu_q = cu$Q,
    cu_estimate = bt(cu$estimate, n_cu), cu_est_ci_ub = bt(cu$ci.ub, n_cu))
}

# Random-intercept logistic GLMM: rma.glmm(measure = "PLO", method = "ML"), lme4, nAGQ = 7.
# meta's I2 for the GLMM comes from the Wald Q (computed here as meta does).
# lme4's default bobyqa stopping rule leaves the 3-coefficient moderator model ~2e-4 away from
# the optimum in QM; a smaller final trust radius makes the references converged fits.
glmm_ctl <- list(glmerCtrl = list(optimizer = "bobyqa", optCtrl = list(rhobeg = 2e-3, rhoend = 1e-10)))
refs$glmm <- list()
# Extra GLMM data: glmm30 has the character of a case where plain Newton steps for the
# conditional modes diverge (30 studies, most proportions near 0.9, n from 5 to 5000, the
# first six as reported); sparse has few events; very_unequal has n from 5 to 5000 with
# proportions near 0 and 1.
glmm_data <- list(
  glmm30 = list(x = c(4712, 7, 9, 17, 17, 95, 24, 39, 1374, 5, 148, 427, 18, 7, 33, 453, 223, 14, 93, 487, 64, 345,
                      3701, 553, 57, 12, 45, 161, 2061, 1040),
                n = c(5000, 10, 10, 20, 20, 100, 30, 39, 1386, 9, 316, 767, 18, 7, 33, 469, 243, 14, 99, 509, 93, 397,
                      3993, 560, 75, 18, 55, 171, 2358, 1061)),
  sparse = list(x = c(0, 1, 0, 0, 2, 0, 1, 0), n = c(20, 35, 12, 50, 40, 15, 60, 25)),
  very_unequal = list(x = c(2, 5, 940, 3, 4610, 1, 6, 260), n = c(5, 8, 1000, 10, 5000, 6, 9, 300)),
  # proportions near 0 and 1 beside n = 5000: tau2 about 13 and a very flat likelihood
  flat_extreme = list(x = c(1, 2, 990, 3, 4995, 0, 7), n = c(5, 8, 1000, 10, 5000, 6, 9)))
datasets <- c(datasets, glmm_data)
refs$datasets <- datasets
for (ds in c("cao_orr", "cao_dcr", "zero_events", "all_events", "large_k", "unequal_n", "k2", "homogeneous",
             names(glmm_data))) {
  d <- datasets[[ds]]
  r <- suppressWarnings(rma.glmm(measure = "PLO", xi = d$x, ni = d$n, method = "ML", control = glmm_ctl))
  fe <- glm(cbind(d$x, d$n - d$x) ~ 1, family = binomial)
  het <- i2_meta(r$QE.Wld, length(d$x))
  refs$glmm[[length(refs$glmm) + 1]] <- list(
    dataset = ds, te = c(r$b), se = r$se, ci_lb = r$ci.lb, ci_ub = r$ci.ub, tau2 = r$tau2,
    q_wald = r$QE.Wld, q_lrt = r$QE.LRT, i2_metafor = r$I2 / 100, i2_meta = unname(het["i2"]),
    fixed_te = unname(coef(fe)), fixed_se = unname(sqrt(diag(vcov(fe)))),
    call = "rma.glmm(measure='PLO', xi=x, ni=n, method='ML', control=glmm_ctl)")
}
# the same 30 studies in three subgroups: QM of the moderator model (the test of differences)
g30 <- rep(c("a", "b", "c"), 10)
r30 <- suppressWarnings(rma.glmm(measure = "PLO", xi = glmm_data$glmm30$x, ni = glmm_data$glmm30$n, method = "ML",
                                 mods = ~ factor(g30), control = glmm_ctl))
refs$glmm30_moderator <- list(groups = g30, qm = r30$QM, qm_df = r30$QMdf[1], tau2 = r30$tau2,
                              call = "rma.glmm(measure='PLO', xi=x, ni=n, method='ML', mods=~factor(g30))")
grp <- rep(c("a", "b", "c"), length.out = length(large_n))
rm <- suppressWarnings(rma.glmm(measure = "PLO", xi = large_x, ni = large_n, method = "ML", mods = ~ factor(grp), control = glmm_ctl))
refs$glmm_moderator <- list(dataset = "large_k", groups = grp, qm = rm$QM, qm_df = rm$QMdf[1], tau2 = rm$tau2)

# Meta-regression: rma(yi, vi, mods = ~ year + design), every estimator, z and Knapp-Hartung
refs$metareg_covariates <- list(year = 2000 + (seq_along(large_n) * 3) %% 20,
                                design = rep(c("single-arm", "randomised", "cohort", "single-arm"), length.out = length(large_n)))
cov <- refs$metareg_covariates
refs$metareg <- list()
for (tr in c("PFT", "PLOGIT", "PLN")) for (m in setdiff(methods, "GENQ")) for (test in c("z", "knha")) {
  e <- effects(large_x, large_n, tr)
  r <- rma(e$yi, e$vi, mods = ~ cov$year + factor(cov$design), method = m, test = test, control = ctl)
  refs$metareg[[length(refs$metareg) + 1]] <- list(
    transform = tr, method = m, test = test, beta = c(r$b), se = r$se, ci_lb = r$ci.lb, ci_ub = r$ci.ub,
    tau2 = r$tau2, qe = r$QE, qm = r$QM, qm_pval = r$QMp, r2 = r$R2 / 100)
}

cao_grp <- c("imatinib", "pazopanib", "sorafenib", "lenvatinib", "lenvatinib", "lenvatinib")
large_grp <- rep(c("a", "b", "c"), length.out = length(large_n))
# Subgroups with their own tau2 (meta's default): one rma() per subgroup, and the test
# Q_b = sum w_g (theta_g - theta_bar)^2 with w_g = 1 / se_g^2, df = G - 1
refs$subgroups <- list()
for (spec in list(list("cao_orr", cao_grp, "PFT", "REML"), list("cao_dcr", cao_grp, "PFT", "REML"),
                  list("large_k", large_grp, "PLOGIT", "DL"), list("large_k", large_grp, "PAS", "PM"))) {
  d <- datasets[[spec[[1]]]]; g <- spec[[2]]; tr <- spec[[3]]; m <- spec[[4]]
  e <- effects(d$x, d$n, tr)
  sub <- lapply(unique(g), function(s) rma(e$yi[g == s], e$vi[g == s], method = m, control = ctl))
  te <- sapply(sub, function(r) c(r$b)); se <- sapply(sub, function(r) r$se)
  w <- 1 / se^2; qb <- sum(w * (te - sum(w * te) / sum(w))^2)
  refs$subgroups[[length(refs$subgroups) + 1]] <- list(dataset = spec[[1]], groups = g, transform = tr, method = m,
    te = te, se = se, tau2 = sapply(sub, function(r) r$tau2),
    estimate = mapply(function(r, s) backtransf(c(r$b), tr, d$n[g == s]), sub, unique(g)),
    qb = qb, qb_df = length(sub) - 1, qb_p = pchisq(qb, length(sub) - 1, lower.tail = FALSE))
}

# Subgroups with a common tau2 (meta's tau.common = TRUE): residual tau2 of the subgroup model
refs$tau_common <- list()
for (spec in list(list("cao_dcr", cao_grp), list("large_k", large_grp))) {
  d <- datasets[[spec[[1]]]]; g <- spec[[2]]
  e <- effects(d$x, d$n, "PFT")
  t2 <- rma(e$yi, e$vi, mods = ~ factor(g), method = "REML", control = ctl)$tau2
  sub <- lapply(unique(g), function(s) rma(e$yi[g == s], e$vi[g == s], tau2 = t2, method = "REML"))
  refs$tau_common[[length(refs$tau_common) + 1]] <- list(dataset = spec[[1]], groups = g, tau2 = t2,
    te = sapply(sub, function(r) c(r$b)), se = sapply(sub, function(r) r$se))
}

# Small-study effects: regtest (Egger; model "lm" as meta's metabias "linreg", and the
# default mixed-effects model) and ranktest (Begg)
refs$bias <- list()
for (spec in list(c("cao_orr", "PFT"), c("cao_dcr", "PFT"), c("large_k", "PLOGIT"), c("unequal_n", "PFT"),
                  c("zero_events", "PAS"), c("homogeneous", "PRAW"), c("cao_dcr", "PLN"))) {
  d <- datasets[[spec[1]]]; e <- effects(d$x, d$n, spec[2])
  r <- rma(e$yi, e$vi, method = "REML", control = ctl)
  eg_lm <- regtest(r, model = "lm")
  eg_rma <- regtest(r)
  rk <- suppressWarnings(ranktest(r))
  refs$bias[[length(refs$bias) + 1]] <- list(dataset = spec[1], transform = spec[2],
    egger_lm_stat = eg_lm$zval, egger_lm_p = eg_lm$pval, egger_lm_df = eg_lm$dfs,
    egger_rma_stat = eg_rma$zval, egger_rma_p = eg_rma$pval, begg_tau = rk$tau, begg_p = rk$pval,
    # limit estimate: the fitted effect at SE = 0 (regtest's est, ci.lb, ci.ub)
    egger_lm_est = eg_lm$est, egger_lm_ci_lb = eg_lm$ci.lb, egger_lm_ci_ub = eg_lm$ci.ub,
    egger_rma_est = eg_rma$est, egger_rma_ci_lb = eg_rma$ci.lb, egger_rma_ci_ub = eg_rma$ci.ub)
}

# GENQ with moderators (weights = study sizes): the residual tau2 alone
e_g <- effects(large_x, large_n, "PFT")
refs$genq_residual <- list(groups = large_grp, tau2 = rma(e_g$yi, e_g$vi, mods = ~ factor(large_grp), weights = large_n,
                                                          method = "GENQ")$tau2,
                           call = "rma(yi, vi, mods = ~ factor(g), weights = n, method = 'GENQ') on PFT effects")

# Regression cases for defects found by comparison with metafor
refs$defects <- list()
# residual tau2 with moderators: ll0check (ML keeps tau2 = 0 when the likelihood is higher there)
d2 <- list(x = c(3, 1, 34, 41, 1173, 6), n = c(5, 12, 80, 500, 3000, 25), g = c("A", "B", "B", "A", "B", "A"))
e2 <- effects(d2$x, d2$n, "PLOGIT")
for (m in c("ML", "REML")) {
  r2 <- rma(e2$yi, e2$vi, mods = ~ factor(d2$g), method = m, control = ctl)
  refs$defects[[length(refs$defects) + 1]] <- list(case = paste0("ll0check_", m), x = d2$x, n = d2$n, groups = d2$g,
    transform = "PLOGIT", method = m, tau2 = r2$tau2, loglik = c(logLik(r2)), beta = c(r2$b), qm = r2$QM,
    call = sprintf("rma(yi, vi, mods = ~ factor(g), method = '%s') on PLOGIT effects", m))
}
# Knapp-Hartung meta-regression with every effect equal: b = 0, se = 0, QE = 0, QM = NA
d4 <- list(x = c(0, 0, 0, 0), n = c(10, 20, 15, 30), year = c(2010, 2012, 2015, 2020))
for (tr in c("PRAW", "PAS")) {
  e4 <- effects(d4$x, d4$n, tr)
  r4 <- rma(e4$yi, e4$vi, mods = ~ d4$year, method = "REML", test = "knha", control = ctl)
  refs$defects[[length(refs$defects) + 1]] <- list(case = paste0("knha_equal_", tr), x = d4$x, n = d4$n,
    year = d4$year, transform = tr, beta = c(r4$b), se = r4$se, qe = r4$QE, qm = r4$QM, tau2 = r4$tau2,
    call = "rma(yi, vi, mods = ~ year, method = 'REML', test = 'knha')")
}
# GLMM subgroups where one subgroup has 0 events in every study: the others are still fitted
d3 <- list(x = c(3, 5, 7, 0, 0, 8, 12, 6), n = c(20, 25, 30, 10, 30, 40, 50, 30),
           g = c("A", "A", "A", "B", "B", "C", "C", "C"))
for (s3 in c("A", "C")) {
  r3 <- rma.glmm(measure = "PLO", xi = d3$x[d3$g == s3], ni = d3$n[d3$g == s3], method = "ML", control = glmm_ctl)
  refs$defects[[length(refs$defects) + 1]] <- list(case = paste0("glmm_subgroup_", s3), x = d3$x, n = d3$n,
    groups = d3$g, subgroup = s3, te = c(r3$b), se = r3$se, tau2 = r3$tau2,
    call = "rma.glmm(measure='PLO', xi, ni, method='ML') on the studies of one subgroup")
}

writeLines(toJSON(refs, digits = NA, auto_unbox = TRUE, na = "null", pretty = FALSE), out)
cat("wrote", out, "with", length(grid), "grid fits\n")
