# Reference for tests/survival/test_pooled_curve.py: with a single time the summary survival curve of
# Combescure et al. (2014) is a univariate DerSimonian-Laird meta-analysis of the arcsine-transformed
# survival, y = asin(sqrt((n S + 0.25)/(n + 0.5))), v = 0.25/(n + 0.5); S = sin(beta)^2 and
# Var log S = 4 cot(beta)^2 Var(beta).   Rscript tests/survival/r/pooled_curve_metafor.R
suppressMessages(library(metafor))
n <- c(20, 35, 50, 12); s <- c(0.8, 0.55, 0.7, 0.9)
y <- asin(sqrt((n * s + 0.25) / (n + 0.5))); v <- 0.25 / (n + 0.5)
for (m in c("FE", "DL")) {
  f <- rma(y, v, method = m)
  b <- as.numeric(f$b); se <- f$se; S <- sin(b)^2; sl <- 2 * se / tan(b)
  cat(sprintf("%s survival %.15f ci_low %.15f ci_high %.15f tau2 %.15f QE %.15f\n", m, S,
              exp(log(S) - 1.96 * sl), exp(log(S) + 1.96 * sl), f$tau2, f$QE))
}
