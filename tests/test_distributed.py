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
