"""Edited copies of the data folder, for tests of how the package treats changed data."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

from jia_teach.data import data_dir, use_data

T = TypeVar("T")


def copy_data(tmp_path: Path) -> Path:
    """A private copy of every data/*.csv under ``tmp_path/data``."""
    folder = tmp_path / "data"
    folder.mkdir()
    for f in data_dir().glob("*.csv"):
        shutil.copy(f, folder / f.name)
    return folder


def edit_csv(
    path: Path,
    edit: Callable[[dict[str, str]], dict[str, str]] | None = None,
    extra: Iterable[dict[str, str]] = (),
) -> None:
    """Rewrite a CSV: ``edit`` each row (a dict), then append ``extra`` rows."""
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    fields = list(rows[0])
    rows = [edit(dict(r)) if edit else r for r in rows]
    rows += [{k: r.get(k, "") for k in fields} for r in extra]
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


def read_in(folder: Path, fn: Callable[..., T], *args: object, **kwargs: object) -> T:
    """``fn(*args, **kwargs)`` with every table read from ``folder`` (jia_teach.use_data)."""
    with use_data(folder):
        return fn(*args, **kwargs)


#: The invented trial of the trials-as-data tests (it never leaves a test's tmp_path).
MADE_UP_TRIAL, MADE_UP_DRUG, MADE_UP_SOURCE = "ZETA-1", "zetakinra", "zeta2099"


def add_made_up_trial(folder: Path) -> dict[str, str]:
    """Add an invented trial's labels, source, design (copied from TENDER's) and week-4 JIA
    ACR30 (21/30 vs 6/30) to a copied data folder; return the columns every row of it shares."""
    trial, drug, source = MADE_UP_TRIAL, MADE_UP_DRUG, MADE_UP_SOURCE
    edit_csv(
        folder / "labels.csv",
        extra=[
            {"kind": "trial", "code": trial, "label": "ZETA-1 (zetakinra)", "colour": "#56B4E9"},
            {"kind": "arm", "code": drug, "label": "Zetakinra"},
        ],
    )
    edit_csv(
        folder / "sources.csv",
        extra=[{"source_id": source, "citation": "Invented trial for a test (not a publication)."}],
    )
    one = {"source_id": source, "source": "invented for a test", "trial": trial}
    with (folder / "trial_designs.csv").open(newline="", encoding="utf-8") as fh:
        designs = [{**r, **one} for r in csv.DictReader(fh) if r["trial"] == "TENDER"]
    for r in designs:
        r["arm"] = drug if r["arm"] == "tocilizumab" else r["arm"]
        r["n"] = {"all": "60", drug: "30", "placebo": "30"}[r["arm"]]
    edit_csv(folder / "trial_designs.csv", extra=designs)
    edit_csv(
        folder / "trial_outcomes.csv",
        extra=[
            {**one, "arm": drug, "endpoint": "acr30", "timepoint": "week 4", "events": "21",
             "total": "30", "percent": "70", "status": "reported"},
            {**one, "arm": "placebo", "endpoint": "acr30", "timepoint": "week 4", "events": "6",
             "total": "30", "percent": "20", "status": "reported"},
        ],
    )  # fmt: skip
    return one
