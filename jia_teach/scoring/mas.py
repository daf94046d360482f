"""Macrophage activation syndrome (MAS) classification: the 2016 EULAR/ACR/PRINTO criteria.

The criteria (Ravelli 2016 [1]_, as the evidence sheet and the consensus tables we read quote
them): "A febrile patient with known or suspected systemic juvenile idiopathic arthritis is
classified as having macrophage activation syndrome if the following criteria are met:
Ferritin > 684 ng/mL and any two of the following: platelet count <= 181 x 10^9/L; aspartate
aminotransferase > 48 units/L; triglycerides > 156 mg/dL; fibrinogen <= 360 mg/dL."

Rules (decided on purpose; each is tested)
------------------------------------------
* **Boundaries exactly as printed.** Ferritin 684 is *not* > 684; platelets 181 *do* count
  (<= 181); AST 48 does not count (> 48); triglycerides 156 do not (> 156); fibrinogen 360 does
  (<= 360).
* **Three-valued.** A blank value is unknown. The answer is ``True`` or ``False`` only where
  every possible value of the unknown items gives that answer, otherwise ``<NA>``: ferritin
  685 with platelets 150 and AST 60 is MAS whatever the triglycerides and fibrinogen; ferritin
  685 with one laboratory item met, one unknown and two not met is undecided; ferritin 600 is
  not MAS whatever else is missing.
* **Fever.** The criteria classify a *febrile* patient. A patient recorded as not febrile is
  not classified as having MAS by them (``False``); that is a statement about the criteria,
  not about the child: IL-6 blockade can suppress fever and ferritin in MAS (Shimizu 2020 [2]_
  found the criteria classified 25 % of tocilizumab-treated patients with MAS vs 83.3 % of
  untreated ones, mainly for absent fever or insufficient ferritin elevation).
* **Units.** The criteria are printed in ng/mL, 10^9/L, U/L and mg/dL. Laboratories that
  report triglycerides in mmol/L or fibrinogen in g/L are handled by converting the
  *threshold* into the laboratory's unit, never the patient's value, so a value is compared
  once and exactly:

  - fibrinogen: 360 mg/dL = 3.6 g/L exactly (1 dL = 0.1 L, so g/L = mg/dL / 100);
  - triglycerides: 156 mg/dL = 156 / 88.57 = 1.7613... mmol/L, with 88.57 mg/dL per mmol/L
    (the molar mass of triolein, the reference triglyceride, about 885.7 g/mol: 1 mmol/L =
    885.7 mg/L = 88.57 mg/dL). Conversion tables differ slightly (the JAMA SI table's 0.0113
    mmol/L per mg/dL gives 1.7628 mmol/L); for a laboratory value reported to two decimals
    the choice never changes the answer (1.76 mmol/L is not above either threshold, 1.77 is
    above both), and :data:`TRIGLYCERIDE_MG_DL_PER_MMOL_L` records the factor used.

  Ferritin in µg/L equals ng/mL and platelets in 10^3/µL equal 10^9/L (identical units).

References
----------
.. [1] Ravelli A, Minoia F, Davi S, et al. 2016 Classification criteria for macrophage
   activation syndrome complicating systemic juvenile idiopathic arthritis: a European League
   Against Rheumatism/American College of Rheumatology/Paediatric Rheumatology International
   Trials Organisation collaborative initiative. *Ann Rheum Dis* 2016;75:481-9;
   *Arthritis Rheumatol* 2016;68:566-76.
.. [2] Shimizu M, Mizuta M, Okamoto N, et al. Tocilizumab modifies clinical and laboratory
   features of macrophage activation syndrome complicating systemic juvenile idiopathic
   arthritis. *Pediatr Rheumatol Online J* 2020;18:2.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pandas as pd

from ..rules.errors import InvalidValueError
from .cells import NO, YES, need_columns, raise_first, yes_no_cells

__all__ = [
    "MAS_COLUMNS",
    "MAS_CRITERIA_TEXT",
    "MAS_ITEMS",
    "TRIGLYCERIDE_MG_DL_PER_MMOL_L",
    "classify_mas",
    "mas_thresholds",
]

#: The criteria in words (Ravelli 2016, as quoted on the evidence sheet).
MAS_CRITERIA_TEXT = (
    "A febrile patient with known or suspected systemic JIA is classified as having MAS if "
    "ferritin > 684 ng/mL and any 2 of: platelet count <= 181 x 10^9/L; AST > 48 U/L; "
    "triglycerides > 156 mg/dL; fibrinogen <= 360 mg/dL (Ravelli 2016)."
)

#: mg/dL of triglycerides per mmol/L (triolein, about 885.7 g/mol); see the module notes.
TRIGLYCERIDE_MG_DL_PER_MMOL_L = Fraction("88.57")

#: The columns classify_mas reads.
MAS_COLUMNS = ("febrile", "ferritin", "platelets", "ast", "triglycerides", "fibrinogen")

#: Output item columns: (name, column read, comparison, threshold in the printed unit, words).
MAS_ITEMS: tuple[tuple[str, str, str, int, str], ...] = (
    ("ferritin_above_684", "ferritin", ">", 684, "ferritin > 684 ng/mL"),
    ("platelets_at_most_181", "platelets", "<=", 181, "platelets <= 181 x 10^9/L"),
    ("ast_above_48", "ast", ">", 48, "AST > 48 U/L"),
    ("triglycerides_above_156", "triglycerides", ">", 156, "triglycerides > 156 mg/dL"),
    ("fibrinogen_at_most_360", "fibrinogen", "<=", 360, "fibrinogen <= 360 mg/dL"),
)

_UNITS: dict[str, dict[str, Fraction]] = {
    # unit accepted -> threshold divisor (printed unit per accepted unit)
    "ferritin": {"ng/mL": Fraction(1), "ug/L": Fraction(1)},
    "platelets": {"10^9/L": Fraction(1), "10^3/uL": Fraction(1)},
    "ast": {"U/L": Fraction(1)},
    "triglycerides": {"mg/dL": Fraction(1), "mmol/L": TRIGLYCERIDE_MG_DL_PER_MMOL_L},
    "fibrinogen": {"mg/dL": Fraction(1), "g/L": Fraction(100)},
}
_YES = YES | {"febrile"}
_NO = NO | {"afebrile"}


def mas_thresholds(**units: str) -> dict[str, float]:
    """Each threshold in the laboratory's unit (the exact fraction, as a float).

    Examples
    --------
    >>> mas_thresholds()["fibrinogen"], mas_thresholds(fibrinogen="g/L")["fibrinogen"]
    (360.0, 3.6)
    >>> round(mas_thresholds(triglycerides="mmol/L")["triglycerides"], 4)
    1.7613
    """
    out = {}
    for _name, column, _op, threshold, _text in MAS_ITEMS:
        unit = units.get(column, next(iter(_UNITS[column])))
        if unit not in _UNITS[column]:
            raise InvalidValueError(
                f"{unit!r} is not a unit for {column}",
                column=f"{column}_unit",
                allowed=" or ".join(repr(u) for u in _UNITS[column]),
            )
        out[column] = float(Fraction(threshold) / _UNITS[column][unit])
    return out


def _febrile(values: pd.Series) -> pd.arrays.BooleanArray:
    """Fever as a nullable boolean: True/False, yes/no, 1/0; blank is unknown."""
    if pd.api.types.is_bool_dtype(values.dtype):
        return values.astype("boolean").array
    yes, blank = yes_no_cells(values, "febrile", "fever answer", _YES, _NO)
    result = pd.array(yes, dtype="boolean")
    result[blank] = pd.NA
    return result


def _numbers(values: pd.Series, column: str, unit: str) -> np.ndarray:
    """Non-negative finite numbers; blank is NaN (unknown); anything else an error."""
    if pd.api.types.is_bool_dtype(values.dtype):
        raise InvalidValueError(
            "a yes/no value is not a laboratory result",
            column=column,
            row=1,
            allowed=f"numbers >= 0 in {unit}, or blank",
        )
    if pd.api.types.is_numeric_dtype(values.dtype):
        arr = values.to_numpy(dtype=np.float64, na_value=np.nan)
        bad_text = np.zeros(len(arr), dtype=bool)
    else:
        text = values.astype("string").str.strip()
        blank = text.isna() | (text == "")
        arr = pd.to_numeric(text.where(~blank), errors="coerce").to_numpy(
            dtype=np.float64, na_value=np.nan
        )
        bad_text = (np.isnan(arr) & ~blank.to_numpy(dtype=bool)) | (
            text.str.lower()
            .isin(["nan", "inf", "-inf", "infinity"])
            .to_numpy(dtype=bool, na_value=False)
        )
    raise_first(
        bad_text | np.isinf(arr) | (arr < 0),
        values,
        "is not a laboratory value",
        column=column,
        allowed=f"numbers >= 0 in {unit}, or blank for not measured",
    )
    return arr


def _item(arr: np.ndarray, op: str, threshold: float) -> pd.Series:
    known = ~np.isnan(arr)
    with np.errstate(invalid="ignore"):
        met = arr > threshold if op == ">" else arr <= threshold
    result = pd.array(met, dtype="boolean")
    result[~known] = pd.NA
    return result


def classify_mas(
    table: pd.DataFrame,
    *,
    triglycerides_unit: str = "mg/dL",
    fibrinogen_unit: str = "mg/dL",
    ferritin_unit: str = "ng/mL",
    platelets_unit: str = "10^9/L",
) -> pd.DataFrame:
    """Classify each row (one patient at one time) by the 2016 MAS criteria (Ravelli 2016).

    Parameters
    ----------
    table : pandas.DataFrame
        Columns ``febrile`` (yes/no, true/false, 1/0; blank unknown), ``ferritin``,
        ``platelets``, ``ast`` (U/L), ``triglycerides``, ``fibrinogen``; blank is unknown
        (not measured). Other columns are ignored.
    triglycerides_unit : {"mg/dL", "mmol/L"}
    fibrinogen_unit : {"mg/dL", "g/L"}
    ferritin_unit : {"ng/mL", "ug/L"}
    platelets_unit : {"10^9/L", "10^3/uL"}

    Returns
    -------
    pandas.DataFrame
        With ``table``'s index: ``febrile`` and one nullable boolean per item
        (:data:`MAS_ITEMS`), ``lab_items_met`` and ``lab_items_unknown`` (of the four items
        after ferritin), and ``mas``: True, False, or ``<NA>`` where the missing values could
        decide it either way. ``attrs["criteria"]`` and ``attrs["thresholds"]`` record the rule
        and each threshold in the units used.

    Raises
    ------
    jia_teach.errors.JiaInputError
        One line naming the column, the row (1 = first data row) and what is allowed: a
        missing column, a value that is not a number or is negative, an unknown unit.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"febrile": ["yes", "yes", "yes", "no"],
    ...                   "ferritin": [684, 685, 685, 5000], "platelets": [100, 181, 182, 90],
    ...                   "ast": [90, 48, 49, 200], "triglycerides": [300, None, 100, 400],
    ...                   "fibrinogen": [150, None, 361, 100]})
    >>> classify_mas(t)["mas"].tolist()
    [False, <NA>, False, False]
    >>> classify_mas(t.assign(fibrinogen=[1.5, 3.6, 3.61, 1.0]), fibrinogen_unit="g/L")[
    ...     "fibrinogen_at_most_360"].tolist()
    [True, True, False, True]
    """
    if not isinstance(table, pd.DataFrame):
        raise InvalidValueError(
            f"expected a table (pandas DataFrame), got {type(table).__name__}",
            allowed="a DataFrame with columns " + ", ".join(MAS_COLUMNS),
        )
    need_columns(
        table, MAS_COLUMNS, "columns " + ", ".join(MAS_COLUMNS) + " (blank cells for unmeasured)"
    )
    units = {
        "ferritin": ferritin_unit,
        "platelets": platelets_unit,
        "ast": "U/L",
        "triglycerides": triglycerides_unit,
        "fibrinogen": fibrinogen_unit,
    }
    thresholds = mas_thresholds(**units)
    out = pd.DataFrame(index=table.index)
    out["febrile"] = _febrile(table["febrile"].reset_index(drop=True))
    for name, column, op, _threshold, _text in MAS_ITEMS:
        arr = _numbers(table[column].reset_index(drop=True), column, units[column])
        out[name] = _item(arr, op, thresholds[column])
    labs = out[[m[0] for m in MAS_ITEMS[1:]]]
    met = labs.fillna(False).to_numpy(dtype=bool).sum(axis=1)
    unknown = labs.isna().to_numpy(dtype=bool).sum(axis=1)
    out["lab_items_met"] = pd.array(met, dtype="Int64")
    out["lab_items_unknown"] = pd.array(unknown, dtype="Int64")
    two = pd.array(met >= 2, dtype="boolean")
    two[(met < 2) & (met + unknown >= 2)] = pd.NA
    out["mas"] = out["febrile"] & out["ferritin_above_684"] & pd.Series(two, index=out.index)
    out.attrs["criteria"] = MAS_CRITERIA_TEXT
    shown = {**units, "platelets": f"x {units['platelets']}"}
    out.attrs["thresholds"] = {
        column: f"{'>' if op == '>' else '<='} {thresholds[column]:.6g} {shown[column]}"
        for _n, column, op, _t, _x in MAS_ITEMS
    }
    return out
