"""Random bytes and random CSV shapes: the CLI says 0 or 2, never a traceback, input untouched.

hypothesis drives ``jia_teach.cli.main`` in this process (a new interpreter per example would
take a second each); the console script itself is exercised by the other CLI tests. An
unexpected exception inside ``main`` is reported as status 70, so a bug fails the test.
"""

from __future__ import annotations

import contextlib
import io
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from jia_teach.cli import main
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
def csv_shape(draw) -> bytes:
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
    return data


def run_cli(data: bytes, *extra: str) -> tuple[int, str]:
    with tempfile.TemporaryDirectory() as folder:
        src = Path(folder) / "in.csv"
        src.write_bytes(data)
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            code = main(["score", str(src), "-o", str(Path(folder) / "out.csv"), *extra])
        assert src.read_bytes() == data  # the input is byte-identical afterwards
        left = sorted(p.name for p in Path(folder).iterdir())
        assert left in (["in.csv"], ["in.csv", "out.csv"])  # no temporary file left
        assert (code == 0) == ("out.csv" in left)
    return code, err.getvalue()


@settings(max_examples=150)
@given(st.binary(max_size=300))
def test_random_bytes(data):
    code, err = run_cli(data)
    assert code in (0, 2), err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


@settings(max_examples=150)
@given(csv_shape(), st.sampled_from(EXTRA))
def test_random_csv_shapes(data, extra):
    code, err = run_cli(data, *extra)
    assert code in (0, 2), err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
