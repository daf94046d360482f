"""The appraisal's own data files, as the appraisal asks for them.

Risk-of-bias judgements (``risk_of_bias.csv``), the single-arm appraisals
(``single_arm_appraisals.csv``), the GRADE outcomes and judgements
(``grade_outcomes.csv``, ``grade_judgements.csv``), and the design and note behind a comparison
(``trial_designs.csv``, ``trial_outcomes.csv``). The appraisal layer asks these questions here,
so that every data-row question goes through :mod:`jia_teach.evidence`.

Examples
--------
>>> rows = risk_of_bias_records()
>>> rows[0]["trial"], rows[0]["domain"]
('TENDER', 'randomization')
>>> design_of("TENDER", "tocilizumab")["population"].startswith("systemic JIA")
True
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from jia_teach import data
from jia_teach.evidence.records import blank_to_none

__all__ = [
    "design_of",
    "grade_tables",
    "outcome_note",
    "risk_of_bias_records",
    "single_arm_records",
]


def _records(table: pd.DataFrame) -> list[dict[str, Any]]:
    return [{k: blank_to_none(v) for k, v in r.items()} for r in table.to_dict(orient="records")]


def risk_of_bias_records() -> list[dict[str, Any]]:
    """Every risk-of-bias row, in file order (a blank cell as ``None``)."""
    return _records(data.load_risk_of_bias())


def single_arm_records() -> list[dict[str, Any]]:
    """Every answer of ``single_arm_appraisals.csv`` (NIH case-series tool), in file order.

    Examples
    --------
    >>> single_arm_records()[0]["question"]
    1
    """
    return _records(data.load_single_arm_appraisals())


def grade_tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The GRADE outcomes and judgements tables (validated copies, with their file lines)."""
    return data.load_grade_outcomes(), data.load_grade_judgements()


def design_of(trial: str, arm: str, phase: str = "randomized") -> dict[str, str]:
    """Population and regimen (dose; route; schedule) of one arm, or ``{}`` if not in the data."""
    designs = data.load_designs()
    sel = designs[
        (designs["trial"] == trial) & (designs["arm"] == arm) & (designs["phase"] == phase)
    ]
    if not len(sel):
        return {}
    row = sel.iloc[0]
    regimen = "; ".join(str(row[k]) for k in ("dose", "route", "schedule") if not pd.isna(row[k]))
    return {"population": str(row["population"]), "regimen": regimen}


def outcome_note(trial: str, endpoint: str, timepoint: str, arm: str) -> str | None:
    """The ``note`` of one outcome row (how the source words the end point), if any."""
    outcomes = data.load_outcomes()
    sel = outcomes[
        (outcomes["trial"] == trial)
        & (outcomes["endpoint"] == endpoint)
        & (outcomes["timepoint"] == timepoint)
        & (outcomes["arm"] == arm)
    ]
    value = sel["note"].iloc[0] if len(sel) else None
    return None if value is None or pd.isna(value) else str(value)
