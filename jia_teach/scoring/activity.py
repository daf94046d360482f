"""Disease activity at one visit: JADAS and Wallace inactive disease.

References
----------
.. [1] Consolaro A, Ruperto N, Bazso A, et al. Development and validation of a
   composite disease activity score for juvenile idiopathic arthritis.
   *Arthritis Rheum* 2009;61:658-66.
.. [2] Wallace CA, Ruperto N, Giannini E. Preliminary criteria for clinical
   remission for select categories of juvenile idiopathic arthritis.
   *J Rheumatol* 2004;31:2290-4; revised 2011 (adds morning stiffness
   <= 15 minutes).

Notes
-----
JADAS cut-off sets (Consolaro 2014, Backstrom, Trincianti 2021) differ between
publications, and a cut-off must be a named, cited choice, never a bare number.
None is applied (:data:`NO_CUTOFF_NOTE` says why and names the one set the
evidence sheet records, as an example).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from jia_teach.rules.coreset import variable
from jia_teach.rules.errors import InvalidValueError
from jia_teach.scoring.cells import raise_first

if TYPE_CHECKING:
    from numpy.typing import ArrayLike, NDArray

__all__ = [
    "INACTIVE_ITEMS",
    "NO_CUTOFF_NOTE",
    "SYSTEMIC_JADAS_NOTE",
    "SYSTEMIC_JADAS_SHORT",
    "cjadas",
    "inactive_disease",
    "inactive_disease_items",
    "jadas",
    "jadas_text",
    "markers_normal",
    "normalised_esr",
]

#: Why no disease-activity cut-off is applied to a JADAS, in one sentence every view shows.
NO_CUTOFF_NOTE = (
    "No JADAS cut-off set is applied: the published sets differ (Consolaro 2014, Backstrom, "
    "Trincianti 2021), and a cut-off set is a named, cited choice, never a bare number. One named "
    "set, from the canakinumab long-term extension report (Ruperto 2018, Table 1), is high "
    "disease activity > 10.5, low <= 3.8, clinically inactive <= 1; the evidence sheet does not "
    "say which JADAS version it was used with, so it is an example, not applied here."
)

#: Why a JADAS for a child with systemic JIA needs a caveat (Tibaldi 2020; evidence sheet).
SYSTEMIC_JADAS_NOTE = (
    "JADAS was validated in non-systemic JIA, and the Trincianti 2021 cut-offs are for "
    "oligoarthritis and RF-negative polyarthritis only. A systemic JADAS (sJADAS, Tibaldi 2020, "
    "Rheumatology 59:3505-14) adds a fifth item for systemic features; its scoring was not "
    "read in its source here, so none is computed: read a JADAS of a child with systemic JIA "
    "as the joints-and-globals part of the picture only."
)
#: The same caveat in one short line, for compact views and slides.
SYSTEMIC_JADAS_SHORT = (
    "JADAS was validated in non-systemic JIA; in systemic JIA it leaves out fever, rash and "
    "serositis (no systemic JADAS computed here)."
)

_JOINT_COUNTS = {"10": 75, "27": 27, "71": 71}


def _checked(values: ArrayLike, name: str, high: float | None = None) -> NDArray:
    """``values`` checked against the core-set variable's range (from
    :mod:`jia_teach.rules.coreset`)."""
    v = variable(name)
    top = v.high if high is None else high
    allowed = v.allowed if high is None else f"whole numbers {v.low:g} to {top:g} {v.unit}"
    return _array(values, name, v.low, top, allowed)


def _array(values: ArrayLike, field: str, low: float, high: float, allowed: str) -> NDArray:
    arr = np.atleast_1d(np.asarray(values, dtype=np.float64))
    bad = ~np.isnan(arr) & ((arr < low) | (arr > high))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InvalidValueError(
            f"{arr[i]:g} is out of range", column=field, row=i + 1, allowed=allowed
        )
    return arr


def normalised_esr(esr: ArrayLike) -> NDArray[np.float64]:
    """ESR on JADAS's 0-10 scale: (ESR - 20) / 10, clipped to 0-10.

    Examples
    --------
    >>> normalised_esr([10, 20, 45, 150])
    array([ 0. ,  0. ,  2.5, 10. ])
    """
    arr = _checked(esr, "esr")
    return np.clip((arr - 20.0) / 10.0, 0.0, 10.0)


def jadas(
    physician_global: ArrayLike,
    parent_global: ArrayLike,
    active_joints: ArrayLike,
    esr: ArrayLike | None,
    *,
    joints: str = "10",
) -> NDArray[np.float64]:
    """Juvenile Arthritis Disease Activity Score (Consolaro 2009).

    JADAS = physician global (0-10 cm) + parent global (0-10 cm) + active joint
    count + normalised ESR.

    Parameters
    ----------
    physician_global, parent_global : array_like
        VAS in cm, 0-10.
    active_joints : array_like
        The active joint count *of the version asked for*: for ``"10"`` any
        joint count, capped at 10 (range 0-40); for ``"27"`` a count over the
        27 JADAS joints (0-57); for ``"71"`` a 71-joint count (0-101). A
        JADAS-27 is never approximated by capping a larger count: pass a true
        27-joint count.
    esr : array_like or None
        mm/h; ``None`` gives the clinical JADAS (see :func:`cjadas`).
    joints : {"10", "27", "71"}
        The JADAS version.

    Returns
    -------
    numpy.ndarray
        NaN where any input is missing.

    Examples
    --------
    >>> jadas(3, 2, 14, 40)             # JADAS-10: joints capped at 10
    array([17.])
    >>> jadas(3, 2, 14, 40, joints="71")
    array([21.])
    """
    if joints not in _JOINT_COUNTS:
        raise InvalidValueError(
            f"{joints!r} is not a JADAS version", column="joints", allowed="'10', '27' or '71'"
        )
    top = _JOINT_COUNTS[joints]
    md = _checked(physician_global, "physician_global")
    pa = _checked(parent_global, "parent_global")
    aj = _checked(active_joints, "active_joints", high=top)
    raise_first(
        ~np.isnan(aj) & (aj != np.round(aj)),
        aj,
        "is not a whole number",
        column="active_joints",
        allowed=f"whole numbers 0 to {top} joints",
    )
    if joints == "10":
        aj = np.minimum(aj, 10.0)
    total = md + pa + aj
    if esr is not None:
        total = total + normalised_esr(esr)
    return total


def cjadas(
    physician_global: ArrayLike,
    parent_global: ArrayLike,
    active_joints: ArrayLike,
    *,
    joints: str = "10",
) -> NDArray[np.float64]:
    """Clinical JADAS: JADAS without the ESR term (cJADAS-10 ranges 0-30).

    Examples
    --------
    >>> cjadas([3, 0], [2, 0], [14, 0])
    array([15.,  0.])
    """
    return jadas(physician_global, parent_global, active_joints, None, joints=joints)


def inactive_disease(
    *,
    active_joints: int,
    systemic_features: bool,
    active_uveitis: bool,
    marker_normal: bool | None,
    physician_global: float,
    morning_stiffness_min: float | None = None,
    criteria: str = "2011",
) -> bool | None:
    """Clinically inactive disease (Wallace 2004; 2011 revision).

    All must hold: no joints with active arthritis; no fever, rash,
    serositis, splenomegaly or generalised lymphadenopathy attributable to
    JIA (``systemic_features`` False); no active uveitis; a normal ESR or CRP,
    and if both are tested both must be normal (``marker_normal`` True; see
    :func:`markers_normal`, which applies that rule; None when neither marker
    was tested); the physician global at the best possible score (0 cm). The
    2011 revision adds morning stiffness of at most 15 minutes.

    Returns
    -------
    bool or None
        False when any known item fails. None (unknown) when every known item
        holds and an unknown one could still fail: the markers not tested
        (``marker_normal=None``), or, under the 2011 criteria, morning
        stiffness not recorded.

    Examples
    --------
    >>> inactive_disease(active_joints=0, systemic_features=False, active_uveitis=False,
    ...                  marker_normal=True, physician_global=0, morning_stiffness_min=10)
    True
    >>> inactive_disease(active_joints=0, systemic_features=False, active_uveitis=False,
    ...                  marker_normal=True, physician_global=0.5, morning_stiffness_min=10)
    False
    >>> inactive_disease(active_joints=0, systemic_features=False, active_uveitis=False,
    ...                  marker_normal=True, physician_global=0, morning_stiffness_min=16)
    False
    """
    if criteria not in ("2004", "2011"):
        raise InvalidValueError(
            f"{criteria!r} is not a version", column="criteria", allowed="'2004' or '2011'"
        )
    _checked(active_joints, "active_joints")
    _checked(physician_global, "physician_global")
    met = (
        active_joints == 0
        and not systemic_features
        and not active_uveitis
        and marker_normal is not False
        and physician_global == 0
    )
    if not met:
        return False
    if criteria == "2004":
        return None if marker_normal is None else True
    if morning_stiffness_min is None or marker_normal is None:
        if morning_stiffness_min is not None:
            _array(morning_stiffness_min, "morning_stiffness_min", 0, 24 * 60, "0 to 1440 minutes")
            if morning_stiffness_min > 15:
                return False
        return None
    _array(morning_stiffness_min, "morning_stiffness_min", 0, 24 * 60, "0 to 1440 minutes")
    return bool(morning_stiffness_min <= 15)


def jadas_text(
    physician_global: float | None,
    parent_global: float | None,
    active_joints: float | None,
    esr: float | None,
    *,
    marker: str = "esr",
    joints: str = "10",
) -> tuple[str, str]:
    """One visit's JADAS and cJADAS as a reader should see them, or why they cannot be given.

    Parameters
    ----------
    physician_global, parent_global : float or None
        VAS in cm; None when not recorded.
    active_joints : float or None
        Active joint count of the version asked for (see :func:`jadas`).
    esr : float or None
        mm/h; only used when ``marker`` is ``"esr"``.
    marker : {"esr", "crp"}
        The visit's inflammation marker. JADAS is defined with the ESR; a CRP-based JADAS is
        not on the evidence sheet, so none is computed.
    joints : {"10", "27", "71"}

    Returns
    -------
    (str, str)
        JADAS and cJADAS to one decimal, or a short reason in words.

    Examples
    --------
    >>> jadas_text(3, 2, 14, 40)
    ('17.0', '15.0')
    >>> jadas_text(3, 2, 14, 40, marker="crp")
    ('needs ESR (no CRP-based JADAS on the evidence sheet)', '15.0')
    >>> jadas_text(None, 2, 14, 40)
    ('not computable (a value is missing)', 'not computable (a value is missing)')
    """
    args = (physician_global, parent_global, active_joints)
    if any(x is None for x in args):
        missing = "not computable (a value is missing)"
        return missing, missing
    try:
        c = f"{cjadas(*args, joints=joints)[0]:.1f}"
        if marker != "esr":
            j = "needs ESR (no CRP-based JADAS on the evidence sheet)"
        elif esr is None:
            j = "not computable (ESR missing)"
        else:
            j = f"{jadas(*args, esr, joints=joints)[0]:.1f}"
    except InvalidValueError as exc:
        why = f"not computable ({exc.problem})"
        return why, why
    return j, c


#: The items of clinically inactive disease (Wallace 2004; 2011 revision), in order.
INACTIVE_ITEMS: tuple[tuple[str, str], ...] = (
    ("no_active_joints", "no joints with active arthritis"),
    (
        "no_systemic",
        "no fever, rash, serositis, splenomegaly or generalised lymphadenopathy due to JIA",
    ),
    ("no_uveitis", "no active uveitis (2011: as defined by the SUN working group)"),
    (
        "marker_normal",
        "normal ESR or CRP (if both are tested, both must be normal; 2011: or, if elevated, "
        "not attributable to JIA)",
    ),
    ("physician_zero", "physician global at the best possible score (0 cm)"),
    ("stiffness", "morning stiffness <= 15 minutes (2011 revision only)"),
)


def inactive_disease_items(
    *,
    active_joints: int,
    systemic_features: bool,
    active_uveitis: bool,
    marker_normal: bool | None,
    physician_global: float,
    morning_stiffness_min: float | None = None,
) -> dict[str, bool | None]:
    """Each item of inactive disease judged on its own, by :func:`inactive_disease` itself.

    Every item is asked of :func:`inactive_disease` with all the other items held as met,
    so the checklist follows exactly the rule of the verdict. Keys are those of
    :data:`INACTIVE_ITEMS`; ``"stiffness"`` is the 2011 item (None when not recorded).

    Examples
    --------
    >>> items = inactive_disease_items(active_joints=1, systemic_features=False,
    ...     active_uveitis=False, marker_normal=True, physician_global=0.0,
    ...     morning_stiffness_min=None)
    >>> items["no_active_joints"], items["physician_zero"], items["stiffness"]
    (False, True, None)
    """
    ok: dict[str, object] = {
        "active_joints": 0,
        "systemic_features": False,
        "active_uveitis": False,
        "marker_normal": True,
        "physician_global": 0.0,
    }

    def one(**change: object) -> bool | None:
        return inactive_disease(**{**ok, **change}, criteria="2004")  # type: ignore[arg-type]

    return {
        "no_active_joints": one(active_joints=active_joints),
        "no_systemic": one(systemic_features=systemic_features),
        "no_uveitis": one(active_uveitis=active_uveitis),
        "marker_normal": one(marker_normal=marker_normal),
        "physician_zero": one(physician_global=physician_global),
        "stiffness": inactive_disease(
            **ok,  # type: ignore[arg-type]
            morning_stiffness_min=morning_stiffness_min,
            criteria="2011",
        ),
    }


def markers_normal(esr_normal: bool | None = None, crp_normal: bool | None = None) -> bool | None:
    """Wallace 2004's marker item: "normal ESR or CRP (if both are tested, both must be normal)".

    Parameters
    ----------
    esr_normal, crp_normal : bool or None
        Whether each marker was within the laboratory's normal range; None when not tested.

    Returns
    -------
    bool or None
        One tested: its result. Both tested: both must be normal. Neither tested: None
        (unknown: the item cannot be judged).

    Examples
    --------
    >>> markers_normal(crp_normal=True)
    True
    >>> markers_normal(esr_normal=False, crp_normal=True)  # both tested: both must be normal
    False
    >>> markers_normal() is None
    True
    """
    tested = [v for v in (esr_normal, crp_normal) if v is not None]
    if not tested:
        return None
    return all(bool(v) for v in tested)
