"""Score a table of visits: every criterion for every row, vectorised."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from .coreset import Marker
from .criteria import ResponseProfile, meets_flare, percent_improvement
from .definitions import FLARE_TRIAL, LEVELS, FlareDefinition, ResponseDefinition
from .errors import OutputExistsError
from .inputs import VasUnit, read_core_set

__all__ = ["score"]


def _default_definitions(worsening_limit: float) -> dict[str, ResponseDefinition]:
    return {
        f"acr{level}": ResponseDefinition(
            name=f"ACR{level}", level=level, worsening_limit=worsening_limit
        )
        for level in LEVELS
    }


def score(
    table: pd.DataFrame,
    *,
    marker: Marker | None = None,
    vas_unit: VasUnit = "cm",
    worsening_limit: float = 30.0,
    flare: FlareDefinition = FLARE_TRIAL,
    definitions: Mapping[str, ResponseDefinition] | None = None,
) -> pd.DataFrame:
    """Score every row of a wide table of visits.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per patient and comparison, with ``<variable>_baseline`` and
        ``<variable>_followup`` for ``physician_global``, ``parent_global``
        (VAS, cm), ``chaq``, ``active_joints``, ``lom_joints`` and ``esr`` or
        ``crp``; optionally ``fever_followup``. Other columns pass through
        untouched. The table is never modified.
    marker : {"esr", "crp"}, optional
        Which marker columns to use; needed only when both are present.
    vas_unit : {"cm", "mm"}
        Unit of the global assessments in ``table`` (never guessed).
    worsening_limit : float
        The ">30 % worse" limit of the default ACR30-100 definitions.
    flare : FlareDefinition
        Default: the trial-style flare (:data:`~jia_teach.definitions.FLARE_TRIAL`).
    definitions : mapping of column name to ResponseDefinition, optional
        Replace the default ``acr30`` ... ``acr100`` columns by these.

    Returns
    -------
    pandas.DataFrame
        A copy of ``table`` plus ``acr30, acr50, acr70, acr90, acr100``
        (nullable boolean), ``acr_n`` (float), ``flare`` (nullable boolean)
        and, when ``fever_followup`` is present, ``adapted_acr30`` ...
        ``adapted_acr100`` (response and no fever at follow-up). NA means the
        answer depends on a missing value.

    Raises
    ------
    jia_teach.errors.JiaInputError
        A missing or misspelt column, a value that is not a number, out of
        range, or a fractional joint count, naming the column, the row and
        the allowed range; or an output column that already exists in
        ``table`` (it is never overwritten).

    Examples
    --------
    >>> visits = pd.DataFrame({
    ...     "patient": ["A", "B"],
    ...     "physician_global_baseline": [6.0, 5.0], "physician_global_followup": [2.0, 5.5],
    ...     "parent_global_baseline": [5.0, 4.0], "parent_global_followup": [3.0, 4.0],
    ...     "chaq_baseline": [1.5, 1.0], "chaq_followup": [1.0, 1.2],
    ...     "active_joints_baseline": [12, 6], "active_joints_followup": [3, 9],
    ...     "lom_joints_baseline": [10, 4], "lom_joints_followup": [9, 6],
    ...     "esr_baseline": [60.0, 30.0], "esr_followup": [20.0, 45.0],
    ...     "fever_followup": [False, True]})
    >>> out = score(visits)
    >>> out[["patient", "acr30", "acr50", "acr70", "acr_n", "flare", "adapted_acr30"]]
      patient  acr30  acr50  acr70  acr_n  flare  adapted_acr30
    0       A   True   True  False  66.67  False           True
    1       B  False  False  False   0.00   True          False
    """
    defs = dict(definitions) if definitions is not None else _default_definitions(worsening_limit)
    data = read_core_set(table, marker=marker, vas_unit=vas_unit)
    defs = {name: d.replace(marker=data.marker) for name, d in defs.items()}
    fever = data.fever_followup
    outputs = [*defs, "acr_n", "flare"]
    if fever is not None:
        outputs += [f"adapted_{name}" for name in defs]
    clash = [c for c in outputs if c in table.columns]
    if clash:
        raise OutputExistsError(
            "the table already has this column and score() never overwrites input; "
            "rename or drop it first",
            column=clash[0],
        )

    pct = percent_improvement(data.baseline, data.followup)
    profile = ResponseProfile(pct, data.baseline, data.followup)
    result: dict[str, object] = {name: profile.meets(d) for name, d in defs.items()}
    result["acr_n"] = profile.acr_n(worsening_limit=worsening_limit).round(2)
    result["flare"] = meets_flare(
        data.baseline, data.followup, flare.replace(marker=data.marker), pct=pct
    )
    if fever is not None:
        no_fever = ~fever
        for name in defs:
            result[f"adapted_{name}"] = result[name] & no_fever
    new = pd.DataFrame(result, index=table.index)
    return pd.concat([table, new], axis=1)
