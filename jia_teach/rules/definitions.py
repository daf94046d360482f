"""Response and flare definitions as data.

A definition is a small frozen object; presets name the published ones.
Changing a definition is changing a value (``definition.replace(level=40)``),
never editing a code path, so learners can move every threshold.

References
----------
.. [1] Giannini EH, Ruperto N, Ravelli A, et al. Preliminary definition of
   improvement in juvenile arthritis. *Arthritis Rheum* 1997;40:1202-9.
.. [2] De Benedetti F, et al. Randomized trial of tocilizumab in systemic
   juvenile idiopathic arthritis. *N Engl J Med* 2012;367:2385-95.
.. [3] Ruperto N, et al. Two randomized trials of canakinumab in systemic
   juvenile idiopathic arthritis. *N Engl J Med* 2012;367:2396-406.
.. [4] Brunner HI, et al. Preliminary definition of disease flare in juvenile
   rheumatoid arthritis. *J Rheumatol* 2002;29:1058-64.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Self

from jia_teach.rules.coreset import MARKERS, Marker

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
    "FLARE_PRESETS",
    "FLARE_TRIAL",
    "LEVELS",
    "PERCENT_CONTROL",
    "RESPONSE_PRESETS",
    "WORSENING_LIMIT_ALLOWED",
    "FlareDefinition",
    "ResponseDefinition",
    "check_worsening_limit",
]

#: The published JIA ACR Pedi levels.
LEVELS: tuple[int, ...] = (30, 50, 70, 90, 100)


#: The one rule for a worsening limit, wherever it is given (a definition, ``score()``, the
#: CLI's ``--worsening-limit``, the sliders' ranges): a finite percentage more than 0 and at
#: most 100, as issue 11 specified for the CLI. The published criteria use 30.
WORSENING_LIMIT_ALLOWED = (
    "a finite percentage more than 0 and at most 100 (the published criteria use 30)"
)


#: Every slider of a percentage threshold (improvement level, worsening limit): (min, max, step).
#: The rule itself (:func:`check_worsening_limit`) accepts any value in (0, 100]; the controls
#: step by 5 so that a learner can land on 30 exactly and the simulated cohorts stay cached.
PERCENT_CONTROL: tuple[int, int, int] = (5, 100, 5)


def check_worsening_limit(value: Any, field: str = "worsening_limit") -> float:
    """``value`` as a float when it is a valid worsening limit, else a clear error.

    Examples
    --------
    >>> check_worsening_limit("30"), check_worsening_limit(100)
    (30.0, 100.0)
    >>> check_worsening_limit(float("inf"))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    jia_teach.rules.errors.InvalidValueError: column 'worsening_limit': inf is not a...
    """
    import math

    try:
        number = float(value) if not isinstance(value, bool) else math.nan
    except (TypeError, ValueError):
        number = math.nan
    if not (math.isfinite(number) and 0 < number <= 100):
        from jia_teach.rules.errors import InvalidValueError

        raise InvalidValueError(
            f"{value!r} is not a worsening limit", column=field, allowed=WORSENING_LIMIT_ALLOWED
        )
    return number


def _check(cond: bool, field: str, value: Any, allowed: str) -> None:
    if not cond:
        # Imported here to keep the module import cheap and free of cycles.
        from jia_teach.rules.errors import InvalidValueError

        raise InvalidValueError(f"{value!r} is not valid", column=field, allowed=allowed)


def _whole(value: Any, field: str, low: int, high: int, *, optional: bool = False) -> None:
    """``value`` is a whole number from ``low`` to ``high`` (or None, when ``optional``)."""
    ok = (optional and value is None) or (isinstance(value, int) and low <= value <= high)
    _check(ok, field, value, ("None or " if optional else "") + f"whole numbers {low} to {high}")


class _Definition:
    """What every definition shares: a level, a marker, a copy with some fields changed and the
    shape of its sentence."""

    level: float
    marker: Marker

    def replace(self, **changes: Any) -> Self:
        """A copy with some fields changed (the name is kept unless given)."""
        return dataclasses.replace(self, **changes)  # type: ignore[type-var]

    def _check_marker(self) -> None:
        _check(self.marker in MARKERS, "marker", self.marker, "'esr' or 'crp'")

    def _wording(self) -> tuple[str, int, int, str, str]:
        """What :meth:`describe` says of this kind of definition: the change counted, how many
        must change, how many may go the other way, that other way, and any further rule."""
        raise NotImplementedError

    def describe(self) -> str:
        """The definition in one plain sentence."""
        change, at_least, at_most, other, rest = self._wording()
        return (
            f">= {self.level:g}% {change} in at least {at_least} of 6 core-set "
            f"variables ({self.marker.upper()}), with no more than {at_most} {other}{rest}"
        )


@dataclass(frozen=True)
class ResponseDefinition(_Definition):
    """A JIA ACR Pedi style definition of improvement.

    A patient responds when at least ``min_improved`` of the six core-set
    variables improved by ``level`` % or more, and no more than
    ``max_worsened`` worsened by strictly more than ``worsening_limit`` %.
    With ``require_no_fever`` the systemic-JIA ("adapted") rule also demands
    no fever at follow-up.

    Parameters
    ----------
    name : str
        Short name shown in tables (e.g. ``"ACR30"``).
    level : float
        Improvement needed, in percent, ``0 < level <= 100``. Exactly
        ``level`` % counts as improved.
    min_improved : int
        How many of the six variables must improve (1-6).
    worsening_limit : float
        A variable *worsened* when it is strictly more than this many percent
        worse (exactly 30 % worse does not count). The trials keep 30 at every
        level; no source here scales it with the level (it stays a parameter to explore).
    max_worsened : int
        How many variables may worsen (0-6).
    require_no_fever : bool
        The systemic-JIA adapted criteria: absence of fever at follow-up.
    marker : {"esr", "crp"}
        The inflammation marker in sixth place (the canakinumab trials used CRP).

    Examples
    --------
    >>> ACR50
    ResponseDefinition(name='ACR50', level=50.0, min_improved=3, worsening_limit=30.0, \
max_worsened=1, require_no_fever=False, marker='esr')
    >>> ACR50.replace(level=40).describe()
    '>= 40% improvement in at least 3 of 6 core-set variables (ESR), with no more than 1 \
worsening by more than 30%'
    """

    name: str
    level: float = 30.0
    min_improved: int = 3
    worsening_limit: float = 30.0
    max_worsened: int = 1
    require_no_fever: bool = False
    marker: Marker = "esr"

    def __post_init__(self) -> None:
        object.__setattr__(self, "level", float(self.level))
        object.__setattr__(self, "worsening_limit", check_worsening_limit(self.worsening_limit))
        _check(0 < self.level <= 100, "level", self.level, "more than 0 and at most 100 %")
        _whole(self.min_improved, "min_improved", 1, 6)
        _whole(self.max_worsened, "max_worsened", 0, 6)
        self._check_marker()

    def _wording(self) -> tuple[str, int, int, str, str]:
        worsening = f"worsening by more than {self.worsening_limit:g}%"
        fever = ", and no fever at follow-up" if self.require_no_fever else ""
        return "improvement", self.min_improved, self.max_worsened, worsening, fever


@dataclass(frozen=True)
class FlareDefinition(_Definition):
    """A definition of disease flare (worsening) between two visits.

    Flare when at least ``min_worsened`` variables worsened by ``level`` % or
    more (inclusive) and no more than ``max_improved`` improved by
    ``improvement_level`` % or more. A global assessment counts as worsened
    only if it also rose by at least ``min_rise_global_cm`` cm, a joint count
    only if it rose by at least ``min_rise_joints`` joints (``None``: no
    minimum).

    Examples
    --------
    >>> FLARE_TRIAL.describe()
    '>= 30% worsening in at least 3 of 6 core-set variables (ESR), with no more than 1 \
improving by >= 30%; a global assessment counts only if it rose >= 2 cm, a joint count only if \
it rose >= 2 joints'
    """

    name: str
    level: float = 30.0
    min_worsened: int = 3
    improvement_level: float = 30.0
    max_improved: int = 1
    min_rise_global_cm: float | None = 2.0
    min_rise_joints: int | None = 2
    marker: Marker = "esr"

    def __post_init__(self) -> None:
        object.__setattr__(self, "level", float(self.level))
        object.__setattr__(self, "improvement_level", float(self.improvement_level))
        _check(self.level > 0, "level", self.level, "more than 0 %")
        _check(
            0 < self.improvement_level <= 100,
            "improvement_level",
            self.improvement_level,
            "more than 0 and at most 100 %",
        )
        _whole(self.min_worsened, "min_worsened", 1, 6)
        _whole(self.max_improved, "max_improved", 0, 6)
        _check(
            self.min_rise_global_cm is None or 0 <= self.min_rise_global_cm <= 10,
            "min_rise_global_cm",
            self.min_rise_global_cm,
            "None or 0 to 10 cm",
        )
        _whole(self.min_rise_joints, "min_rise_joints", 0, 75, optional=True)
        self._check_marker()

    def _wording(self) -> tuple[str, int, int, str, str]:
        rules = []
        if self.min_rise_global_cm is not None:
            rules.append(
                f"a global assessment counts only if it rose >= {self.min_rise_global_cm:g} cm"
            )
        if self.min_rise_joints is not None:
            rules.append(f"a joint count only if it rose >= {self.min_rise_joints} joints")
        improving = f"improving by >= {self.improvement_level:g}%"
        rest = "; " + ", ".join(rules) if rules else ""
        return "worsening", self.min_worsened, self.max_improved, improving, rest


def _response_presets() -> dict[str, ResponseDefinition]:
    presets: dict[str, ResponseDefinition] = {}
    for level in LEVELS:
        for adapted in (False, True):
            for marker in MARKERS:
                prefix = ("adapted_", "adapted ") if adapted else ("", "")
                suffix = ("_crp", " (CRP)") if marker == "crp" else ("", "")
                presets[f"{prefix[0]}acr{level}{suffix[0]}"] = ResponseDefinition(
                    name=f"{prefix[1]}ACR{level}{suffix[1]}",
                    level=level,
                    require_no_fever=adapted,
                    marker=marker,
                )
    return presets


#: Every named response definition: ``acr30`` ... ``acr100`` (ESR), ``acr30_crp`` ...,
#: ``adapted_acr30`` ... (no fever at follow-up), ``adapted_acr30_crp`` ...
RESPONSE_PRESETS: dict[str, ResponseDefinition] = _response_presets()

ACR30 = RESPONSE_PRESETS["acr30"]
ACR50 = RESPONSE_PRESETS["acr50"]
ACR70 = RESPONSE_PRESETS["acr70"]
ACR90 = RESPONSE_PRESETS["acr90"]
ACR100 = RESPONSE_PRESETS["acr100"]
ADAPTED_ACR30 = RESPONSE_PRESETS["adapted_acr30"]
ADAPTED_ACR50 = RESPONSE_PRESETS["adapted_acr50"]
ADAPTED_ACR70 = RESPONSE_PRESETS["adapted_acr70"]
ADAPTED_ACR90 = RESPONSE_PRESETS["adapted_acr90"]
ADAPTED_ACR100 = RESPONSE_PRESETS["adapted_acr100"]

#: Trial-style flare (withdrawal trials): >= 30 % worse in >= 3 of 6, no more than 1 improved
#: >= 30 %, globals need a >= 2 cm rise and joint counts a >= 2-joint rise.
FLARE_TRIAL = FlareDefinition(name="flare (trial style)")

#: Brunner 2002's preferred definition: >= 40 % worse in >= 2 of 6, no more than 1 of the rest
#: improved >= 30 %. The evidence sheet records no minimum-rise rule for it, so none is applied;
#: set ``min_rise_global_cm`` / ``min_rise_joints`` to add one.
FLARE_BRUNNER_2002 = FlareDefinition(
    name="flare (Brunner 2002)",
    level=40,
    min_worsened=2,
    min_rise_global_cm=None,
    min_rise_joints=None,
)

FLARE_PRESETS: dict[str, FlareDefinition] = {
    "trial": FLARE_TRIAL,
    "brunner2002": FLARE_BRUNNER_2002,
}
