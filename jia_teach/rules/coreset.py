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
    short : str
        Short name for running text and compact tables (``"CHAQ"``, ``"active joints"``).
    plain : str
        Capitalised short name (``"Physician global"``), the row label of a view.
    compact : str
        The shortest row label with its unit, for slides (``"Physician (cm)"``).
    step : float
        Recording step, used as the slider step (VAS 0.1 cm, CHAQ 0.125, joints 1,
        ESR 1 mm/h, CRP 0.1 mg/L).
    decimals : int
        Decimals a value of this variable is shown with.
    fine_step : float or None
        A finer step a learner may switch to (CHAQ 0.01), if any.
    """

    name: str
    label: str
    unit: str
    low: float
    high: float
    integer: bool
    kind: str
    short: str = ""
    plain: str = ""
    compact: str = ""
    step: float = 1.0
    decimals: int = 1
    fine_step: float | None = None

    @property
    def heading(self) -> str:
        """Row label with the unit or range, e.g. ``'CHAQ (0-3)'``, ``'ESR (mm/h)'``.

        Examples
        --------
        >>> variable("physician_global").heading, variable("chaq").heading
        ('Physician global (cm)', 'CHAQ (0-3)')
        """
        if self.unit and self.unit != "joints":
            return f"{self.plain} ({self.unit})"
        if not self.unit:
            return f"{self.plain} ({_fmt(self.low)}-{_fmt(self.high)})"
        return self.plain

    def format(self, value: float | None) -> str:
        """A value rounded to this variable's decimals (``'missing'`` for None).

        Examples
        --------
        >>> variable("chaq").format(1.2500000000000002), variable("active_joints").format(3.0)
        ('1.250', '3')
        """
        if value is None:
            return "missing"
        return f"{value:.{self.decimals}f}"

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
            short="physician global",
            plain="Physician global",
            compact="Physician (cm)",
            step=0.1,
            decimals=1,
        ),
        Variable(
            "parent_global",
            "Parent/patient global assessment of well-being",
            "cm",
            0,
            10,
            False,
            "global",
            short="parent global",
            plain="Parent global",
            compact="Parent (cm)",
            step=0.1,
            decimals=1,
        ),
        Variable(
            "chaq",
            "Functional ability (CHAQ disability index)",
            "",
            0,
            3,
            False,
            "function",
            short="CHAQ",
            plain="CHAQ",
            compact="CHAQ (0-3)",
            step=0.125,
            decimals=3,
            fine_step=0.01,
        ),
        Variable(
            "active_joints",
            "Joints with active arthritis",
            "joints",
            0,
            75,
            True,
            "joints",
            short="active joints",
            plain="Active joints",
            compact="Active joints",
            step=1,
            decimals=0,
        ),
        Variable(
            "lom_joints",
            "Joints with limited range of motion",
            "joints",
            0,
            75,
            True,
            "joints",
            short="limited-motion joints",
            plain="Limited-motion joints",
            compact="Limited joints",
            step=1,
            decimals=0,
        ),
        Variable(
            "esr",
            "Erythrocyte sedimentation rate (ESR)",
            "mm/h",
            0,
            200,
            False,
            "marker",
            short="ESR",
            plain="ESR",
            compact="ESR (mm/h)",
            step=1.0,
            decimals=1,
        ),
        Variable(
            "crp",
            "C-reactive protein (CRP)",
            "mg/L",
            0,
            500,
            False,
            "marker",
            short="CRP",
            plain="CRP",
            compact="CRP (mg/L)",
            step=0.1,
            decimals=1,
        ),
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
