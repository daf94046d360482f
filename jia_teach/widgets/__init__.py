"""Interactive views for the tutorials and the grand-rounds deck.

One module per view; each view is a :class:`~jia_teach.widgets._base.View`
with ``.ui``, ``.controls`` and ``.summary_text()``, and displays itself.
Views are imported on first use.
"""

from __future__ import annotations

import importlib
from typing import Any

_VIEWS: dict[str, str] = {
    "PatientCalculator": "calculator",
    "FollowUpCalculator": "followup",
    "ThresholdExplorer": "threshold_explorer",
    "TrialExplorer": "trial_explorer",
    "BenefitRiskExplorer": "benefit_risk",
    "SelfCheck": "selfcheck",
    "SelfCheckProgress": "selfcheck",
    "RiskOfBiasExercise": "appraisal",
    "BayesExplorer": "bayes",
    "MASCalculator": "mas_calculator",
    "View": "_base",
    "figure_png": "_base",
    "canvas_png": "_base",
}

__all__ = sorted(_VIEWS)


def __getattr__(name: str) -> Any:
    module = _VIEWS.get(name)
    if module is None:
        raise AttributeError(f"module 'jia_teach.widgets' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
