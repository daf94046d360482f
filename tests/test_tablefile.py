"""Excel and Parquet in, Parquet out (the CLI), and the optional-dependency message."""

from __future__ import annotations

import subprocess
import sys

import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import jia_teach
from jia_teach.io.tablefile import MissingDependencyError, require

from .clitools import HEADER, ROWS, one_line, run


def wide() -> pd.DataFrame:
    names = HEADER.split(",")
    rows = [r.split(",") for r in ROWS]
    t = pd.DataFrame(rows, columns=names)
    for c in names[1:-1]:
        t[c] = pd.to_numeric(t[c])
    return t


def test_excel_in_csv_out(tmp_path):
    src = tmp_path / "visits.xlsx"
    wide().to_excel(src, index=False)
    r = run("score", src, "-o", "-")
    assert r.returncode == 0, r.stderr
    out = pd.read_csv(__import__("io").StringIO(r.stdout))
    assert out["acr50"].tolist() == [True, False] and out["patient"].tolist() == ["A", "B"]


def test_excel_errors_name_the_sheet_row(tmp_path):
    src = tmp_path / "visits.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER.split(","))
    ws.append([])  # a blank row 2 is skipped, not counted as data
    ws.append(["A", 6, 2, 5, 3, 1.5, 1, 12, 3, 10, 9, 60, 20, "no"])
    ws.append(["B", 6, 2, 5, 3, 1.5, 9, 12, 3, 10, 9, 60, 20, "no"])
    wb.save(src)
    r = run("score", src, "-o", "-")
    assert r.returncode == 2
    assert "visits.xlsx row 4, column 'chaq_followup': 9 is out of range" in one_line(r)


def test_parquet_in_parquet_out_equals_in_memory(tmp_path):
    src, out = tmp_path / "visits.parquet", tmp_path / "scored.parquet"
    t = wide()
    t.to_parquet(src, index=False)
    r = run("score", src, "-o", out)
    assert r.returncode == 0, r.stderr
    got = pd.read_parquet(out)
    pd.testing.assert_frame_equal(got, jia_teach.score(t), check_dtype=False)


def test_csv_in_parquet_out_keeps_the_text(tmp_path):
    src, out = tmp_path / "visits.csv", tmp_path / "scored.parquet"
    src.write_text("\n".join([HEADER, *ROWS]) + "\n")
    assert run("score", src, "-o", out).returncode == 0
    got = pq.read_table(out).to_pandas()
    assert got["physician_global_baseline"].tolist() == ["6", "5"]  # as written, not 6.0
    assert got["acr50"].tolist() == [True, False]


def test_empty_csv_to_parquet_has_the_columns(tmp_path):
    src, out = tmp_path / "visits.csv", tmp_path / "scored.parquet"
    src.write_text(HEADER + "\n")
    assert run("score", src, "-o", out).returncode == 0
    assert "acr30" in pq.read_table(out).column_names and pq.read_table(out).num_rows == 0


def test_excel_output_is_refused(tmp_path):
    src = tmp_path / "visits.csv"
    src.write_text("\n".join([HEADER, *ROWS]) + "\n")
    r = run("score", src, "-o", tmp_path / "out.xlsx")
    assert r.returncode == 2 and "Excel output is not written" in one_line(r)


@pytest.mark.parametrize(("name", "data"), [("bad.parquet", b"PAR1nope"), ("bad.xlsx", b"PK\x03")])
def test_unreadable_binary_files(tmp_path, name, data):
    (tmp_path / name).write_bytes(data)
    r = run("score", tmp_path / name, "-o", "-")
    assert r.returncode == 2 and "not a readable" in one_line(r)


def test_missing_optional_package_is_named():
    with pytest.raises(MissingDependencyError, match=r"pip install 'jia-teach\[parquet\]'"):
        require("no_such_module_xyz", "parquet", "reading Parquet files")


