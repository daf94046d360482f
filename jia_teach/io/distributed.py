"""Scoring beyond one machine's memory, on an existing engine: Dask, or Parquet part by part.

Rows are independent, so the same vectorised core (:func:`jia_teach.score`)
runs on each partition; there is no second implementation of any rule.

Dask::

    import dask.dataframe as dd
    import jia_teach
    from jia_teach.io.distributed import score_meta

    ddf = dd.read_parquet("registry/")                  # or dd.from_pandas(df, npartitions=8)
    scored = ddf.map_partitions(jia_teach.score, meta=score_meta(ddf))
    scored.to_parquet("scored/")                        # or .compute()

Dask turns text columns into ``string[pyarrow]`` by default; the decisions
are the same either way, and with ``dask.config.set({"dataframe.convert-string":
False})`` the whole frame is identical to ``score(df)`` (tested).

:func:`score_meta` builds the empty frame Dask needs to know the output
columns and types without computing anything (it scores the input's own
empty ``_meta``), and takes the same options as ``score`` (pass them to
both). :func:`score_dask` does the two lines in one call and names the
partition in an error.

A folder of Parquet files (or one large file) is scored by
:func:`score_parquet` ``batch_rows`` rows at a time (a large row group is read
in batches too) into a folder of the same file names: memory stays that of one
batch, whatever the total size or the row groups. It
runs :func:`jia_teach.score_file` on each file (the same reader, writer and
messages as the command line: the file, the global row, the column), and is
all or nothing: the outputs are written into a private folder beside the
destination and appear only when every file is scored
(:func:`jia_teach.io.atomic.atomic_folder`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from jia_teach.rules.errors import JiaInputError, MalformedFileError
from jia_teach.scoring.scorer import score

__all__ = ["score_dask", "score_meta", "score_parquet"]


def score_meta(frame: Any, **options: Any) -> pd.DataFrame:
    """The empty output of :func:`jia_teach.score` for a pandas or Dask frame.

    Parameters
    ----------
    frame : pandas.DataFrame or dask.dataframe.DataFrame
        The input (only its columns and dtypes are used).
    **options
        As for :func:`jia_teach.score`.

    Examples
    --------
    >>> import jia_teach
    >>> t = pd.DataFrame({f"{v}_{s}": pd.Series([], dtype=float)
    ...     for v in ("physician_global", "parent_global", "chaq", "active_joints",
    ...               "lom_joints", "esr") for s in ("baseline", "followup")})
    >>> score_meta(t).dtypes[-7:].astype(str).tolist()
    ['boolean', 'boolean', 'boolean', 'boolean', 'boolean', 'Float64', 'boolean']
    """
    empty = getattr(frame, "_meta", frame).iloc[:0]
    return score(empty, **options)


def _score_partition(
    part: pd.DataFrame, options: dict[str, Any], partition_info: dict | None = None
) -> pd.DataFrame:
    try:
        return score(part, **options)
    except JiaInputError as exc:
        if exc.row is None or partition_info is None:
            raise
        label = part.index[exc.row - 1]
        label = label.item() if hasattr(label, "item") else label
        where = f"partition {partition_info['number']} row {exc.row} (index {label!r})"
        raise JiaInputError(exc.describe(row_label=where)) from None


def score_dask(ddf: Any, **options: Any) -> Any:
    """``ddf.map_partitions(score, meta=score_meta(ddf))``, naming the partition in errors.

    Examples
    --------
    >>> import dask.dataframe as dd
    >>> import jia_teach
    >>> t = pd.DataFrame({"physician_global_baseline": [6.0] * 4,
    ...     "physician_global_followup": [2.0] * 4, "parent_global_baseline": [5.0] * 4,
    ...     "parent_global_followup": [3.0] * 4, "chaq_baseline": [1.5] * 4,
    ...     "chaq_followup": [1.0] * 4, "active_joints_baseline": [12] * 4,
    ...     "active_joints_followup": [3] * 4, "lom_joints_baseline": [10] * 4,
    ...     "lom_joints_followup": [9] * 4, "esr_baseline": [60.0] * 4, "esr_followup": [20.0] * 4})
    >>> out = score_dask(dd.from_pandas(t, npartitions=2)).compute(scheduler="threads")
    >>> out.equals(jia_teach.score(t))
    True
    """
    return ddf.map_partitions(_score_partition, options, meta=score_meta(ddf, **options))


def score_parquet(
    source: str | Path,
    destination: str | Path,
    *,
    force: bool = False,
    batch_rows: int = 65_536,
    **options: Any,
) -> list[Path]:
    """Score a Parquet file, or every ``*.parquet`` file of a folder, a batch at a time.

    Parameters
    ----------
    source : path
        A ``.parquet`` file or a folder of them (sorted by name; not recursive).
    destination : path
        A folder (made if missing); each output has its input's file name. Nothing is
        written there unless every file is scored.
    force : bool
        Replace existing output files.
    batch_rows : int
        Rows read, scored and written at a time, however large the row groups (memory is
        about one batch). Each output row group holds one batch (fewer rows at the end of an
        input row group).
    **options
        As for :func:`jia_teach.score`.

    Returns
    -------
    list of Path
        The files written.

    Examples
    --------
    >>> import tempfile
    >>> t = pd.DataFrame({f"{v}_{s}": [1.0, 2.0]
    ...     for v in ("physician_global", "parent_global", "chaq", "active_joints",
    ...               "lom_joints", "esr") for s in ("baseline", "followup")})
    >>> folder = Path(tempfile.mkdtemp())
    >>> t.to_parquet(folder / "part-0.parquet")
    >>> [p.name for p in score_parquet(folder, folder / "scored")]
    ['part-0.parquet']
    """
    from jia_teach.io.atomic import atomic_folder
    from jia_teach.io.scorefile import score_file

    src = Path(source)
    if not src.exists():
        raise MalformedFileError(f"{src}: no such file or folder")
    files = sorted(src.glob("*.parquet")) if src.is_dir() else [src]
    if not files:
        raise MalformedFileError(f"{src}: no .parquet files in this folder")
    if "definitions" in options:
        raise JiaInputError(
            "score_parquet scores with the named criteria only",
            column="definitions",
            allowed="marker, vas_unit, worsening_limit, flare, explain",
        )
    dest = Path(destination)
    names = [path.name for path in files]
    with atomic_folder(dest, names, force=force) as private:
        for path in files:
            score_file(path, private / path.name, chunk_rows=batch_rows, **options)
    return [dest / name for name in names]
