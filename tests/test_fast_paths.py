"""The fast paths of the scoring core give the general path's answers, bit for bit.

Each speed-up of ``jia_teach.scoring.criteria`` (issue 21) is checked against the plain
formula it replaces: the sorting network against ``np.sort``, the column-by-column
percentage (and its whole-number columns, not quantised) against the whole-array
formula, and the decisions that skip the missing-value analysis for settled rows against
the analysis of every row with a gap.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from jia_teach.scoring import criteria, rowsort
from jia_teach.scoring.criteria import at_least_at_most, percent_improvement, quantise
from jia_teach.scoring.rowsort import SORT6
from jia_teach.scoring.rowsort import sorted_rows as _sorted_rows


def test_sort6_sorts_every_zero_one_input():
    """The 0-1 principle: a network that sorts all 2**6 inputs of 0s and 1s sorts every input."""
    for values in itertools.product((0, 1), repeat=6):
        wires = list(values)
        for i, j in SORT6:
            wires[i], wires[j] = min(wires[i], wires[j]), max(wires[i], wires[j])
        assert wires == sorted(values)


def test_sorted_rows_equals_np_sort_across_blocks():
    rng = np.random.default_rng(7)
    n = rowsort._BLOCK * 2 + 123  # two full blocks and a short one
    pct = np.round(rng.normal(0, 60, size=(n, 6)), 2)
    pct[rng.random((n, 6)) < 0.05] = -np.inf
    pct[rng.random((n, 6)) < 0.05] = 30.0
    for order in ("C", "F"):
        got = _sorted_rows(np.asarray(pct, order=order))
        want = np.sort(pct, axis=1)
        assert sorted(got) == list(range(6))
        for j, column in got.items():
            assert np.array_equal(column, want[:, j])
    assert list(_sorted_rows(pct, ranks=(3, 1, 3))) == [1, 3]


def _whole_array_percent(b, f):
    """The formula as it was written before the column kernels (same operations, one pass)."""
    qb, qf = quantise(b), quantise(f)
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = 100.0 * (qb - qf) / qb
    return np.where(qb == 0, np.where(qf > 0, -np.inf, np.where(qf == 0, 0.0, np.nan)), pct)


HIGH = (10, 10, 3, 75, 75, 200)
cell = st.one_of(
    st.integers(0, 200_000_000).map(lambda k: k / 1_000_000),  # to the quantum
    st.floats(0, 200, allow_nan=False),  # anything in range, finer than the quantum too
    st.just(float("nan")),
    st.just(0.0),
)
joint = st.one_of(st.integers(0, 75).map(float), st.just(float("nan")))


@st.composite
def tables(draw):
    n = draw(st.integers(1, 30))
    shape = (n, 6)
    b = draw(hnp.arrays(np.float64, shape, elements=cell))
    f = draw(hnp.arrays(np.float64, shape, elements=cell))
    for j in (3, 4):  # whole numbers, as read_core_set checks the joint counts
        b[:, j] = draw(hnp.arrays(np.float64, n, elements=joint))
        f[:, j] = draw(hnp.arrays(np.float64, n, elements=joint))
    return b, f


@given(tables(), st.sampled_from(("C", "F")))
def test_columns_and_whole_number_columns_match_the_general_path(pair, order):
    b, f = (np.asarray(a, order=order) for a in pair)
    want = _whole_array_percent(b, f)
    general = percent_improvement(b, f)
    fast = percent_improvement(b, f, whole=(3, 4))
    np.testing.assert_array_equal(general, want)
    np.testing.assert_array_equal(fast, want)


counts = st.integers(0, 6)


@st.composite
def count_rows(draw):
    n = draw(st.integers(1, 40))
    good, bad, missing, can_good, can_bad = [], [], [], [], []
    for _ in range(n):
        g = draw(counts)
        b = draw(st.integers(0, 6 - g))
        m = draw(st.integers(0, 6 - g - b))
        good.append(g)
        bad.append(b)
        missing.append(m)
        can_good.append(draw(st.lists(st.booleans(), min_size=6, max_size=6)))
        can_bad.append(draw(st.lists(st.booleans(), min_size=6, max_size=6)))
    gap = np.array([[j < m for j in range(6)] for m in missing])
    arr = [np.array(x, dtype=np.uint8) for x in (good, bad, missing)]
    return (*arr, gap, np.array(can_good), np.array(can_bad))


@given(count_rows(), st.integers(0, 6), st.integers(0, 6))
def test_settled_rows_need_no_missing_value_analysis(rows, k, m):
    good, bad, missing, gap, can_good, can_bad = rows
    got = at_least_at_most(good, bad, missing, k, m, lambda r: (gap[r], can_good[r], can_bad[r]))
    may_good = np.count_nonzero(gap & can_good, axis=1)
    may_bad = np.count_nonzero(gap & can_bad, axis=1)
    want = criteria._three_valued(
        (good >= k) & (bad + may_bad <= m), (good + may_good < k) | (bad > m)
    )
    pd.testing.assert_extension_array_equal(got, want)


def test_every_subset_of_ranks_gives_np_sort_columns():
    """The pruned networks (only the comparators the asked-for ranks depend on) sort too."""
    rng = np.random.default_rng(11)
    pct = rng.integers(-3, 4, size=(500, 6)).astype(float) * 30.0  # many ties
    want = np.sort(pct, axis=1)
    for size in range(1, 7):
        for ranks in itertools.combinations(range(6), size):
            got = _sorted_rows(pct, ranks)
            assert list(got) == list(ranks)
            for j in ranks:
                assert np.array_equal(got[j], want[:, j])


def _random_table(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    cols: dict[str, object] = {}
    for name, high, step in (
        ("physician_global", 10, 0.1),
        ("parent_global", 10, 0.1),
        ("chaq", 3, 0.125),
        ("active_joints", 75, 1),
        ("lom_joints", 75, 1),
        ("esr", 200, 1),
    ):
        for side in ("baseline", "followup"):
            values = np.round(rng.integers(0, int(high / step) + 1, n) * float(step), 6)
            values[rng.random(n) < 0.1] = 0.0
            values[rng.random(n) < 0.08] = np.nan
            cols[f"{name}_{side}"] = values
    cols["fever_followup"] = pd.arrays.BooleanArray(rng.random(n) < 0.2, rng.random(n) < 0.1)
    return pd.DataFrame(cols)


def test_decisions_do_not_depend_on_the_block_size(monkeypatch):
    from jia_teach.scoring import scorer

    table = _random_table(1000, seed=3)
    whole = scorer.decisions(table, explain=True)  # one block (explain needs the whole table)
    for rows in (1, 7, 128, 999, 1000, 4096):
        monkeypatch.setattr(scorer, "BLOCK_ROWS", rows)
        got = scorer.decisions(table)
        pd.testing.assert_frame_equal(got, whole[got.columns])


def test_core_set_blocks_are_the_rows_of_the_whole_arrays():
    """``read_core_set`` keeps the checked columns; blocks and the lazy (n, 6) arrays agree."""
    from jia_teach.rules.coreset import core_set
    from jia_teach.scoring.inputs import read_core_set

    table = _random_table(300, seed=5)
    want = {
        side: np.column_stack([table[f"{v.name}_{side}"] for v in core_set("esr")])
        for side in ("baseline", "followup")
    }
    mm = table.copy()
    mm["active_joints_baseline"] = mm["active_joints_baseline"].astype("Int64")  # NA kept
    for column in ("physician_global", "parent_global"):
        for side in ("baseline", "followup"):
            mm[f"{column}_{side}"] = mm[f"{column}_{side}"] * 10  # millimetres, read back in cm
    data = read_core_set(mm, vas_unit="mm")
    buffers = (np.full((64, 6), -1.0, order="F"), np.full((64, 6), -1.0, order="F"))
    for start in range(0, 300, 64):  # the last block is short
        for got, side in zip(data.block(start, start + 64, out=buffers), want, strict=True):
            np.testing.assert_array_equal(got, want[side][start : start + 64])
    assert len(data) == 300
    np.testing.assert_array_equal(data.baseline, want["baseline"])  # built on first use
    np.testing.assert_array_equal(data.followup, want["followup"])
    assert data.block(0, 300)[0] is data.baseline  # the whole table: the kept arrays


def test_integer_columns_are_checked_and_read_as_their_float_copies():
    """A numpy integer column is kept as it is (a block copies it to float64): same values,
    same first bad cell and message as the float column."""
    from jia_teach.rules.errors import JiaInputError
    from jia_teach.scoring.inputs import read_core_set

    table = _random_table(50, seed=9).drop(columns="fever_followup").fillna(2.0)
    ints = table.copy()
    for column in ("active_joints_baseline", "lom_joints_followup", "esr_followup"):
        ints[column] = ints[column].astype(np.int64)
    for unit in ("cm", "mm"):
        scaled = [t.copy() for t in (table, ints)]
        if unit == "mm":
            for t in scaled:
                t["physician_global_baseline"] = (t["physician_global_baseline"] * 10).round()
            scaled[1]["physician_global_baseline"] = scaled[1]["physician_global_baseline"].astype(
                np.int64
            )
        want, got = (read_core_set(t, vas_unit=unit) for t in scaled)
        np.testing.assert_array_equal(got.baseline, want.baseline)
        np.testing.assert_array_equal(got.followup, want.followup)
    messages = []
    for t in (table.copy(), ints.copy()):
        t.loc[[7, 30], "lom_joints_followup"] = [-1, 80]
        with pytest.raises(JiaInputError) as caught:
            read_core_set(t)
        messages.append(str(caught.value))
    assert messages[0] == messages[1]
    assert "row 8" in messages[0] and "-1 is out of range" in messages[0]
