"""JADAS and Wallace inactive disease: formulas, ranges, and both sides of each limit."""

from __future__ import annotations

import numpy as np
import pytest

from jia_teach.rules.errors import InvalidValueError
from jia_teach.scoring.activity import cjadas, inactive_disease, jadas, normalised_esr


@pytest.mark.parametrize(("esr", "expected"), [(0, 0), (20, 0), (21, 0.1), (120, 10), (200, 10)])
def test_normalised_esr(esr, expected):
    assert normalised_esr(esr)[0] == pytest.approx(expected)


def test_jadas10_caps_joints_at_ten():
    assert jadas(10, 10, 75, 200)[0] == 40  # the JADAS-10 maximum
    assert jadas(0, 0, 10, 20)[0] == jadas(0, 0, 11, 20)[0] == 10


def test_jadas71_and_27_ranges():
    assert jadas(10, 10, 71, 200, joints="71")[0] == 101
    assert jadas(10, 10, 27, 200, joints="27")[0] == 57


def test_jadas27_is_never_made_by_capping():
    with pytest.raises(InvalidValueError, match="0 to 27"):
        jadas(3, 2, 30, 40, joints="27")


def test_cjadas_leaves_out_esr():
    assert cjadas(3, 2, 14)[0] == 15
    assert cjadas(10, 10, 40)[0] == 30


def test_missing_propagates():
    assert np.isnan(jadas(3, np.nan, 4, 20)[0])


@pytest.mark.parametrize(
    ("args", "column"),
    [
        ((11, 2, 3, 20), "physician_global"),
        ((1, 2, 3.5, 20), "active_joints"),
        ((1, 2, 3, 201), "esr"),
    ],
)
def test_bad_values(args, column):
    with pytest.raises(InvalidValueError) as err:
        jadas(*args)
    assert err.value.column == column


BASE = dict(
    active_joints=0,
    systemic_features=False,
    active_uveitis=False,
    marker_normal=True,
    physician_global=0,
    morning_stiffness_min=15,
)


def test_inactive_at_the_limits():
    assert inactive_disease(**BASE) is True  # exactly 15 minutes is allowed


@pytest.mark.parametrize(
    "change",
    [
        {"active_joints": 1},
        {"systemic_features": True},
        {"active_uveitis": True},
        {"marker_normal": False},
        {"physician_global": 0.1},
        {"morning_stiffness_min": 16},
    ],
)
def test_any_item_makes_it_active(change):
    assert inactive_disease(**{**BASE, **change}) is False


def test_2004_ignores_morning_stiffness_and_2011_needs_it():
    args = {**BASE, "morning_stiffness_min": None}
    assert inactive_disease(**args, criteria="2004") is True
    assert inactive_disease(**args) is None
    assert inactive_disease(**{**BASE, "morning_stiffness_min": 60}, criteria="2004") is True
