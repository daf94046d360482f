"""The JIA core set: six variables, their units and their valid ranges.

The core set is that of Giannini EH, et al. Preliminary definition of
improvement in juvenile arthritis. *Arthritis Rheum* 1997;40:1202-9:
physician global assessment of disease activity, parent/patient global
assessment of overall well-being, functional ability (CHAQ), number of joints
with active arthritis, number of joints with limited range of motion, and an
inflammation marker (ESR; the systemic-JIA trials used CRP in its place).

Every variable is *lower is better*.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = [
    "CORE_VARIABLES",
    "MARKERS",
    "Marker",
    "Variable",
    "core_set",
    "variable",
]

Marker = Literal["esr", "crp"]
MARKERS: tuple[Marker, ...] = ("esr", "crp")


@dataclass(frozen=True)
class Variable:
    """One core-set variable.

    Attributes
    ----------
    name : str
        Column stem used everywhere (``<name>_baseline``, ``<name>_followup``).
    label : str
        Plain-language label for tables and widgets.
    unit : str
        Unit of the stored value.
    low, high : float
        Valid range, inclusive.
    integer : bool
        Whether only whole numbers are valid (joint counts).
    kind : str
        ``"global"``, ``"function"``, ``"joints"`` or ``"marker"``; the flare
        definition's minimum-change rules are stated per kind.
    """

    name: str
    label: str
    unit: str
    low: float
    high: float
    integer: bool
    kind: str

    @property
    def allowed(self) -> str:
        """The valid range in words, e.g. ``'0 to 10 cm'``."""
        kind = "whole numbers " if self.integer else ""
        return f"{kind}{_fmt(self.low)} to {_fmt(self.high)} {self.unit}".strip()


def _fmt(x: float) -> str:
    return f"{x:g}"


_VARIABLES: dict[str, Variable] = {
    v.name: v
    for v in (
        Variable(
            "physician_global",
            "Physician global assessment of disease activity",
            "cm",
            0,
            10,
            False,
            "global",
        ),
        Variable(
            "parent_global",
            "Parent/patient global assessment of well-being",
            "cm",
            0,
            10,
            False,
            "global",
        ),
        Variable("chaq", "Functional ability (CHAQ disability index)", "", 0, 3, False, "function"),
        Variable("active_joints", "Joints with active arthritis", "joints", 0, 75, True, "joints"),
        Variable(
            "lom_joints", "Joints with limited range of motion", "joints", 0, 75, True, "joints"
        ),
        Variable("esr", "Erythrocyte sedimentation rate (ESR)", "mm/h", 0, 200, False, "marker"),
        Variable("crp", "C-reactive protein (CRP)", "mg/L", 0, 500, False, "marker"),
    )
}

#: The five variables common to every definition, in the fixed array order.
CORE_VARIABLES: tuple[str, ...] = (
    "physician_global",
    "parent_global",
    "chaq",
    "active_joints",
    "lom_joints",
)


def variable(name: str) -> Variable:
    """Return the :class:`Variable` called ``name``.

    Examples
    --------
    >>> variable("chaq").allowed
    '0 to 3'
    >>> variable("active_joints").allowed
    'whole numbers 0 to 75 joints'
    """
    try:
        return _VARIABLES[name]
    except KeyError:
        known = ", ".join(_VARIABLES)
        raise KeyError(f"unknown core-set variable {name!r}; known: {known}") from None


def core_set(marker: Marker = "esr") -> tuple[Variable, ...]:
    """The six core-set variables in the fixed order used for every array.

    Parameters
    ----------
    marker : {"esr", "crp"}
        The inflammation marker in sixth place.

    Examples
    --------
    >>> [v.name for v in core_set("crp")]
    ['physician_global', 'parent_global', 'chaq', 'active_joints', 'lom_joints', 'crp']
    """
    if marker not in MARKERS:
        raise ValueError(f"marker must be 'esr' or 'crp', not {marker!r}")
    return (*(_VARIABLES[n] for n in CORE_VARIABLES), _VARIABLES[marker])
