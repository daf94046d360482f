"""How a data row reads as text: a trial figure with its status, the claims checked.

:func:`figure_text` is the one wording of a figure (``64/75 (85%) [reported; nejm_2012]``);
:func:`claims_check` sets each claim of the Li & Geskey commentary beside the trial figure;
:func:`pick` is the one-row lookup the tutorials use.

Examples
--------
>>> from jia_teach.data import load_outcomes
>>> row = pick(load_outcomes(), trial="TENDER", arm="tocilizumab", endpoint="acr30_no_fever")
>>> figure_text(row, source=False)
'64/75 (85%)'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from jia_teach.data.labels import ENDPOINT_LABELS
from jia_teach.data.loaders import load_source_claims

__all__ = ["claims_check", "figure_text", "pick"]


def claims_check() -> pd.DataFrame:
    """Show each secondary-source claim beside the trial's own figures.

    For every claim the table gives what the source said, the trial's figure for the endpoint
    the source named, and the trial endpoints whose figure equals the claimed one.

    Parameters
    ----------

    Returns
    -------
    pandas.DataFrame
        Columns ``claim``, ``claimed``, ``trial_figure``, ``figure_belongs_to``, ``verdict``,
        ``explanation``; indexed by ``claim_id``.

    Examples
    --------
    >>> row = claims_check().loc["seed_acr30_85"]
    >>> row["claimed"], row["trial_figure"], row["verdict"]
    ('JIA ACR30: 85%', 'JIA ACR30: 91%', 'mislabelled')
    >>> row["figure_belongs_to"]
    'JIA ACR30 + no fever (TENDER primary)'
    """
    claims = load_source_claims()

    def fmt(endpoint: str, qualifier, value, unit) -> str:
        if pd.isna(value):
            return ""
        q = "" if pd.isna(qualifier) else f"{qualifier} "
        u = "%" if unit == "percent" else f" {unit}" if not pd.isna(unit) else ""
        return f"{ENDPOINT_LABELS[endpoint]}: {q}{value:g}{u}"

    rows = []
    for c in claims.itertuples(index=False):
        belongs = "" if pd.isna(c.value_belongs_to) else c.value_belongs_to
        rows.append(
            {
                "claim_id": c.claim_id,
                "claim": c.claim,
                "claimed": fmt(c.claimed_endpoint, c.claimed_qualifier, c.claimed_value, c.unit),
                "trial_figure": fmt(c.claimed_endpoint, pd.NA, c.trial_value, c.unit),
                "figure_belongs_to": "; ".join(
                    ENDPOINT_LABELS[e.strip()] for e in belongs.split(";") if e.strip()
                ),
                "verdict": c.verdict,
                "explanation": c.explanation,
            }
        )
    return pd.DataFrame(rows).set_index("claim_id").astype("string")


def pick(table: pd.DataFrame, **where: object) -> pd.Series:
    """The one row of ``table`` whose columns equal the values given.

    Raises
    ------
    LookupError
        When no row or more than one row matches, saying how many.

    Examples
    --------
    >>> from jia_teach.data import load_outcomes
    >>> row = pick(load_outcomes(), trial="TENDER", arm="tocilizumab", endpoint="acr30_no_fever")
    >>> int(row["events"]), int(row["total"])
    (64, 75)
    """
    mask = pd.Series(True, index=table.index)
    for column, value in where.items():
        mask &= table[column] == value
    rows = table[mask]
    if len(rows) != 1:
        raise LookupError(f"{len(rows)} rows match {where}")
    return rows.iloc[0]


def _given(value: object) -> bool:
    return value is not None and not pd.isna(value)


def figure_text(row: Mapping[str, Any], *, source: bool = True) -> str:
    """One arm's figure as a reader should see it, with what kind of figure it is.

    An UNCONFIRMED figure is withheld; a Kaplan-Meier percentage says so; a percentage
    without a count says the count is not given. With ``source``, the status and the
    source follow in brackets.

    Parameters
    ----------
    row : mapping
        A row of :func:`load_outcomes` (a Series, or a dict with ``None`` for missing).
    source : bool
        Append ``[status; source]``.

    Examples
    --------
    >>> from jia_teach.data import load_outcomes
    >>> outcomes = load_outcomes()
    >>> figure_text(pick(outcomes, trial="TENDER", arm="placebo", endpoint="acr30_no_fever"),
    ...             source=False)
    '9/37 (24%)'
    >>> figure_text(pick(outcomes, trial="canakinumab-2", arm="placebo", endpoint="flare"),
    ...             source=False)
    '75% (Kaplan-Meier estimate, not a count)'
    """
    if row["status"] == "unconfirmed":
        text = "value withheld (UNCONFIRMED)"
    else:
        events, total, percent = row["events"], row["total"], row["percent"]
        pct = f"{percent:g}%" if _given(percent) else ""
        if _given(events) and _given(total):
            text = f"{events}/{total}" + (f" ({pct})" if pct else "")
        elif _given(events):
            noun = "patient" if events == 1 else "patients"
            text = f"{events} {noun}" + (f" ({pct}; denominator not given)" if pct else "")
        elif _given(total):
            text = f"{pct} of {total} (count not given)"
        elif "kaplan-meier" in str(row["note"] if _given(row["note"]) else "").lower():
            text = f"{pct} (Kaplan-Meier estimate, not a count)"
        else:
            text = f"{pct} (no count given)"
    return f"{text} [{row['status']}; {row['source']}]" if source else text
