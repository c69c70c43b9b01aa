# Reference values for tests/survival/test_km.py: R survival's Kaplan-Meier (survfit) with Greenwood
# standard errors and the log-rank test (survdiff) on patient data reconstructed by
# living_review.survival.guyot from SIMULATED curves (tests/survival/r/make_km_cases.py).
#
#   Rscript tests/survival/r/km_survival.R <ipd.tsv> <km_out.tsv> <logrank_out.tsv>
#
# ipd.tsv columns: group, time, event.
suppressMessages(library(survival))
args <- commandArgs(trailingOnly = TRUE)
ipd <- read.delim(args[1])
km <- NULL
for (g in sort(unique(ipd$group))) {
  s <- summary(survfit(Surv(time, event) ~ 1, data = ipd[ipd$group == g, ]), censored = TRUE)
  km <- rbind(km, data.frame(group = g, time = s$time, n_risk = s$n.risk, n_event = s$n.event,
                             survival = s$surv, std_err = s$std.err))
}
num17 <- function(d) { for (c in names(d)) if (is.double(d[[c]])) d[[c]] <- sprintf("%.17g", d[[c]]); d }
write.table(num17(km), args[2], sep = "\t", quote = FALSE, row.names = FALSE)
lr <- survdiff(Surv(time, event) ~ group, data = ipd)
two <- survdiff(Surv(time, event) ~ group, data = ipd[ipd$group %in% sort(unique(ipd$group))[1:2], ])
out <- data.frame(comparison = c("all", "first_two"), chisq = c(lr$chisq, two$chisq),
                  df = c(length(lr$n) - 1, length(two$n) - 1))
write.table(num17(out), args[3], sep = "\t", quote = FALSE, row.names = FALSE)
