"""Excel and Parquet in, Parquet out (the CLI), and the optional-dependency message."""

from __future__ import annotations

import subprocess
import sys

import openpyxl
import pandas as pd
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