def test_missing_pyarrow_in_a_real_process(tmp_path):
    """With pyarrow hidden, a Parquet input gives the install line, not an ImportError."""
    src = tmp_path / "v.parquet"
    wide().to_parquet(src)
    code = (
        "import sys; sys.modules['pyarrow'] = None; sys.modules['pyarrow.parquet'] = None\n"
        "from jia_teach.cli import main\n"
        f"sys.exit(main(['score', {str(src)!r}, '-o', '-']))\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert r.returncode == 2
    assert "pip install 'jia-teach[parquet]'" in one_line(r)


def test_verbatim_records_are_the_writer_output(tmp_path):
    """Writing a plain block's records as they are gives the bytes the CSV writer gives for its
    parsed values (issue 21); a value that needs escaping or quoting takes the writer's path."""
    import io

    from jia_teach.io.csvwrite import CsvTableWriter
    from jia_teach.io.tablefile import open_source

    decisions = pd.DataFrame({"acr30": pd.array([True, None, False], dtype="boolean")})
    cases = {  # text: verbatim with escaping on, off
        "a,b\nx,1.0\n2015-01-02,b c\ny,7": (True, True),
        "a,b\nx,-1\n2,3\n4,5\n": (False, True),  # a formula-like start: escaped unless a number
        "a,b\nx ,1\n2,3\n4,5\n": (False, False),  # a space at an edge: quoted
        "a,b\n=x,1\n2,3\n4,5\n": (False, True),
    }
    for text, verbatim in cases.items():
        path = tmp_path / "v.csv"
        path.write_text(text)
        for escape in (True, False):
            chunk = next(iter(open_source(path).chunks()))
            outs = []
            for force_generic in (False, True):
                out = io.BytesIO()
                w = CsvTableWriter(out, ["a", "b", "acr30"], escape=escape)
                if force_generic:
                    w.write(chunk.texts(["a", "b"]), decisions)
                else:
                    assert w.verbatim(chunk.text_facts(",")) == verbatim[not escape]
                    w.write_chunk(chunk, ["a", "b"], decisions)
                w.close()
                outs.append(out.getvalue())
            assert outs[0] == outs[1], (text, escape)


def test_parquet_row_groups_are_read_in_bounded_batches(tmp_path):
    """A row group larger than a chunk is read ``chunk_rows`` rows at a time (issue 21: memory
    is one batch, not one row group), with the file's global row numbers as labels."""
    from jia_teach.io.parquetfile import ParquetFile

    src = tmp_path / "visits.parquet"
    t = pd.concat([wide()] * 6, ignore_index=True)  # 12 rows
    pq.write_table(pa.Table.from_pandas(t, preserve_index=False), src, row_group_size=7)
    reader = ParquetFile(src, chunk_rows=3)
    try:
        chunks = list(reader.chunks())
    finally:
        reader.close()
    assert [len(c.labels) for c in chunks] == [3, 3, 1, 3, 2]  # groups of 7 and 5
    assert [int(x) for c in chunks for x in c.labels] == list(range(1, 13))
    assert reader.progress() == (12, 12)


def test_parquet_error_names_the_global_row_in_a_later_batch(tmp_path):
    """A bad value in the second batch of the second row group is named by its file row, and
    ``score_parquet`` then writes nothing."""
    src = tmp_path / "in"
    src.mkdir()
    t = pd.concat([wide()] * 6, ignore_index=True)
    t.loc[10, "chaq_followup"] = 9.0  # file row 11: group 2 (rows 8-12), its second batch
    table = pa.Table.from_pandas(t, preserve_index=False)
    pq.write_table(table, src / "v.parquet", row_group_size=7)
    with pytest.raises(jia_teach.JiaInputError, match=r"v\.parquet row 11, column 'chaq_followup'"):
        jia_teach.score_parquet(src, tmp_path / "out", batch_rows=3)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_parquet_reading_memory_is_bounded_by_the_batch_not_the_row_group(tmp_path):
    """One 1 M-row row group (64 MB of values) is read in batches: Arrow's peak allocation in
    a fresh process stays well under the group's size (reading it whole took 77 MB)."""
    import numpy as np

    src = tmp_path / "one-group.parquet"
    rng = np.random.default_rng(0)
    n = 1_000_000
    table = pa.table({f"c{i}": rng.integers(0, 101, n) / 10 for i in range(8)})
    pq.write_table(table, src, row_group_size=n)
    code = (
        "import sys, pyarrow as pa\nfrom pathlib import Path\n"
        "from jia_teach.io.parquetfile import ParquetFile\n"
        "rows = sum(len(c.labels) for c in ParquetFile(Path(sys.argv[1])).chunks())\n"
        "print(rows, pa.default_memory_pool().max_memory())\n"
    )
    r = subprocess.run(
        [sys.executable, "-c", code, str(src)], capture_output=True, text=True, check=False
    )
    assert r.returncode == 0, r.stderr
    rows, peak = map(int, r.stdout.split())
    assert rows == n and peak < table.nbytes / 2, peak
