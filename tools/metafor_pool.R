# Pool every case with R's metafor: the independent reference for jia_teach.pool.
#
#   Rscript tools/metafor_pool.R cases.json out.json [tight]
#
# cases.json: [{"id": ..., "ai": [...], "n1i": [...], "ci": [...], "n2i": [...]}, ...]
# out.json:   one record per case x measure x method x test, every number metafor reports that
#             jia_teach.pool reports too, or "error" with metafor's message.
# Defaults are metafor's (add = 1/2, to = "only0"; drop00 = FALSE for rma(), TRUE for
# rma.mh()/rma.peto()); predict() gives the prediction interval with its default quantile.
# "tight" (used by the tests) only tightens the root finders' stopping rules (threshold and
# tol 1e-12) so that both programs report the same root, not two stopping points.
suppressPackageStartupMessages({
  library(metafor)
  library(jsonlite)
})
args <- commandArgs(trailingOnly = TRUE)
cases <- fromJSON(args[1], simplifyVector = FALSE)
tight <- length(args) >= 3 && args[3] == "tight"
ctrl <- if (tight) list(threshold = 1e-12, tol = 1e-12, maxiter = 10000) else list()

num <- function(x) if (is.null(x) || length(x) == 0 || is.na(x)) NA_real_ else as.numeric(x)

one <- function(case, measure, method, test) {
  ai <- unlist(case$ai); n1i <- unlist(case$n1i); ci <- unlist(case$ci); n2i <- unlist(case$n2i)
  rec <- list(id = case$id, measure = measure, method = method, hksj = identical(test, "knha"))
  res <- tryCatch(withCallingHandlers({
    if (method %in% c("REML", "DL", "PM")) {
      fit <- rma(ai = ai, n1i = n1i, ci = ci, n2i = n2i, measure = measure, method = method,
                 test = test, control = ctrl)
      pr <- predict(fit)
      list(beta = num(fit$beta), se = num(fit$se), ci_lb = num(fit$ci.lb), ci_ub = num(fit$ci.ub),
           tau2 = num(fit$tau2), i2 = num(fit$I2), q = num(fit$QE), pi_lb = num(pr$pi.lb),
           pi_ub = num(pr$pi.ub), weights = as.numeric(weights(fit)), k = fit$k)
    } else {
      fit <- if (method == "MH") rma.mh(ai = ai, n1i = n1i, ci = ci, n2i = n2i, measure = measure)
             else rma.peto(ai = ai, n1i = n1i, ci = ci, n2i = n2i)
      list(beta = num(fit$beta), se = num(fit$se), ci_lb = num(fit$ci.lb), ci_ub = num(fit$ci.ub),
           tau2 = 0, i2 = num(fit$I2), q = num(fit$QE), pi_lb = NA_real_, pi_ub = NA_real_,
           weights = as.numeric(weights(fit)), k = fit$k)
    }
  }, warning = function(w) invokeRestart("muffleWarning")),
  error = function(e) list(error = conditionMessage(e)))
  if (is.null(res$error) && is.na(res$beta)) res <- list(error = "estimate is NA")
  c(rec, res)
}

out <- list()
for (case in cases) {
  for (measure in c("RR", "OR", "RD")) {
    for (method in c("REML", "DL", "PM")) {
      for (test in c("z", "knha")) {
        if (test == "knha" && length(case$ai) < 2) next
        out[[length(out) + 1]] <- one(case, measure, method, test)
      }
    }
    out[[length(out) + 1]] <- one(case, measure, "MH", "z")
    if (measure == "OR") out[[length(out) + 1]] <- one(case, measure, "Peto", "z")
  }
}
meta <- list(metafor = as.character(packageVersion("metafor")), R = R.version.string,
             tight = tight)
writeLines(toJSON(list(meta = meta, results = out), auto_unbox = TRUE, digits = NA,
                  na = "null"), args[2])
