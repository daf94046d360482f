"""Score a table of visits: every criterion for every row, vectorised.

The table owns the marker: :func:`~jia_teach.scoring.inputs.read_core_set` resolves
it from the columns (or ``marker=``), and every definition must agree. A
definition written for the other marker (``ACR30.replace(marker="crp")`` on
an ESR table) is refused with a :class:`~jia_teach.rules.errors.JiaInputError`
instead of being scored on the wrong column. The defaults (``acr30`` ...
``acr100`` and, when ``flare`` is not given, the trial-style flare) take the
table's marker.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from jia_teach.rules.coreset import Marker
from jia_teach.rules.definitions import (
    FLARE_PRESETS,
    FLARE_TRIAL,
    LEVELS,
    FlareDefinition,
    ResponseDefinition,
    check_worsening_limit,
)
from jia_teach.rules.errors import JiaInputError, OutputExistsError
from jia_teach.scoring.criteria import ResponseProfile, percent_improvement
from jia_teach.scoring.flare import meets_flare
from jia_teach.scoring.inputs import CoreSetTable, VasUnit, read_core_set

__all__ = ["added_columns", "decisions", "score"]


def _default_definitions(worsening_limit: float, marker: Marker) -> dict[str, ResponseDefinition]:
    return {
        f"acr{level}": ResponseDefinition(
            name=f"ACR{level}", level=level, worsening_limit=worsening_limit, marker=marker
        )
        for level in LEVELS
    }


def _agree(name: str, marker: Marker, table_marker: Marker, kind: str) -> None:
    if marker != table_marker:
        fix = (
            f"{kind}.replace(marker={table_marker!r})"
            if kind == "flare"
            else f"definition.replace(marker={table_marker!r})"
        )
        preset = " or the matching '_crp' preset" if kind != "flare" and marker == "esr" else ""
        raise JiaInputError(
            f"this {kind} definition is for {marker.upper()}, but the table's marker is "
            f"{table_marker.upper()}; the table decides which column is read, so use {fix}"
            + preset,
            column=name,
            allowed=f"definitions with marker={table_marker!r}",
        )


def added_columns(
    definitions: Mapping[str, ResponseDefinition] | None = None,
    *,
    fever: bool,
    explain: bool = False,
) -> list[str]:
    """The names :func:`score` appends, in order (for checks before any row is read).

    Examples
    --------
    >>> added_columns(fever=False)
    ['acr30', 'acr50', 'acr70', 'acr90', 'acr100', 'acr_n', 'flare']
    """
    defs = definitions if definitions is not None else {f"acr{lv}": None for lv in LEVELS}
    names = [*defs, "acr_n", "flare"]
    if fever:
        names += [
            f"adapted_{name}" for name, d in defs.items() if d is None or not d.require_no_fever
        ]
    if explain:
        from jia_teach.scoring.explain import explain_columns

        names += explain_columns(list(defs))
    return names


def _resolve(
    data: CoreSetTable,
    worsening_limit: float,
    flare: FlareDefinition | None,
    definitions: Mapping[str, ResponseDefinition] | None,
) -> tuple[dict[str, ResponseDefinition], FlareDefinition]:
    if definitions is None:
        defs = _default_definitions(worsening_limit, data.marker)
    else:
        defs = dict(definitions)
        for name, d in defs.items():
            _agree(name, d.marker, data.marker, "response")
    if flare is None:
        flare = FLARE_TRIAL.replace(marker=data.marker)
    elif isinstance(flare, str) and flare in FLARE_PRESETS:  # a preset by name, the CLI's words
        flare = FLARE_PRESETS[flare].replace(marker=data.marker)
    elif not isinstance(flare, FlareDefinition):
        raise JiaInputError(
            f"{flare!r} is not a flare definition",
            column="flare",
            allowed="a FlareDefinition (e.g. FLARE_TRIAL) or a preset name: "
            + ", ".join(repr(k) for k in FLARE_PRESETS),
        )
    else:
        _agree("flare", flare.marker, data.marker, "flare")
    return defs, flare


#: Rows decided at a time. A block's (rows, 6) temporaries (6 MB) come back from the
#: allocator block after block, where whole-table ones (48 MB at 1 M rows) are fresh pages every
#: call, which cost more than the arithmetic (benchmarks/README.md). The rules are the same
#: functions either way; the results do not depend on the block size (tests/test_fast_paths.py).
BLOCK_ROWS = 1 << 17


def _decide(
    data: CoreSetTable,
    defs: Mapping[str, ResponseDefinition],
    flare_def: FlareDefinition,
    limit: float,
    block: int,
) -> tuple[np.ndarray, dict[str, object]]:
    """Every decision of every row, ``block`` rows at a time; the last block's percentages."""
    n = len(data)
    fever = data.fever_followup
    verdicts = {name: (np.empty(n, bool), np.empty(n, bool)) for name in [*defs, "flare"]}
    acr = np.empty(n)
    # the sorted positions the decisions read (k-th largest, (m+1)-th smallest), and ACR-N's
    ranks = {3, 1, *(6 - d.min_improved for d in defs.values())}
    ranks.update(d.max_worsened for d in defs.values() if d.max_worsened < 6)
    pct = np.empty((0, 6))
    # The checked columns are copied a block at a time into two buffers refilled block after
    # block (no (n, 6) copy of the table; one block is the whole table's kept arrays).
    buffers = (
        (np.empty((block, 6), order="F"), np.empty((block, 6), order="F")) if n > block else None
    )
    for start in range(0, n, block):
        rows = slice(start, start + block)
        b, f = data.block(start, start + block, out=buffers)
        pct = percent_improvement(b, f, whole=data.whole)
        profile = ResponseProfile(pct, b, f, marker=data.marker, ranks=ranks)
        decided = {
            name: profile.meets(d, None if fever is None else fever[rows])
            for name, d in defs.items()
        }
        decided["flare"] = meets_flare(b, f, flare_def, pct=pct, marker=data.marker)
        for name, verdict in decided.items():
            verdicts[name][0][rows] = verdict.to_numpy(dtype=bool, na_value=False)
            verdicts[name][1][rows] = verdict.isna()
        np.round(profile.acr_n(worsening_limit=limit), 2, out=acr[rows])
    result: dict[str, object] = {
        name: pd.arrays.BooleanArray(values, mask) for name, (values, mask) in verdicts.items()
    }
    # Nullable, like the decisions beside it: an ACR-N that depends on a missing value shows as
    # <NA> in the same table as an undecided criterion, not NaN (issue 19: one way to show "not
    # known"). The mask wraps the block buffer without a copy.
    result["acr_n"] = pd.arrays.FloatingArray(acr, np.isnan(acr))
    result["flare"] = result.pop("flare")  # after acr_n, as documented
    return pct, result


