"""Command line: ``jia-teach targets visits.csv --crp-normal-max 10 -o targets.csv``.

The EULAR/PReS 2024 intermediate targets (:func:`jia_teach.scoring.targets.treat_to_target`)
for a registry export: one row per visit in, one row per patient and checkpoint out (met, not
met or undecided, the window, the visits used and the reason). The promises of ``jia-teach
score`` hold here too, through the same helpers: the input is only read (CSV, Excel or Parquet,
:func:`jia_teach.io.tablefile.open_source`); the output is written atomically; an error is one
line naming the file's true line and the column, with exit status 2.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path
from typing import Any

from jia_teach.rules.errors import JiaInputError

__all__ = ["add_targets_parser", "run_targets"]


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"{text!r} is not an upper limit (allowed: a number > 0)")
    return value


def add_targets_parser(sub: Any) -> None:
    """Register the ``targets`` subcommand on the ``jia-teach`` parser."""
    t = sub.add_parser(
        "targets",
        help="EULAR/PReS 2024 treat-to-target checkpoints per patient (day 7, week 4, "
        "month 3, month 6)",
        description="One row per visit: the patient, the day since the start of treatment (or "
        "a date with --start), fever (yes/no), crp (mg/L), active_joints, gc_mg_kg_day, and "
        "for inactive disease either inactive_disease (yes/no) or systemic_features, "
        "active_uveitis and physician_global (optionally esr). Blank cells are unknown. "
        "Windows: day 7 = days 4-10, week 4 = 21-35, month 3 = 77-105, month 6 = 155-211; "
        "baseline = the visit nearest day 0 in days -14 to 0.",
    )
    t.add_argument("input", type=Path, help="visits: .csv/.txt/.tsv, .xlsx/.xlsm or .parquet")
    t.add_argument("-o", "--output", required=True, help="output .csv or .parquet, or - for CSV")
    t.add_argument(
        "--crp-normal-max",
        type=_positive,
        required=True,
        help="upper limit of normal CRP in mg/L (the laboratory's; no default)",
    )
    t.add_argument(
        "--esr-normal-max", type=_positive, help="upper limit of normal ESR in mm/h (with esr)"
    )
    t.add_argument("--patient", default="id", help="column of patient ids (default id)")
    t.add_argument(
        "--time", default="day", help="column of days since the start of treatment (default day)"
    )
    t.add_argument("--start", help="column of treatment-start dates (then --time holds dates)")
    t.add_argument("--delimiter", help="field separator of a CSV file (e.g. ';')")
    t.add_argument("--force", action="store_true", help="replace an existing output file")


def run_targets(args: argparse.Namespace, helpers: dict[str, Any]) -> int:
    """Read, judge, write; errors are raised as :class:`JiaInputError` with the file line.

    ``helpers`` are ``jia-teach score``'s own (``output``, ``out_kind``, ``relocated``,
    ``delimiter``), passed in by :mod:`jia_teach.cli` so both commands share one behaviour
    without an import cycle.
    """
    _delimiter, _out_kind = helpers["delimiter"], helpers["out_kind"]
    _output, _relocated = helpers["output"], helpers["relocated"]
    from jia_teach.io.atomic import check_output
    from jia_teach.io.tablefile import open_source
    from jia_teach.scoring.inputs import check_unique
    from jia_teach.scoring.targets import treat_to_target

    if args.output != "-":
        _out_kind(args)
        check_output(args.output, force=args.force, inputs=[args.input])
    delimiter = None
    if args.delimiter is not None:
        try:
            delimiter = _delimiter(args.delimiter)
        except argparse.ArgumentTypeError as exc:
            raise JiaInputError(str(exc)) from None
    source = open_source(args.input, delimiter=delimiter)
    try:
        check_unique(source.header)
    except JiaInputError as exc:
        raise _relocated(exc, source.header_where()) from None
    import pandas as pd  # here, not at import: `jia-teach score` starts reading before pandas

    chunks = list(source.chunks())
    parts = [c.frame(source.header) for c in chunks]
    table = (
        pd.concat(parts, ignore_index=True)
        if parts
        else pd.DataFrame({c: pd.Series([], dtype=str) for c in source.header})
    )
    starts = [0]
    for c in chunks:
        starts.append(starts[-1] + len(c))
    try:
        result = treat_to_target(
            table,
            crp_normal_max=args.crp_normal_max,
            esr_normal_max=args.esr_normal_max,
            patient=args.patient,
            time=args.time,
            start=args.start,
        )
    except JiaInputError as exc:
        if exc.row is None or not chunks:
            raise _relocated(exc, source.header_where()) from None
        k = next(i for i in range(len(chunks)) if starts[i + 1] >= exc.row)
        raise _relocated(exc, chunks[k].where(exc.row - starts[k], exc.column)) from None
    kind = _out_kind(args)
    with _output(args) as handle:
        if kind == "parquet":
            from jia_teach.io.parquetfile import ParquetTableWriter

            writer: Any = ParquetTableWriter(handle)
        else:
            from jia_teach.io.csvwrite import CsvTableWriter

            # the one CSV writer: one dialect, formula-like text escaped (issue 20)
            writer = CsvTableWriter(handle, list(result.columns))
        try:
            writer.write_frame(result)
        except BaseException:
            writer.abort()
            raise
        writer.close()
    if args.output != "-":
        print(
            f"judged {result[args.patient].nunique()} patients at 4 checkpoints -> {args.output}",
            file=sys.stderr,
        )
    return 0
