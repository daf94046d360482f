"""Critical appraisal of the trials: how much the published numbers can bear.

One module per concept, each usable on its own:

* :mod:`~jia_teach.appraisal.bayes` - Bayesian re-analysis of a 2x2 table (Beta-binomial
  posteriors, the exact posterior of the risk difference); its priors are
  :mod:`~jia_teach.appraisal.priors` (neutral, sceptical, enthusiastic, informed) and its
  distributions :mod:`~jia_teach.appraisal.betas` (one arm's Beta; the risk difference);
* :mod:`~jia_teach.appraisal.fragility` - fragility index and quotient (Walsh 2014) and the
  reverse index for non-significant results;
* :mod:`~jia_teach.appraisal.indirect` - Bucher's adjusted indirect comparison, with the
  reasons it is not valid beside the interval;
* :mod:`~jia_teach.appraisal.rob` - risk of bias (RoB 2) as data, and the overall judgement by
  the RoB 2 rule;
* :mod:`~jia_teach.appraisal.grade` - GRADE summary of findings built from the data (absolute
  effects per 1,000, certainty, each down- or up-grade with its reason), with
  :mod:`~jia_teach.appraisal.imprecision` (the optimal information size and the imprecision
  rule) and :mod:`~jia_teach.appraisal.sof` (the table and how it shows itself);
* :mod:`~jia_teach.present.appraisal_plots` - icon arrays, the NNT scale through infinity, traffic
  lights and the prior/posterior figure;
* :mod:`~jia_teach.appraisal.counts` - the one place these tools read trial counts (through
  the evidence layer; ANAJIS from ``appraisal_outcomes.csv``);
* :mod:`~jia_teach.appraisal.comparability` - why two trials' results do not transfer (the
  caveats beside Bucher's interval), and one trial under several end-point definitions.

The arithmetic modules (betas, priors, bayes, fragility, indirect, imprecision) take numbers as
arguments and read no data; every risk-of-bias and GRADE judgement is *our appraisal, argued
from the published design*, never a published fact, and says so wherever it is shown.

Examples
--------
>>> from jia_teach.appraisal import fragility
>>> fragility.fragility_index(36, 43, 4, 41).index
23
"""

from __future__ import annotations

from jia_teach.data.schema import OUR_APPRAISAL  # the label every worked judgement carries

__all__ = ["OUR_APPRAISAL"]