def decisions(
    table: pd.DataFrame,
    *,
    marker: Marker | None = None,
    vas_unit: VasUnit = "cm",
    worsening_limit: float = 30.0,
    flare: FlareDefinition | None = None,
    definitions: Mapping[str, ResponseDefinition] | None = None,
    explain: bool = False,
) -> pd.DataFrame:
    """Only the columns :func:`score` appends, with ``table``'s index.

    Same parameters, checks and errors as :func:`score`, except that a clash
    between an added name and a column of ``table`` is not checked (the
    caller who joins them does that; :func:`score` does).

    Examples
    --------
    >>> t = pd.DataFrame({"physician_global_baseline": [6.0], "physician_global_followup": [2],
    ...     "parent_global_baseline": [5], "parent_global_followup": [3], "chaq_baseline": [1.5],
    ...     "chaq_followup": [1.0], "active_joints_baseline": [12], "active_joints_followup": [3],
    ...     "lom_joints_baseline": [10], "lom_joints_followup": [9], "crp_baseline": [60],
    ...     "crp_followup": [20]})
    >>> decisions(t)
       acr30  acr50  acr70  acr90  acr100  acr_n  flare
    0   True   True  False  False   False  66.67  False
    """
    limit = check_worsening_limit(worsening_limit)
    data = read_core_set(table, marker=marker, vas_unit=vas_unit)
    defs, flare_def = _resolve(data, limit, flare, definitions)
    fever = data.fever_followup
    n = len(table)
    # explain reads the whole table's percentages: one block then
    pct, result = _decide(data, defs, flare_def, limit, max(n, 1) if explain else BLOCK_ROWS)
    if fever is not None:
        no_fever = ~fever
        for name, d in defs.items():
            if not d.require_no_fever:
                result[f"adapted_{name}"] = result[name] & no_fever
    if explain:
        from jia_teach.scoring.explain import explain

        result.update(explain(data, pct, defs, flare_def, result))
    return pd.DataFrame(result, index=table.index, copy=False)  # the arrays are new: no copy


