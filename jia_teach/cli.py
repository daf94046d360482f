"""Command line: ``jia-teach score visits.csv -o scored.csv``.

User errors (a bad column, value or file) exit with status 2 and one line on
stderr naming the file line, the column and the allowed range; no traceback.
The input file is never modified, and an existing output file is replaced
only with ``--force``.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path

import pandas as pd

from .definitions import FLARE_PRESETS
from .errors import JiaInputError, MalformedFileError, OutputExistsError

__all__ = ["main"]

EXIT_USER_ERROR = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jia-teach",
        description="Score JIA core-set visits against the JIA ACR Pedi, adapted and flare "
        "criteria.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser(
        "score",
        help="score a CSV of visits (one row per patient and comparison)",
        description="Columns: <variable>_baseline and <variable>_followup for physician_global, "
        "parent_global (VAS), chaq, active_joints, lom_joints and esr or crp; optional "
        "fever_followup (true/false/yes/no/1/0, blank = unknown). Other columns are copied.",
    )
    s.add_argument("input", type=Path, help="CSV file of visits")
    s.add_argument(
        "-o", "--output", required=True, help="output CSV path, or - for standard output"
    )
    s.add_argument("--marker", choices=("esr", "crp"), help="needed when both are present")
    s.add_argument(
        "--vas-unit",
        choices=("cm", "mm"),
        default="cm",
        help="unit of the global assessments (default cm; never guessed)",
    )
    s.add_argument(
        "--worsening-limit",
        type=float,
        default=30.0,
        help="percent worse that counts as worsening (default 30)",
    )
    s.add_argument("--flare", choices=sorted(FLARE_PRESETS), default="trial")
    s.add_argument("--force", action="store_true", help="replace an existing output file")
    return parser


def _read_csv(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise MalformedFileError(f"{path}: no such file")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise MalformedFileError(
            f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})"
        ) from None
    if not text.strip():
        raise MalformedFileError(f"{path}: the file is empty")
    rows = list(csv.reader(io.StringIO(text)))
    width = len(rows[0])
    for number, row in enumerate(rows[1:], start=2):
        if row and len(row) != width:
            raise MalformedFileError(
                f"{path} line {number}: {len(row)} fields where the header has {width}"
            )
    try:
        # Everything as text: score() decides what is a number and says where it is not.
        return pd.read_csv(
            io.StringIO(text), dtype=str, keep_default_na=False, skipinitialspace=True
        )
    except (pd.errors.ParserError, csv.Error) as exc:
        raise MalformedFileError(f"{path}: not a readable CSV ({exc})") from None


def _score(args: argparse.Namespace) -> int:
    from .scoring import score

    to_stdout = args.output == "-"
    out = None if to_stdout else Path(args.output)
    if out is not None:
        if out.exists() and out.resolve() == args.input.resolve():
            raise OutputExistsError(f"refusing to overwrite the input file {args.input}")
        if out.exists() and not args.force:
            raise OutputExistsError(f"{out} exists; use --force to replace it")
    table = _read_csv(args.input)
    try:
        scored = score(
            table,
            marker=args.marker,
            vas_unit=args.vas_unit,
            worsening_limit=args.worsening_limit,
            flare=FLARE_PRESETS[args.flare],
        )
    except JiaInputError as exc:
        if exc.row is not None:
            label = f"{args.input} line {exc.row + 1} (data row {exc.row})"
        else:
            label = str(args.input)
        raise JiaInputError(
            exc.describe(row_label=label) if exc.row is not None else f"{label}: {exc}"
        ) from None
    if to_stdout:
        scored.to_csv(sys.stdout, index=False)
    else:
        tmp = out.with_name(out.name + ".partial")
        scored.to_csv(tmp, index=False)
        tmp.replace(out)
        print(f"scored {len(scored)} rows -> {out}", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``jia-teach`` console script."""
    args = _parser().parse_args(argv)
    try:
        return _score(args)
    except JiaInputError as exc:
        print(f"jia-teach: error: {exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    except OSError as exc:
        print(f"jia-teach: error: {exc.filename or ''}: {exc.strerror}", file=sys.stderr)
        return EXIT_USER_ERROR


if __name__ == "__main__":
    sys.exit(main())
