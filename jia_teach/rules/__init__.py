"""The rules: what the published definitions say, with no table library.

* :mod:`~jia_teach.rules.coreset` - the six core-set variables (label, unit, range, step);
* :mod:`~jia_teach.rules.definitions` - response (JIA ACR30-100, adapted) and flare definitions;
* :mod:`~jia_teach.rules.errors` - the error classes every layer raises;
* :mod:`~jia_teach.rules.display` - the text :class:`~jia_teach.rules.display.Table` (and
  caption) any layer may return, rendered as HTML and as plain text.

Nothing here imports numpy or pandas, so a rule can be read (and run) on its own.

Examples
--------
>>> from jia_teach.rules.definitions import ACR30
>>> ACR30.level, ACR30.min_improved
(30.0, 3)
"""
