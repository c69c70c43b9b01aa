# Reference values for tests/report/test_survival_landmarks.py: the reported 1-year OS rates of the ATC
# monotherapy cohorts (data/landmarks.csv, one cohort per overlap group, publication order) pooled as
# proportions on their denominators: Savvides 2013 20% of 20 -> 4/20, Japan PMS 2020 15.6% of 124 ->
# 19/124 (rate x n rounded), HOPE 11.9% of its 42 confirmed ATC patients -> 5/42.
# PFT with the harmonic-mean back-transform (the book's configuration) and PLOGIT, REML converged
# tightly; I2 from Q as R meta prints it. The one 6-month PFS rate (Ha 2010, 36% of 11 -> 4/11) is one
# study: its exact Clopper-Pearson interval (binom.test).
# Output per line: name estimate ci.lb ci.ub tau2 I2
# Run: Rscript tests/analyses/r/landmarks_metafor.R
suppressMessages(library(metafor))
x <- c(4, 19, 5); n <- c(20, 124, 42)
ctl <- list(threshold = 1e-12, maxiter = 10000)
q_i2 <- function(es) { fe <- rma(yi, vi, data = es, method = "FE"); max(0, (fe$QE - (nrow(es) - 1)) / fe$QE) }
es <- escalc(measure = "PFT", xi = x, ni = n)
fit <- rma(yi, vi, data = es, method = "REML", control = ctl)
p <- predict(fit, transf = transf.ipft.hm, targs = list(ni = n))
cat("os12_pft_reml", sprintf("%.10f", c(p$pred, p$ci.lb, p$ci.ub, fit$tau2, q_i2(es))), "\n")
es <- escalc(measure = "PLO", xi = x, ni = n)
fit <- rma(yi, vi, data = es, method = "REML", control = ctl)
p <- predict(fit, transf = transf.ilogit)
cat("os12_plogit_reml", sprintf("%.10f", c(p$pred, p$ci.lb, p$ci.ub, fit$tau2, q_i2(es))), "\n")
b <- binom.test(4, 11)
cat("pfs6_exact", sprintf("%.10f", c(4 / 11, b$conf.int[1], b$conf.int[2], 0, 0)), "\n")
