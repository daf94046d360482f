"""Critical appraisal of the trials: how much the published numbers can bear.

One module per concept, each usable on its own:

* :mod:`~jia_teach.appraisal.bayes` - Bayesian re-analysis of a 2x2 table (Beta-binomial
  posteriors, the exact posterior of the risk difference, named priors);
* :mod:`~jia_teach.appraisal.fragility` - fragility index and quotient (Walsh 2014) and the
  reverse index for non-significant results;
* :mod:`~jia_teach.appraisal.indirect` - Bucher's adjusted indirect comparison, with the
  reasons it is not valid beside the interval;
* :mod:`~jia_teach.appraisal.rob` - risk of bias (RoB 2) as data, and the overall judgement by
  the RoB 2 rule;
* :mod:`~jia_teach.appraisal.grade` - GRADE summary of findings (absolute effects per 1,000,
  certainty, each down- or up-grade with its reason; the optimal information size);
* :mod:`~jia_teach.appraisal.plots` - icon arrays, the NNT scale through infinity, traffic
  lights and the prior/posterior figure;
* :mod:`~jia_teach.appraisal.counts` - the one place this package reads trial counts.

The arithmetic modules (bayes, fragility, indirect) take counts as arguments and read no data;
every risk-of-bias and GRADE judgement is *our appraisal, argued from the published design*,
never a published fact, and says so wherever it is shown.

Examples
--------
>>> from jia_teach.appraisal import fragility
>>> fragility.fragility_index(36, 43, 4, 41).index
23
"""

from __future__ import annotations

from jia_teach.schema import OUR_APPRAISAL  # the label every worked judgement carries

__all__ = ["OUR_APPRAISAL"]
