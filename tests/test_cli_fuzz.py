"""Random bytes and random CSV shapes: the CLI says 0 or 2, never a traceback, input untouched,
and every output it writes reads back as what ``score()`` gives for the same rows.

hypothesis drives ``jia_teach.cli.main`` in this process (a new interpreter per example would
take a second each); the console script itself is exercised by the other CLI tests. An
unexpected exception inside ``main`` is reported as status 70, so a bug fails the test.
"""

from __future__ import annotations

import contextlib
import csv
import io
import math
import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

import jia_teach
from jia_teach.cli import main
from jia_teach.io.csvwrite import FORMULA_START
from jia_teach.scoring.inputs import KNOWN_COLUMNS

NAMES = [*KNOWN_COLUMNS, "patient", "fever_follow_up", "chaq_followup ", "", "acr30", "x"]
CELLS = ["", "1", "2.5", "0", "10", "75", "-1", "1e3", "nan", "NA", "yes", "no", '"q"', " 3", "a,b",
         '"a\nb"', "inf", "3.0000001", "\t", "é"]  # fmt: skip


EXTRA = [
    (),
    ("--explain",),
    ("--marker", "crp"),
    ("--long", "--patient", "patient", "--time", "x"),
    ("--long", "--patient", "x", "--time", "patient", "--baseline", "previous"),
]


@st.composite
def csv_shape(draw) -> tuple[bytes, str]:
    header = draw(st.lists(st.sampled_from(NAMES), min_size=0, max_size=16))
    if draw(st.booleans()):  # a plausible table: every core column present once
        header = [*dict.fromkeys([*KNOWN_COLUMNS[:12], *header])]
    rows = draw(
        st.lists(st.lists(st.sampled_from(CELLS), min_size=0, max_size=len(header) + 2), max_size=6)
    )
    sep = draw(st.sampled_from([",", ",", ";", "\t"]))
    end = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    lines = [sep.join(header), *(sep.join(r) for r in rows)]
    if draw(st.booleans()):
        lines.insert(draw(st.integers(0, len(lines))), "")
    text = end.join(lines) + draw(st.sampled_from(["", end]))
    data = text.encode("utf-8")
    if draw(st.booleans()):
        data = b"\xef\xbb\xbf" + data
    return data, sep


def run_cli(data: bytes, *extra: str, sep: str = ",") -> tuple[int, str]:
    with tempfile.TemporaryDirectory() as folder:
        src = Path(folder) / "in.csv"
        src.write_bytes(data)
        args = ["score", str(src), "-o", str(Path(folder) / "out.csv"), "--delimiter", sep]
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            code = main([*args, *extra])
        assert src.read_bytes() == data  # the input is byte-identical afterwards
        left = sorted(p.name for p in Path(folder).iterdir())
        assert left in (["in.csv"], ["in.csv", "out.csv"])  # no temporary file left
        assert (code == 0) == ("out.csv" in left)
        if code == 0 and "--long" not in extra:
            round_trip(data, sep, (Path(folder) / "out.csv").read_text(encoding="utf-8"), extra)
    return code, err.getvalue()


def _escaped(cell: str) -> str:
    if cell[:1] and cell[0] in FORMULA_START:
        try:
            float(cell)
        except ValueError:
            return "'" + cell
    return cell


def round_trip(data: bytes, sep: str, written: str, extra: tuple[str, ...]) -> None:
    """The output, read back by Python's csv module, equals the input cells (formula-like text
    escaped) followed by what score() decides for the same rows."""
    text = data.decode("utf-8").removeprefix("\ufeff")
    rows = [r for r in csv.reader(io.StringIO(text, newline=""), delimiter=sep) if any(
        c.strip(" \t\r") for c in r)]  # fmt: skip
    header, body = rows[0], rows[1:]
    got = list(csv.reader(io.StringIO(written, newline="")))
    assert got[0][: len(header)] == [_escaped(h) for h in header]
    assert len(got) == len(body) + 1
    table = pd.DataFrame(body, columns=header, dtype=str)
    options = {"explain": "--explain" in extra, "marker": "crp" if "crp" in extra else None}
    ref = jia_teach.score(table, **options).iloc[:, len(header) :]
    for k, row in enumerate(got[1:]):
        assert row[: len(header)] == [_escaped(c) for c in body[k]]
        for name, cell in zip(ref.columns, row[len(header) :], strict=True):
            want = ref[name].iloc[k]
            if want is pd.NA or (isinstance(want, float) and math.isnan(want)):
                assert cell == "", (name, cell)
            elif isinstance(want, (bool, float, int)) or hasattr(want, "dtype"):
                assert cell == str(want) or float(cell) == float(want), (name, cell, want)
            else:
                assert cell == _escaped(str(want)), (name, cell, want)


@settings(max_examples=150)
@given(st.binary(max_size=300))
def test_random_bytes(data):
    code, err = run_cli(data)
    assert code in (0, 2), err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


@settings(max_examples=150)
@given(csv_shape(), st.sampled_from(EXTRA))
def test_random_csv_shapes(shape, extra):
    data, sep = shape
    code, err = run_cli(data, *extra, sep=sep)
    assert code in (0, 2), err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


TEXT = ["A", "=1+1", "+cmd", "-3", "@x", "a,b", 'say "hi"', "two\nlines", " lead", "é", ""]


@st.composite
def valid_table(draw) -> tuple[bytes, str]:
    """A table the CLI must score: core columns with values in range, fever, text columns."""
    header = [*KNOWN_COLUMNS[:12], "fever_followup", "note"]
    n = draw(st.integers(1, 8))
    rows = []
    for _ in range(n):
        row = []
        for name in header:
            if name == "note":
                cell = draw(st.sampled_from(TEXT))
            elif name == "fever_followup":
                cell = draw(st.sampled_from(["", "yes", "no", "1", "0", "TRUE"]))
            elif "joints" in name:
                cell = draw(st.sampled_from(["", "0", "3", "12", "75"]))
            else:
                cell = draw(st.sampled_from(["", "0", "1", "2.5", "3", "0.125"]))
            row.append(cell)
        rows.append(row)
    sep = draw(st.sampled_from([",", ";", "\t"]))
    end = draw(st.sampled_from(["\n", "\r\n"]))
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=sep, lineterminator=end).writerows([header, *rows])
    return out.getvalue().encode("utf-8"), sep


@settings(max_examples=60)
@given(valid_table(), st.sampled_from([(), ("--explain",)]))
def test_valid_tables_round_trip(shape, extra):
    data, sep = shape
    code, err = run_cli(data, *extra, sep=sep)
    assert code == 0, err
