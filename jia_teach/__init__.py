"""jia-teach: JIA response criteria and the IL-6 / IL-1 blockade trials in systemic JIA.

The scoring core (:func:`score`, :func:`assess`, the definitions) is imported
eagerly and needs only numpy and pandas. Everything that needs matplotlib,
ipywidgets, scipy or statsmodels is loaded the first time it is used, so that
``import jia_teach`` stays fast.

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

from .definitions import (
    ACR30,
    ACR50,
    ACR70,
    ACR90,
    ACR100,
    ADAPTED_ACR30,
    ADAPTED_ACR50,
    ADAPTED_ACR70,
    ADAPTED_ACR90,
    ADAPTED_ACR100,
    FLARE_BRUNNER_2002,
    FLARE_TRIAL,
    RESPONSE_PRESETS,
    FlareDefinition,
    ResponseDefinition,
)
from .errors import JiaInputError
from .patient import assess
from .scoring import score
from .visits import pair_visits, score_visits

__version__ = "0.1.0"

# name -> module that defines it; loaded on first attribute access.
_LAZY: dict[str, str] = {
    "activity": "jia_teach.activity",
    "cohort": "jia_teach.cohort",
    "data": "jia_teach.data",
    "effects": "jia_teach.effects",
    "figures": "jia_teach.figures",
    "widgets": "jia_teach.widgets",
    "jadas": "jia_teach.activity",
    "cjadas": "jia_teach.activity",
    "inactive_disease": "jia_teach.activity",
    "score_meta": "jia_teach.distributed",
    "score_parquet": "jia_teach.distributed",
    "score_dask": "jia_teach.distributed",
}

__all__ = [
    "ACR30",
    "ACR50",
    "ACR70",
    "ACR90",
    "ACR100",
    "ADAPTED_ACR30",
    "ADAPTED_ACR50",
    "ADAPTED_ACR70",
    "ADAPTED_ACR90",
    "ADAPTED_ACR100",
    "FLARE_BRUNNER_2002",
    "FLARE_TRIAL",
    "RESPONSE_PRESETS",
    "FlareDefinition",
    "JiaInputError",
    "ResponseDefinition",
    "__version__",
    "assess",
    "pair_visits",
    "score",
    "score_visits",
    *_LAZY,
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'jia_teach' has no attribute {name!r}")
    mod = importlib.import_module(module)
    value = mod if module.endswith("." + name) else getattr(mod, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
