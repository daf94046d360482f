"""Simulated cohorts and registries, calibrated to the published rates.

* :mod:`~jia_teach.simulation.trials` - which trials can be simulated, and how (read from
  ``data/simulation_trials.csv`` and ``data/simulation_baseline.csv``: no module names a trial);
* :mod:`~jia_teach.simulation.cohort_model` - how a simulated patient responds (the model);
* :mod:`~jia_teach.simulation.calibration` - fitting the model to published trial rates (the
  targets of ``data/simulation_targets.csv``; the fit steps are
  :mod:`~jia_teach.simulation.fitting`);
* :mod:`~jia_teach.simulation.cohort` - simulated trials scored with any definition;
* :mod:`~jia_teach.simulation.registry` - a simulated registry visit table.

The model, in plain words (every choice below is an assumption, not a published
figure, unless it names a source)
------------------------------------------------------------------------------
Baseline (the same for both arms of a trial):

* TENDER: the published means and SDs of the efficacy population of an interim
  52-week report (n = 88): physician global 64.9 +/- 22.3 mm, parent global
  58.7 +/- 24.4 mm, CHAQ 1.7 +/- 0.9, active joints 19.8 +/- 15.7, joints with
  limited motion 19.8 +/- 15.6. Globals and CHAQ are scaled beta distributions
  on their range with that mean and SD; joint counts are log-normal with that
  mean and SD, rounded to whole joints.
* TENDER ESR is **not in the evidence sheet**. Assumption: log-normal with median
  40 mm/h and log-SD 0.6 (an elevated ESR, plausible for active systemic JIA).
  In this model the percent change of a variable does not depend on its baseline
  level (apart from rounding and the range limits), so this choice barely moves
  any response rate.
* Canakinumab trial 1: its own baseline is not in the evidence sheet; the
  medians of the 177 patients of trial 2 (long-term extension report, Table 1)
  stand in for it: physician 70 mm, parent 63.5 mm, active joints 10, limited
  joints 9, CHAQ 1.8, CRP 160 mg/L. Spreads are not published; assumption: the
  same shapes as TENDER (same beta concentration, same log-SD of joint counts)
  moved to those medians, and CRP log-normal with log-SD 0.7. Trial 1 required
  >= 2 active joints and CRP > 30 mg/L (Ruperto 2012): active joints are at
  least 2 and CRP is drawn above 30 mg/L.
* The six baseline values are correlated through a Gaussian copula (assumption:
  correlation 0.7 between the two joint counts, 0.5 between the two globals,
  0.3 for every other pair).
* Values are recorded as a clinic would: VAS to 0.1 cm (1 mm), CHAQ in steps of
  0.125, whole joints, ESR in whole mm/h, CRP to 0.1 mg/L; baseline values are
  at least one recording step above 0 (at least 1 joint), as every patient in
  these trials had active disease.

Follow-up:

* Each patient has a latent response ``r`` on the log scale: with probability
  ``responder_share`` the patient is a *responder* with
  ``r ~ Normal(responder_mean, responder_sd)``, otherwise a *non-responder* with
  ``r ~ Normal(nonresponder_mean, 0.25)``.
* Each variable changes by ``follow-up = baseline * exp(-(r + 0.3 * e))`` with
  independent standard-normal noise ``e`` per variable, then is rounded to its
  recording step and kept inside its valid range (values above the range are
  set to its upper limit). So ``r = 0.36`` is about a 30 % improvement,
  ``r = 2.3`` about 90 %.
* Fever at follow-up occurs with probability ``expit(fever_intercept -
  fever_slope * m)``, ``m`` being the patient's average log change over the six
  variables: the better the patient did, the less likely the fever.
* Fitted per TENDER arm: responder share, responder mean and SD and
  non-responder mean (to the four ACR rates), then the two fever parameters to
  the primary end point (weight 1) and, with a weight of 0.1, to the published week-12
  fever-free share (85 % vs 21 %). That figure is for a subset of each arm
  (35/41 and 5/24) over a 14-day window; applying it to the whole arm is an
  assumption, used only as a weak anchor for the fever rate of non-responders,
  which the primary end point does not pin down. In the placebo arm the two
  figures cannot both hold for one whole arm (24 % responders without fever
  but only 21 % without fever), so the fit settles between them.
* Canakinumab trial 1 publishes one day-15 rate per arm, which can pin one
  parameter per arm: a shift of the latent response (added to both the
  responder and the non-responder mean), fitted to adapted ACR30; every other
  parameter is borrowed from the TENDER arm of the same kind (drug or
  placebo). The month-1 adapted ACR70/90 and the day-29 adapted ACR30 belong to
  other time points: they are not fitted, only compared (``kind = check`` rows
  of the fit file).
"""
