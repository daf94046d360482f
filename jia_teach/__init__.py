"""jia-teach: JIA response criteria and the IL-6 / IL-1 blockade trials in systemic JIA.

The definitions and errors (pure Python) are imported eagerly; everything
else, the scoring core included (:func:`score`, :func:`assess`, numpy and
pandas), is loaded the first time it is used, so that ``import jia_teach``
stays fast and the command line can answer a Ctrl-C pressed while Python is
still starting with one line (issue 20).

Examples
--------
>>> import jia_teach
>>> jia_teach.ACR30.describe()
'>= 30% improvement in at least 3 of 6 core-set variables (ESR), with no more than 1 \
worsening by more than 30%'
"""

from __future__ import annotations

import importlib
from typing import Any

# The definitions' own ``__all__`` is the one list of what the package exports from them.
from jia_teach.rules import definitions as _definitions
from jia_teach.rules.definitions import *  # noqa: F403
from jia_teach.rules.errors import JiaInputError

__version__ = "0.1.0"

# Subpackages and modules reachable as attributes; loaded on first use.
_MODULES: dict[str, str] = {
    "activity": "jia_teach.scoring.activity",
    "appraisal": "jia_teach.appraisal",
    "cohort": "jia_teach.simulation.cohort",
    "data": "jia_teach.data",
    "effects": "jia_teach.effects",
    "evidence": "jia_teach.evidence",
    "io": "jia_teach.io",
    "present": "jia_teach.present",
    "rules": "jia_teach.rules",
    "scoring": "jia_teach.scoring",
    "simulation": "jia_teach.simulation",
    "widgets": "jia_teach.widgets",
}
# Functions and classes: name -> the module that defines it; loaded on first use.
_FUNCTIONS: dict[str, str] = {
    "assess": "jia_teach.scoring.patient",
    "score": "jia_teach.scoring.scorer",
    "pair_visits": "jia_teach.scoring.visits",
    "score_visits": "jia_teach.scoring.visits",
    "score_file": "jia_teach.io.scorefile",
    "jadas": "jia_teach.scoring.activity",
    "cjadas": "jia_teach.scoring.activity",
    "inactive_disease": "jia_teach.scoring.activity",
    "classify_mas": "jia_teach.scoring.mas",
    "treat_to_target": "jia_teach.scoring.targets",
    "score_meta": "jia_teach.io.distributed",
    "score_parquet": "jia_teach.io.distributed",
    "score_dask": "jia_teach.io.distributed",
    "use_data": "jia_teach.data.location",
    "pool": "jia_teach.effects.pooling",
    "FewStudiesWarning": "jia_teach.effects.pooling",
}
_LAZY = {**_MODULES, **_FUNCTIONS}

__all__ = [*_definitions.__all__, "JiaInputError", "__version__", *_LAZY]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'jia_teach' has no attribute {name!r}")
    mod = importlib.import_module(module)
    value = mod if name in _MODULES else getattr(mod, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
