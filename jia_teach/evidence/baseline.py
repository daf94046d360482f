"""Baseline characteristics of the trials as the sources give them (``data/baseline.csv``).

Examples
--------
>>> rows = baseline_records()
>>> {"trial", "variable", "statistic", "value"} <= set(rows[0])
True
"""

from __future__ import annotations

from typing import Any

from jia_teach import data

__all__ = ["baseline_records"]


def baseline_records() -> list[dict[str, Any]]:
    """Every baseline row as a dict, a missing cell as ``None`` (never ``NaN`` or ``<NA>``)."""
    frame = data.load_baseline()
    return [
        {k: (None if v is None or (not isinstance(v, str) and v != v) else v) for k, v in r.items()}
        for r in frame.to_dict("records")
    ]
