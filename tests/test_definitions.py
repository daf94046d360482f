"""Definitions are values: presets, validation with named fields, descriptions."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from jia_teach.rules.definitions import (
    ACR30,
    ACR100,
    ADAPTED_ACR30,
    FLARE_BRUNNER_2002,
    FLARE_TRIAL,
    RESPONSE_PRESETS,
    FlareDefinition,
    ResponseDefinition,
)
from jia_teach.rules.errors import InvalidValueError


def test_presets_keep_the_worsening_limit_at_30_at_every_level():
    for key in ("acr30", "acr50", "acr70", "acr90", "acr100"):
        d = RESPONSE_PRESETS[key]
        assert (d.min_improved, d.worsening_limit, d.max_worsened) == (3, 30, 1)
    assert ACR100.level == 100


def test_adapted_presets():
    assert ADAPTED_ACR30.require_no_fever and not ACR30.require_no_fever
    assert RESPONSE_PRESETS["adapted_acr30_crp"].marker == "crp"
    assert len(RESPONSE_PRESETS) == 20


def test_flare_presets():
    assert (FLARE_TRIAL.level, FLARE_TRIAL.min_worsened, FLARE_TRIAL.max_improved) == (30, 3, 1)
    assert (FLARE_TRIAL.min_rise_global_cm, FLARE_TRIAL.min_rise_joints) == (2.0, 2)
    assert (FLARE_BRUNNER_2002.level, FLARE_BRUNNER_2002.min_worsened) == (40, 2)


def test_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        ACR30.level = 50  # type: ignore[misc]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"level": 0}, "level"),
        ({"level": 101}, "level"),
        ({"min_improved": 7}, "min_improved"),
        ({"max_worsened": -1}, "max_worsened"),
        ({"worsening_limit": -5}, "worsening_limit"),
        ({"worsening_limit": float("inf")}, "worsening_limit"),
        ({"worsening_limit": float("nan")}, "worsening_limit"),
        ({"marker": "pcr"}, "marker"),
    ],
)
def test_bad_response_definitions_name_the_field(kwargs, field):
    with pytest.raises(InvalidValueError) as err:
        ResponseDefinition(name="x", **kwargs)
    assert err.value.column == field


@pytest.mark.parametrize(
    "value", [-1, -0.001, 0, 100.001, 150, float("inf"), float("nan"), "thirty", None, True]
)
def test_one_rule_for_the_worsening_limit(value):
    """A definition, score() and the CLI (tests/test_cli.py) refuse the same values."""
    from jia_teach import score
    from jia_teach.rules.definitions import WORSENING_LIMIT_ALLOWED, check_worsening_limit

    for attempt in (
        lambda: check_worsening_limit(value),
        lambda: ResponseDefinition(name="x", worsening_limit=value),
        lambda: score(pd.DataFrame(), worsening_limit=value),
    ):
        with pytest.raises(InvalidValueError) as err:
            attempt()
        assert err.value.column == "worsening_limit"
        assert WORSENING_LIMIT_ALLOWED in str(err.value)


def test_bad_flare_definition():
    with pytest.raises(InvalidValueError) as err:
        FlareDefinition(name="x", min_rise_joints=1.5)  # type: ignore[arg-type]
    assert err.value.column == "min_rise_joints"


def test_describe_mentions_fever_for_adapted():
    assert ADAPTED_ACR30.describe().endswith("and no fever at follow-up")
    assert "2 cm" in FLARE_TRIAL.describe() and "cm" not in FLARE_BRUNNER_2002.describe()


def test_the_worsening_sliders_stay_inside_the_rule():
    """The views offer only limits the library accepts (one rule, definitions.py)."""
    from jia_teach.rules.definitions import check_worsening_limit
    from jia_teach.widgets import PatientCalculator, ThresholdExplorer

    for view in (PatientCalculator(), ThresholdExplorer()):
        slider = view.controls["worsening_limit"]
        assert check_worsening_limit(slider.min) == slider.min
        assert check_worsening_limit(slider.max) == slider.max == 100
        with pytest.raises(InvalidValueError):
            check_worsening_limit(slider.min - slider.step)
