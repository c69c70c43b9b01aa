# Reference values for tests/survival/test_medians.py: random-effects meta-analysis of log medians.
# OS medians (months, 95 % CI): Savvides 2013, Tahara 2017, Wirth 2021 (Cao 2024 Table 1),
# Kim 2021 and Sparano 2021 (abstracts). Output: method, b, se, ci.lb, ci.ub, tau2, I2/100, QE, QEp.
suppressMessages(library(metafor))
med <- c(3.9, 10.6, 3.2, 6.7, 3.1); lo <- c(2.2, 3.8, 2.8, 3.0, 0.6); hi <- c(7.1, 19.8, 8.2, 8.4, 5.5)
yi <- log(med); sei <- (log(hi) - log(lo)) / (2 * qnorm(0.975))
for (m in c("REML", "DL")) {
  f <- rma(yi, sei = sei, method = m)
  cat(m, sprintf("%.10f", c(f$b, f$se, f$ci.lb, f$ci.ub, f$tau2, f$I2 / 100, f$QE, f$QEp)), "\n")
}
f <- rma(c(3.9, 3.2, 2.0), vi = c(0.5, 0.2, 0.3), method = "REML")
cat("raw", sprintf("%.10f", c(f$b, f$se, f$tau2)), "\n")
