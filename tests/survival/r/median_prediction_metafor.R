# Reference values for tests/survival/test_median_prediction.py: prediction interval of a pooled
# log median. Same OS medians as medians_metafor.R (Savvides 2013, Tahara 2017, Wirth 2021,
# Kim 2021, Sparano 2021). test = "t" makes predict() use t with k - 1 df for the prediction
# interval, b +/- qt(0.975, k - 1) * sqrt(se^2 + tau2), which is the "t(k-1)" rule of R meta >= 8;
# test = "z" gives the normal-quantile interval. Output: method, test, pi.lb, pi.ub (log scale).
suppressMessages(library(metafor))
med <- c(3.9, 10.6, 3.2, 6.7, 3.1); lo <- c(2.2, 3.8, 2.8, 3.0, 0.6); hi <- c(7.1, 19.8, 8.2, 8.4, 5.5)
yi <- log(med); sei <- (log(hi) - log(lo)) / (2 * qnorm(0.975))
for (m in c("REML", "DL")) for (test in c("t", "z")) {
  f <- rma(yi, sei = sei, method = m, test = test)
  p <- predict(f)
  cat(m, test, sprintf("%.10f", c(p$pi.lb, p$pi.ub)), "\n")
}
# three studies, 90 % level
f <- rma(yi[1:3], sei = sei[1:3], method = "REML", test = "t", level = 90)
p <- predict(f)
cat("REML3", "t90", sprintf("%.10f", c(p$pi.lb, p$pi.ub)), "\n")
