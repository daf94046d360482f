"""Dask map_partitions and Parquet part by part give byte-identical results to score()."""

from __future__ import annotations

import dask
import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest

import jia_teach
from jia_teach.io.distributed import score_dask, score_meta, score_parquet
from jia_teach.rules.errors import JiaInputError

HIGH = {"physician_global": 10, "parent_global": 10, "chaq": 3, "esr": 200}


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    """20,000 seeded random pairs over the whole valid ranges, 3 % of values missing."""
    rng = np.random.default_rng(7)
    n = 20_000
    cols: dict[str, object] = {"patient": [f"P{i:05d}" for i in range(n)]}
    for name in ("physician_global", "parent_global", "chaq", "active_joints", "lom_joints", "esr"):
        for side in ("baseline", "followup"):
            if name in HIGH:
                v = np.round(rng.uniform(0, HIGH[name], n), 1)
            else:
                v = rng.integers(0, 76, n).astype(float)
            v[rng.random(n) < 0.03] = np.nan
            cols[f"{name}_{side}"] = v
    cols["fever_followup"] = pd.array(
        np.where(rng.random(n) < 0.05, None, rng.random(n) < 0.1), dtype="boolean"
    )
    return pd.DataFrame(cols)


def test_meta_matches_a_real_result(table):
    meta = score_meta(table)
    real = jia_teach.score(table.head(50))
    assert list(meta.columns) == list(real.columns)
    assert meta.dtypes.equals(real.dtypes) and len(meta) == 0


def test_dask_map_partitions_is_byte_identical(table):
    # Dask's own text conversion (string[pyarrow]) is switched off, so dtypes can match too
    with dask.config.set({"scheduler": "threads", "dataframe.convert-string": False}):
        ddf = dd.from_pandas(table, npartitions=7)
        direct = ddf.map_partitions(jia_teach.score, meta=score_meta(ddf)).compute()
        helper = score_dask(ddf, explain=True).compute()
    expected = jia_teach.score(table)
    pd.testing.assert_frame_equal(direct, expected, check_exact=True)
    assert direct.to_csv().encode() == expected.to_csv().encode()
    assert helper.to_csv() == jia_teach.score(table, explain=True).to_csv()


def test_dask_error_names_the_partition(table):
    bad = table.copy()
    bad.loc[15_000, "chaq_followup"] = 9.0
    ddf = dd.from_pandas(bad, npartitions=4)
    with pytest.raises(
        JiaInputError, match=r"partition 3 row 1 \(index 15000\), column 'chaq_followup'"
    ):
        score_dask(ddf).compute(scheduler="threads")


def test_parquet_folder_part_by_part_is_byte_identical(table, tmp_path):
    src = tmp_path / "registry"
    src.mkdir()
    parts = [table.iloc[:7_000], table.iloc[7_000:16_000], table.iloc[16_000:]]
    for k, part in enumerate(parts):
        part.to_parquet(src / f"part-{k}.parquet", index=False)
    written = score_parquet(src, tmp_path / "scored", batch_rows=3_000)
    assert [p.name for p in written] == ["part-0.parquet", "part-1.parquet", "part-2.parquet"]
    got = pd.concat([pd.read_parquet(p) for p in written], ignore_index=True)
    expected = jia_teach.score(table.reset_index(drop=True))
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    assert got.to_csv().encode() == expected.to_csv().encode()
    with pytest.raises(JiaInputError, match="exists"):
        score_parquet(src, tmp_path / "scored")


def test_parquet_error_names_file_and_row(table, tmp_path):
    bad = table.head(10).copy()
    bad.loc[7, "esr_followup"] = 999.0
    bad.to_parquet(tmp_path / "x.parquet", index=False)
    with pytest.raises(JiaInputError, match=r"x.parquet row 8, column 'esr_followup'"):
        score_parquet(tmp_path / "x.parquet", tmp_path / "out", batch_rows=4)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.parquet"]  # all or nothing


def test_date_timestamp_dictionary_and_decimal_columns_give_identical_results(tmp_path):
    """Issue 21: score_parquet crashed on a date column (the output schema came from an empty
    frame). The output schema now comes from a scored chunk; the CLI, score_parquet and Dask
    agree, and the input columns keep their Parquet types."""
    import datetime as dt
    import decimal
    import subprocess
    import sys
    from pathlib import Path

    import pyarrow as pa
    import pyarrow.parquet as pq

    n = 300
    rng = np.random.default_rng(3)
    cols = {
        "visit_date": pa.array(
            [dt.date(2024, 1, 1) + dt.timedelta(days=int(d)) for d in rng.integers(0, 400, n)],
            pa.date32(),
        ),
        "recorded_at": pa.array(pd.date_range("2024-01-01", periods=n, freq="h", tz="UTC")),
        "site": pa.array(rng.choice(["Genova", "Toronto"], n)).dictionary_encode(),
        "weight_kg": pa.array(
            [decimal.Decimal(f"{w:.1f}") for w in rng.uniform(10, 60, n)], pa.decimal128(5, 1)
        ),
    }
    for name in ("physician_global", "parent_global", "chaq", "active_joints", "lom_joints", "esr"):
        for side in ("baseline", "followup"):
            high = HIGH.get(name, 75)
            v = np.round(rng.uniform(0, high, n), 0 if high == 75 else 1)
            if name == "chaq":
                cols[f"{name}_{side}"] = pa.array(
                    [decimal.Decimal(f"{x:.2f}") for x in v], pa.decimal128(4, 2)
                )
            else:
                cols[f"{name}_{side}"] = pa.array(v)
    src = tmp_path / "registry"
    src.mkdir()
    table = pa.table(cols)
    pq.write_table(table, src / "part-0.parquet", row_group_size=128)

    [written] = score_parquet(src, tmp_path / "scored", batch_rows=100)
    cli_out = tmp_path / "cli.parquet"
    exe = Path(sys.executable).with_name("jia-teach")
    r = subprocess.run([exe, "score", src / "part-0.parquet", "-o", cli_out],
                       capture_output=True, text=True, check=False)  # fmt: skip
    assert r.returncode == 0, r.stderr
    with dask.config.set({"dataframe.convert-string": False}):
        ddf = dd.read_parquet(src / "part-0.parquet")
        via_dask = score_dask(ddf).compute(scheduler="threads").reset_index(drop=True)
    expected = jia_teach.score(pd.read_parquet(src / "part-0.parquet"))
    added = list(score_meta(expected.iloc[:, : len(cols)]).columns[len(cols) :])
    for got in (pd.read_parquet(written), pd.read_parquet(cli_out), via_dask):
        pd.testing.assert_frame_equal(
            got[added].reset_index(drop=True), expected[added], check_exact=True
        )
    for path in (written, cli_out):
        schema = pq.read_schema(path)
        for name in cols:
            assert schema.field(name).type == table.schema.field(name).type, name
    assert pd.read_parquet(written)["visit_date"].tolist() == table["visit_date"].to_pylist()
