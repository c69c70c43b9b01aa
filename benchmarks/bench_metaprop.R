# Companion of benchmarks/bench_metaprop.py: the same sensitivity grid in R metafor.
# Usage: Rscript benchmarks/bench_metaprop.R <events,comma,separated> <totals,...> <dates,...> <repeats>
# Prints one JSON line: seconds per grid (median over repeats) and the number of fits per grid.
suppressPackageStartupMessages({ library(metafor); library(jsonlite) })
a <- commandArgs(trailingOnly = TRUE)
x <- as.numeric(strsplit(a[1], ",")[[1]]); n <- as.numeric(strsplit(a[2], ",")[[1]])
dates <- as.numeric(strsplit(a[3], ",")[[1]]); repeats <- as.integer(a[4])
effects <- function(tr) {
  cc <- ifelse(x == 0 | x == n, 0.5, 0)
  switch(tr,
    PFT = list(yi = 0.5 * (asin(sqrt(x / (n + 1))) + asin(sqrt((x + 1) / (n + 1)))), vi = 1 / (4 * n + 2)),
    PLOGIT = list(yi = log((x + cc) / (n - x + cc)), vi = 1 / (x + cc) + 1 / (n - x + cc)),
    PLN = list(yi = log((x + cc) / (n + 2 * cc)), vi = 1 / (x + cc) - 1 / (n + 2 * cc)),
    PAS = list(yi = asin(sqrt(x / n)), vi = 1 / (4 * n)),
    PRAW = list(yi = x / n, vi = (x + cc) * (n - x + cc) / (n + 2 * cc)^3))
}
grid <- function() {
  fits <- 0
  for (tr in c("PFT", "PLOGIT", "PAS", "PRAW", "PLN"))
    for (m in c("DL", "REML", "ML", "PM", "SJ", "HE", "EB", "HS", "HSk", "GENQ", "PMM")) {
    e <- effects(tr)
    # GENQ needs weights (the study sizes, as living_review.meta uses)
    r <- if (m == "GENQ") rma(e$yi, e$vi, weights = n, method = m) else rma(e$yi, e$vi, method = m)
    l1 <- leave1out(r)
    cu <- cumul(r, order = dates)
    fits <- fits + 1 + length(x) + length(x)
  }
  fits
}
fits <- grid()  # warm-up
times <- replicate(repeats, system.time(grid())[["elapsed"]])
cat(toJSON(list(seconds = median(times), fits = fits), auto_unbox = TRUE, digits = NA), "\n")
