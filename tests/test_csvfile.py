"""The block reader finds the same records as Python's csv module, and their true lines.

The reference is the standard library: csv.writer writes random fields (quotes, delimiters,
line breaks inside fields, empty fields), blank lines are put between records, and the
expected physical line of each record is counted by hand from what was written.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jia_teach.io.csvfile import CsvSource
from jia_teach.rules.errors import MalformedFileError

field = st.text(alphabet=st.sampled_from(list('ab1 ,;"\n\r.-é')), max_size=6)


@st.composite
def table(draw):
    width = draw(st.integers(1, 4))
    header = [f"c{i}" for i in range(width)]
    rows = draw(st.lists(st.lists(field, min_size=width, max_size=width), max_size=12))
    ending = draw(st.sampled_from(["\n", "\r\n"]))
    blanks = draw(st.lists(st.integers(0, 2), min_size=len(rows) + 1, max_size=len(rows) + 1))
    return header, rows, ending, blanks


def _cell(text: str) -> str:
    """RFC 4180 quoting: a field with a delimiter, quote or any line break is quoted."""
    if any(c in text for c in ',"\r\n') or text != text.lstrip(" ") or text == "":
        return '"' + text.replace('"', '""') + '"'
    return text


def render(header, rows, ending, blanks):
    """The file's text and the physical line each data record starts on."""
    parts = [",".join(header) + ending]
    lines, line = [], 2
    for i, row in enumerate(rows):
        parts.append(ending * blanks[i])
        line += blanks[i]
        text = ",".join(map(_cell, row)) + ending
        parts.append(text)
        lines.append(line)
        line += text.count("\n") + text.count("\r") - text.count("\r\n")
    parts.append(ending * blanks[-1])
    return "".join(parts), lines


@given(table(), st.sampled_from([1, 7, 16, 64, 1 << 20]))
def test_records_and_lines_match_the_csv_module(tmp_path_factory, t, block):
    header, rows, ending, blanks = t
    text, lines = render(header, rows, ending, blanks)
    path = Path(tmp_path_factory.mktemp("csv")) / "t.csv"
    path.write_bytes(text.encode("utf-8"))
    src = CsvSource(path, block_size=block)
    assert src.header == header
    got_rows, got_lines = [], []
    for b in src.blocks():
        frame = b.frame(header)
        got_rows += frame.astype(object).values.tolist()
        got_lines += b.lines.tolist()
    assert got_rows == rows
    # the writer above is checked against the standard library's reader too
    assert [r for r in csv.reader(io.StringIO(text, newline="")) if r][1:] == rows
    assert got_lines == lines[: len(got_lines)] and len(got_lines) == len(rows)


def test_line_of_a_cell_after_a_quoted_break(tmp_path):
    p = tmp_path / "t.csv"
    p.write_bytes(b'a,b,c\n"x\ny",\r\n"z",2\n')
    with pytest.raises(MalformedFileError, match=r"t.csv line 2: 2 fields where the header has 3"):
        list(CsvSource(p).blocks())
    p.write_bytes(b'a,b,c\n"x\ny","1\n\n2",3\n')
    block = next(CsvSource(p).blocks())
    assert [block.line_of(1, c) for c in ("a", "b", "c")] == [2, 3, 5]


def test_bom_and_lone_carriage_returns(tmp_path):
    p = tmp_path / "mac.csv"
    p.write_bytes(b"\xef\xbb\xbfa,b\r1,2\r\r3,4\r")
    src = CsvSource(p)
    block = next(src.blocks())
    assert src.header == ["a", "b"]
    assert block.lines.tolist() == [2, 4]
    assert block.frame(["a", "b"]).values.tolist() == [["1", "2"], ["3", "4"]]


# --- the plain path: one record per line, counted instead of scanned (issue 21) ----------
plain_field = st.text(alphabet=st.sampled_from(list("ab1 .-=+@é")), max_size=5)


@given(
    st.integers(2, 4).flatmap(
        lambda w: st.lists(st.lists(plain_field, min_size=w, max_size=w), min_size=1, max_size=9)
    ),
    st.integers(0, 8),
    st.sampled_from([0, 1, 2, -1]),
    st.sampled_from([7, 64, 1 << 20]),
)
def test_plain_blocks_name_the_same_line_as_a_scan(tmp_path_factory, rows, bad, change, block):
    """A wrong width (or a blank line) in a quote-free file is refused with its true line, and
    a good file gives every record its line, whichever path a block takes."""
    width = len(rows[0])
    header = [f"c{i}" for i in range(width)]
    lines = [",".join(r) for r in rows]
    bad = min(bad, len(lines) - 1)
    if change == -1:
        lines.insert(bad, "")  # a blank line: skipped, and counted
    elif change:
        lines[bad] = lines[bad] + ",x" * change  # too many fields
        if bad + 1 < len(lines):  # and one too few just after: equal totals
            lines[bad + 1] = lines[bad + 1].rsplit(",", 1)[0]
    text = ",".join(header) + "\n" + "\n".join(lines) + "\n"
    path = Path(tmp_path_factory.mktemp("csv")) / "p.csv"
    path.write_bytes(text.encode("utf-8"))
    expected = None
    for i, line in enumerate(text.splitlines()[1:], start=2):
        n = len(line.split(","))
        if line.strip(" ") and n != width:
            expected = f"p.csv line {i}: {n} field"
            break
    src = CsvSource(path, block_size=block)
    if expected:
        with pytest.raises(MalformedFileError, match=expected):
            for b in src.blocks():
                b.arrow()
        return
    got = []
    for b in src.blocks():
        assert b.arrow().num_rows == len(b)
        got += b.lines.tolist()
    want = [i for i, line in enumerate(text.splitlines()[1:], start=2) if line.strip(" ")]
    assert got == want
