"""Argument checks and constants shared by the effect measures."""

from __future__ import annotations

import math
from numbers import Integral, Real

from jia_teach.rules.errors import InvalidValueError

__all__ = ["DERIVED_TAG", "MAX_COUNT", "check_outcome"]

_INF = math.inf

#: The largest count (events or total) accepted: beyond it Fisher's exact test and the exact
#: odds-ratio interval overflow floating point. No trial comes near it.
MAX_COUNT = 10**9

#: Appended to every number computed from counts that were derived from reported percentages.
DERIVED_TAG = " (from derived counts)"


# --------------------------------------------------------------------------------------------
# validation
# --------------------------------------------------------------------------------------------
def whole(name: str, value: object, low: int, high: int | None, high_text: str = "") -> int:
    if isinstance(value, bool) or not isinstance(value, Integral):
        if not isinstance(value, bool) and isinstance(value, Real) and float(value).is_integer():
            value = int(value)  # 64.0 is accepted as 64
        else:
            raise InvalidValueError(
                f"{value!r} is not a whole number", column=name, allowed="a whole number"
            )
    value = int(value)
    if value < low or (high is not None and value > high):
        allowed = f"{low} to {high}{high_text}" if high is not None else f">= {low}"
        raise InvalidValueError(f"{value} is out of range", column=name, allowed=allowed)
    return value


def check_outcome(outcome: object) -> None:
    """An outcome is ``"benefit"`` (wanted) or ``"harm"``; anything else is an error."""
    if outcome not in ("benefit", "harm"):
        raise InvalidValueError(
            f"unknown outcome {outcome!r}", column="outcome", allowed="'benefit' or 'harm'"
        )


def confidence_level(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, Real) or not 0 < float(value) < 1:
        raise InvalidValueError(
            f"{value!r} is not a confidence level",
            column="confidence",
            allowed="a number between 0 and 1, e.g. 0.95",
        )
    return float(value)
