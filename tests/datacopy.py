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
