# Reference values for tests/report/test_setting_strata.py: ORR of the ATC monotherapy cohorts
# (one per overlap group), trials only, without the Japanese surveillance, and with enrolled
# denominators. PFT, REML, harmonic-mean back-transform; I2 from Q (as R meta / metafor's I2 for
# the REML fit is tau2-based, Q-based I2 is computed by hand).
# REML converged tightly (threshold 1e-12), as in tests/meta/r/make_references.R.
# Run: Rscript tests/analyses/r/strata_metafor.R
library(metafor)
pool <- function(x, n) {
  es <- escalc(measure = "PFT", xi = x, ni = n)
  fit <- rma(yi, vi, data = es, method = "REML", control = list(threshold = 1e-12, maxiter = 10000))
  p <- predict(fit, transf = transf.ipft.hm, targs = list(ni = n))
  fe <- rma(yi, vi, data = es, method = "FE")
  i2 <- max(0, (fe$QE - (length(x) - 1)) / fe$QE)
  cat(sprintf("%.10f %.10f %.10f %.10f\n", p$pred, p$ci.lb, p$ci.ub, i2))
}
# ha2010 bible2012 savvides2013 tahara2017 ito2017_atc kim2021 wirth2021 sparano2021 pms_japan2020 higashiyama2022 mikoshiba2025
x <- c(2, 0, 2, 4, 0, 4, 1, 2, 46, 5, 5); n <- c(8, 15, 20, 17, 10, 14, 34, 23, 105, 42, 16)
trial <- c(TRUE, TRUE, TRUE, TRUE, TRUE, FALSE, TRUE, FALSE, FALSE, TRUE, FALSE)
enrolled <- c(11, 16, 20, 17, 10, 14, 34, 23, 124, 52, 16)
pool(x, n)                       # all cohorts
pool(x[trial], n[trial])         # trials only
pool(x[-9], n[-9])               # without pms_japan2020
pool(x, enrolled)                # enrolled denominators
