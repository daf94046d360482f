"""Scoring: a patient, a table of pairs, a registry's visits.

* :mod:`~jia_teach.scoring.inputs` - checking and completing the core-set inputs;
* :mod:`~jia_teach.scoring.criteria` - improvement, worsening and the criteria, vectorised;
* :mod:`~jia_teach.scoring.scorer` - :func:`score` over a table of baseline/follow-up pairs;
* :mod:`~jia_teach.scoring.explain` - the "why" of each verdict;
* :mod:`~jia_teach.scoring.patient` - :func:`assess`, one patient, three-valued verdicts;
* :mod:`~jia_teach.scoring.activity` - JADAS, cJADAS and inactive disease;
* :mod:`~jia_teach.scoring.visits` - pairing a registry's visits and scoring them.

Examples
--------
>>> from jia_teach.scoring import score
>>> callable(score)
True
"""

from jia_teach.scoring.patient import assess
from jia_teach.scoring.scorer import score
from jia_teach.scoring.visits import pair_visits, score_visits

__all__ = ["assess", "pair_visits", "score", "score_visits"]
