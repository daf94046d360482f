"""Human labels for the codes in ``data/``: trials, arms, end points and adverse events.

The labels are data: ``data/labels.csv`` (columns ``kind``, ``code``, ``label``, ``colour``,
``note``) declares every trial, arm, end point and adverse-event code once, with its label and,
for a trial, its colour in charts. Adding a trial is adding rows there (and to the trial's own
files); no module names a trial. The data schema (:mod:`jia_teach.data.schema`) accepts exactly
these codes, so a code without a label cannot enter ``data/``; views, figures and notebooks take
their labels from here and never restate them. The tables follow :func:`jia_teach.data.use_data`
(a copied data folder with a trial added is read from that folder). This module also says which
arm is the control.

Examples
--------
>>> trial_label("canakinumab-1"), arm_label("escape")
('Canakinumab trial 1', 'Escape (open-label tocilizumab)')
>>> endpoint_label("acr30_no_fever")
'JIA ACR30 + no fever (TENDER primary)'
>>> event_label("neutrophils_below_1e9_per_l")
'Neutrophils < 1 × 10⁹/L'
>>> arm_role("placebo"), arm_role("tocilizumab"), arm_role("all")
('control', 'treated', 'other')
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Mapping
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from jia_teach.data.location import data_dir, package_data_dir
from jia_teach.rules.errors import DataFileError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "ARM_LABELS",
    "BASELINE_LABELS",
    "CONTROL_ARM",
    "ENDPOINT_LABELS",
    "EVENT_LABELS",
    "NOT_TREATED_ARMS",
    "TRIAL_LABELS",
    "ArmRole",
    "arm_label",
    "arm_role",
    "comparison_label",
    "endpoint_label",
    "event_label",
    "label_frame",
    "trial_colour",
    "trial_label",
]

#: Baseline variables that are not core-set variables, in words (the core-set ones take
#: their plain label from :func:`jia_teach.rules.coreset.variable`).
BASELINE_LABELS: Mapping[str, str] = {
    "age": "Age",
    "disease_duration": "Disease duration",
    "glucocorticoid_dose": "Glucocorticoid dose",
    "fever": "Fever",
    "prior_biologics": "Any prior biologic",
    "prior_anakinra": "Prior anakinra",
}

_KINDS = ("trial", "arm", "endpoint", "event")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")
FILE = "labels.csv"


@lru_cache(maxsize=8)
def _read(folder: str, stamp: tuple[int, int]) -> dict[str, dict[str, tuple[str, str]]]:
    path = Path(folder) / FILE
    out: dict[str, dict[str, tuple[str, str]]] = {k: {} for k in _KINDS}
    try:
        with path.open(newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f))
    except OSError as err:
        raise DataFileError(f"{FILE}: cannot be read ({err.strerror or err})") from None
    header = ["kind", "code", "label", "colour", "note"]
    if not rows or rows[0] != header:
        raise DataFileError(f"{FILE}, line 1: the header must be {','.join(header)}")
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        where = f"{FILE}, line {line}"
        if len(row) != len(header):
            raise DataFileError(f"{where}: {len(row)} fields, expected {len(header)}")
        kind, code, label, colour, _note = (cell.strip() for cell in row)
        if kind not in _KINDS:
            raise DataFileError(
                f"{where}, column 'kind': {kind!r} is not one of {', '.join(_KINDS)}"
            )
        if not _ID.match(code):
            raise DataFileError(
                f"{where}, column 'code': {code!r} is not a code (letters, digits, _ and -)"
            )
        if not label:
            raise DataFileError(f"{where}, column 'label': the label is blank")
        if kind == "trial" and not _COLOUR.match(colour):
            raise DataFileError(f"{where}, column 'colour': a trial needs a colour written #RRGGBB")
        if code in out[kind]:
            raise DataFileError(f"{where}: {kind} {code!r} is listed twice")
        out[kind][code] = (label, colour)
    return out


def _table(kind: str) -> dict[str, tuple[str, str]]:
    folder = data_dir()
    if not (folder / FILE).is_file():
        # A folder holding only some files (a refit written to a scratch folder) uses the
        # package's labels, as it uses the package's sources.
        folder = package_data_dir()
    path = folder / FILE
    try:
        st = path.stat()
        stamp = (st.st_mtime_ns, st.st_size)
    except OSError:
        stamp = (0, 0)
    return _read(str(folder), stamp)[kind]


class _Labels(Mapping[str, str]):
    """The codes of one kind and their labels, read from the current data folder.

    ``words`` names the kind in an error (``"end point"`` for ``endpoint``).
    """

    def __init__(self, kind: str, words: str) -> None:
        self.kind = kind
        self.words = words

    def label(self, code: str) -> str:
        """The display label of ``code``, or a KeyError naming the kind and the known codes.

        Examples
        --------
        >>> TRIAL_LABELS.label("canakinumab-1")
        'Canakinumab trial 1'
        >>> ARM_LABELS.label("none")
        Traceback (most recent call last):
        ...
        KeyError: "unknown arm code 'none'; known: ...
        """
        return self._row(code)[0]

    def colour(self, code: str) -> str:
        """The colour of ``code`` in charts (a trial's; ``''`` for a kind without colours).

        Examples
        --------
        >>> TRIAL_LABELS.colour("TENDER")
        '#0072B2'
        """
        return self._row(code)[1]

    def _row(self, code: str) -> tuple[str, str]:
        table = _table(self.kind)
        try:
            return table[code]
        except KeyError:
            known = ", ".join(table)
            raise KeyError(f"unknown {self.words} code {code!r}; known: {known}") from None

    def __getitem__(self, code: str) -> str:
        return _table(self.kind)[code][0]

    def __iter__(self) -> Iterator[str]:
        return iter(_table(self.kind))

    def __len__(self) -> int:
        return len(_table(self.kind))

    def __repr__(self) -> str:
        return f"<{self.kind} labels from {FILE}: {len(self)} codes>"


#: Trial codes and their display labels (``data/labels.csv``, kind ``trial``).
TRIAL_LABELS = _Labels("trial", "trial")
#: Arm codes and their display labels (``all``: the whole trial or phase, not one arm).
ARM_LABELS = _Labels("arm", "arm")
#: End point codes and their display labels.
ENDPOINT_LABELS = _Labels("endpoint", "end point")
#: Adverse-event codes and their display labels.
EVENT_LABELS = _Labels("event", "adverse-event")

# One lookup, four kinds: ``trial_label("TENDER")`` is ``'TENDER (tocilizumab)'``; an unknown
# code raises a KeyError that names the kind and the known codes.
#: Display label of a trial code.
trial_label = TRIAL_LABELS.label
#: Display label of an arm code.
arm_label = ARM_LABELS.label
#: Display label of an end point code.
endpoint_label = ENDPOINT_LABELS.label
#: Display label of an adverse-event code.
event_label = EVENT_LABELS.label
#: The colour of a trial in charts (``data/labels.csv``), e.g. ``'#0072B2'``.
trial_colour = TRIAL_LABELS.colour

#: The control arm of every randomized comparison in the data.
CONTROL_ARM = "placebo"

#: Arms that are not the treated arm of a two-arm comparison.
NOT_TREATED_ARMS: tuple[str, ...] = (CONTROL_ARM, "all", "escape")


def label_frame() -> pd.DataFrame:
    """Every code of ``data/labels.csv`` with its kind, label and colour (checked on read).

    Examples
    --------
    >>> frame = label_frame()
    >>> frame.loc[frame["code"] == "TENDER", ["kind", "label"]].values.tolist()
    [['trial', 'TENDER (tocilizumab)']]
    """
    import pandas as pd

    rows = [
        {"kind": kind, "code": code, "label": label, "colour": colour}
        for kind in _KINDS
        for code, (label, colour) in _table(kind).items()
    ]
    return pd.DataFrame(rows).astype("string")


ArmRole = Literal["treated", "control", "other"]


def comparison_label(
    trial: str, measure: str, timepoint: str, kind: str = "benefit", *, derived: bool = False
) -> str:
    """The one label of a comparison: trial, end point (or harm) and time point in words.

    ``derived``: the counts behind it were derived, and the label says so
    (:data:`jia_teach.effects.DERIVED_TAG`).

    Examples
    --------
    >>> comparison_label("TENDER", "acr30_no_fever", "week 12")
    'TENDER (tocilizumab): JIA ACR30 + no fever (TENDER primary), week 12'
    >>> comparison_label("TENDER", "infections", "12-week double-blind", kind="harm")
    'TENDER (tocilizumab): Infections, 12-week double-blind'
    """
    from jia_teach.effects import DERIVED_TAG

    what = endpoint_label(measure) if kind == "benefit" else event_label(measure)
    return f"{trial_label(trial)}: {what}, {timepoint}" + (DERIVED_TAG if derived else "")


def arm_role(code: str) -> ArmRole:
    """Whether an arm is the control, a treated arm, or neither (whole trial, escape).

    Examples
    --------
    >>> arm_role("canakinumab")
    'treated'
    """
    arm_label(code)  # unknown codes raise
    if code == CONTROL_ARM:
        return "control"
    return "other" if code in NOT_TREATED_ARMS else "treated"
