# Reference values for tests/report/test_discrepancy_sensitivity.py: the all-cohort DCR of the
# ATC monotherapy cohorts with Tahara 2017 at 16/17 (D01) and with Bible 2012's 0/15 restored (D02).
# Freeman-Tukey double arcsine, REML, back-transformed with the harmonic mean of the sample sizes.
# REML converged tightly (threshold 1e-12), as in tests/meta/r/make_references.R.
# Run: Rscript tests/analyses/r/discrepancy_dcr_metafor.R
library(metafor)
pool <- function(x, n) {
  es <- escalc(measure = "PFT", xi = x, ni = n)
  fit <- rma(yi, vi, data = es, method = "REML", control = list(threshold = 1e-12, maxiter = 10000))
  p <- predict(fit, transf = transf.ipft.hm, targs = list(ni = n))
  cat(sprintf("%.10f %.10f %.10f\n", p$pred, p$ci.lb, p$ci.ub))
}
# study order: ha2010, savvides2013, tahara2017, ito2017_atc, kim2021, wirth2021, sparano2021, higashiyama2022
x <- c(6, 7, 12, 4, 13, 18, 9, 31); n <- c(8, 20, 17, 10, 14, 34, 23, 42)
pool(x, n)                                   # primary
x1 <- x; x1[3] <- 16; pool(x1, n)            # D01
pool(c(x, 0), c(n, 15))                      # D02: bible2012 0/15 added
