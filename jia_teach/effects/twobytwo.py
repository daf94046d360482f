"""The four counts of a two-arm comparison, checked in one place for every measure.

Every function that takes ``treated_events, treated_total, control_events, control_total``
(:func:`~jia_teach.effects.compare_arms`, the Bayesian re-analysis, the fragility index, an
informed prior, Bucher's indirect comparison) checks them with :meth:`TwoByTwo.checked`, and the
results that repeat them (:class:`~jia_teach.effects.ArmComparison`,
:class:`~jia_teach.appraisal.bayes.BayesianReanalysis`,
:class:`~jia_teach.appraisal.fragility.FragilityResult`) are a :class:`TwoByTwo` with more
fields, so the counts have one definition, one check and one wording of their errors.

Examples
--------
>>> counts = TwoByTwo.checked(64, 75, 9, 37)
>>> counts
TwoByTwo(treated_events=64, treated_total=75, control_events=9, control_total=37)
>>> counts.as_tuple()
(64, 75, 9, 37)
>>> counts.as_kwargs()["control_total"]
37
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from jia_teach.effects._checks import whole

__all__ = ["TwoByTwo"]


@dataclass(frozen=True)
class TwoByTwo:
    """Children with the event and children in each arm, the treated arm before the control.

    Attributes
    ----------
    treated_events, treated_total, control_events, control_total : int
    """

    treated_events: int
    treated_total: int
    control_events: int
    control_total: int

    @staticmethod
    def checked(*counts: object, most: int | None = None, name: str = "") -> TwoByTwo:
        """The counts as whole numbers, or an error naming the first one that is not.

        Parameters
        ----------
        *counts : int
            ``treated_events, treated_total, control_events, control_total``, in that order
            (``64.0`` is accepted as ``64``; ``True`` is not a count).
        most : int, optional
            The largest total accepted (None: no limit).
        name : str, optional
            Put before each field's name in an error (``"A: "`` gives ``'A: treated_total'``).

        Raises
        ------
        jia_teach.rules.errors.InvalidValueError
            A count that is not a whole number, a total below 1 (or above ``most``), or events
            outside 0 to their arm's total.

        Examples
        --------
        >>> TwoByTwo.checked(80, 75, 9, 37)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        jia_teach.rules.errors.InvalidValueError: column 'treated_events': 80 is out of range \
(allowed: 0 to 75 (treated_total))
        """
        treated_events, treated_total, control_events, control_total = counts
        n1 = whole(f"{name}treated_total", treated_total, 1, most)
        n2 = whole(f"{name}control_total", control_total, 1, most)
        a = whole(f"{name}treated_events", treated_events, 0, n1, f" ({name}treated_total)")
        c = whole(f"{name}control_events", control_events, 0, n2, f" ({name}control_total)")
        return TwoByTwo(a, n1, c, n2)

    def as_tuple(self) -> tuple[int, int, int, int]:
        """``(treated_events, treated_total, control_events, control_total)``."""
        return (self.treated_events, self.treated_total, self.control_events, self.control_total)

    def as_kwargs(self) -> dict[str, int]:
        """The four counts by name: keyword arguments of the appraisal functions and of the
        results built on the counts."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(TwoByTwo)}
