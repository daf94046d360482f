"""Refit the simulated-cohort parameters in data/cohort_fit.csv.

Same as ``python -m jia_teach.cohort --refit``; pass ``--dry-run`` to print without writing.
The fit is deterministic (fixed seed, common random numbers): rerunning it on unchanged
data/trial_outcomes.csv and data/baseline.csv reproduces the file except for ``fit_date``.
"""

from __future__ import annotations

import sys

from jia_teach.cohort import main

if __name__ == "__main__":
    raise SystemExit(main(["--refit", *sys.argv[1:]]))
