"""The display objects of the views: :class:`Table` and :class:`Caption`.

Defined once in :mod:`jia_teach.rules.display` (they hold text only, so the appraisal layer can
return a :class:`Table` too); shown here under the name the views and notebooks import.

Examples
--------
>>> Table(("Arm",), (("Placebo",),)).rows
(('Placebo',),)
"""

from jia_teach.rules.display import Caption, Table

__all__ = ["Caption", "Table"]