def score(
    table: pd.DataFrame,
    *,
    marker: Marker | None = None,
    vas_unit: VasUnit = "cm",
    worsening_limit: float = 30.0,
    flare: FlareDefinition | None = None,
    definitions: Mapping[str, ResponseDefinition] | None = None,
    explain: bool = False,
) -> pd.DataFrame:
    """Score every row of a wide table of visits.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per patient and comparison, with ``<variable>_baseline`` and
        ``<variable>_followup`` for ``physician_global``, ``parent_global``
        (VAS, cm), ``chaq``, ``active_joints``, ``lom_joints`` and ``esr`` or
        ``crp``; optionally ``fever_followup`` (and ``fever_baseline``, passed
        through, only beside it). Other columns pass through untouched. The
        table is never modified. A long table of visits (one row per visit)
        is paired first by :func:`jia_teach.pair_visits`.
    marker : {"esr", "crp"}, optional
        Which marker columns to use; needed only when both are present. The
        table owns the marker: every definition must be for it.
    vas_unit : {"cm", "mm"}
        Unit of the global assessments in ``table`` (never guessed).
    worsening_limit : float
        The ">30 % worse" limit of the default ACR30-100 definitions and of
        ACR-N; a finite percentage, 0 or more.
    flare : FlareDefinition, optional
        Default: the trial-style flare (:data:`~jia_teach.rules.definitions.FLARE_TRIAL`)
        for the table's marker. A definition given here must be for the
        table's marker.
    definitions : mapping of column name to ResponseDefinition, optional
        Replace the default ``acr30`` ... ``acr100`` columns by these. Each
        must be for the table's marker (``ACR30`` for ESR, the ``_crp``
        presets or ``.replace(marker="crp")`` for CRP). An adapted preset
        (``ADAPTED_ACR30``, no fever at follow-up) needs ``fever_followup``
        and is its own column (no ``adapted_`` copy is added for it).
    explain : bool
        Add the "why" columns of :mod:`jia_teach.scoring.explain`: for each criterion
        a short reason, and for an undecided one the missing values that
        could change it; and ``highest_met``. Vectorised.

    Returns
    -------
    pandas.DataFrame
        A copy of ``table`` plus ``acr30, acr50, acr70, acr90, acr100``
        (nullable boolean), ``acr_n`` (nullable float), ``flare`` (nullable boolean)
        and, when ``fever_followup`` is present, ``adapted_acr30`` ...
        ``adapted_acr100`` (response and no fever at follow-up). NA means the
        answer depends on a missing value.

    Raises
    ------
    jia_teach.rules.errors.JiaInputError
        A missing, doubled or misspelt column, a value that is not a number,
        out of range, or a fractional joint count, naming the column, the row
        and the allowed range; a definition for the other marker; or an
        output column that already exists in ``table`` (it is never
        overwritten).

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
    1       B  False  False  False    0.0   True          False
    """
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"expected a pandas DataFrame, got {type(table).__name__}")
    new = decisions(
        table,
        marker=marker,
        vas_unit=vas_unit,
        worsening_limit=worsening_limit,
        flare=flare,
        definitions=definitions,
        explain=explain,
    )
    clash = [c for c in new.columns if c in table.columns]
    if clash:
        raise OutputExistsError(
            "the table already has this column and score() never overwrites input; "
            "rename or drop it first",
            column=clash[0],
        )
    return pd.concat([table, new], axis=1)
