"""The shipped data files: where they are, what a valid file looks like, and the loaders.

* :mod:`~jia_teach.data.schema` - every file's columns, types, codes and ranges;
* :mod:`~jia_teach.data.validate` - a file checked against its schema (true file lines);
* :mod:`~jia_teach.data.loaders` - the cached, validated tables (``load_outcomes`` ...).

Only :mod:`jia_teach.evidence` (and the simulation's calibration inputs) read these tables:
every other layer asks the evidence layer.

Examples
--------
>>> from jia_teach.data import load_designs
>>> "TENDER" in set(load_designs()["trial"])
True
"""

from jia_teach.data.formatting import claims_check, figure_text, pick
from jia_teach.data.loaders import *  # noqa: F403 - the loaders are this package's API
from jia_teach.data.loaders import __all__

__all__ = [*__all__, "claims_check", "figure_text", "pick"]
