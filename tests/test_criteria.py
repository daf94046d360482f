"""Worked examples for every rule at the edges (issue 2, section 4)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from jia_teach.rules.definitions import (
    ACR30,
    ACR50,
    ACR100,
    ADAPTED_ACR30,
    FLARE_BRUNNER_2002,
    FLARE_TRIAL,
    ResponseDefinition,
)
from jia_teach.scoring.criteria import (
    acr_n,
    classify,
    meets_response,
    percent_improvement,
)
from jia_teach.scoring.flare import meets_flare

NA = pd.NA
nan = math.nan


def decide(base, up, definition=ACR30, fever=None):
    """One patient through the vectorised core, with the raw values."""
    b = np.array([base], dtype=float)
    f = np.array([up], dtype=float)
    out = meets_response(percent_improvement(b, f), definition, fever, baseline=b, followup=f)
    return out[0]


class TestPercentImprovement:
    def test_exactly_thirty_percent_better_is_exact(self):
        # In plain floating point (3.3 - 2.31) / 3.3 is 0.29999999999999993.
        assert (3.3 - 2.31) / 3.3 * 100 < 30
        assert percent_improvement(3.3, 2.31) == 30.0

    def test_exactly_thirty_percent_worse_is_exact(self):
        assert percent_improvement(2.3, 2.99) == -30.0

    @pytest.mark.parametrize(
        ("b", "f", "expected"),
        [(0, 0, 0.0), (0, 1, -math.inf), (0, 0.1, -math.inf), (10, 0, 100.0), (4, 5, -25.0)],
    )
    def test_baseline_zero_and_plain_cases(self, b, f, expected):
        assert percent_improvement(b, f) == expected

    def test_missing_is_nan(self):
        out = percent_improvement([nan, 5, nan], [5, nan, nan])
        assert np.isnan(out).all()


class TestThresholds:
    def test_status_on_both_sides_of_every_threshold(self):
        pct = percent_improvement(
            [3.3, 3.3, 2.3, 2.3, 2.3, 0, 0], [2.31, 2.32, 2.99, 3.0, 2.98, 0, 0.5]
        )
        assert classify(pct, 30, 30).tolist() == [1, 0, 0, -1, 0, 0, -1]

    def test_exactly_thirty_counts_as_improved(self):
        # three variables improved exactly 30 %, in values that floating point gets wrong
        assert decide([3.3, 3.3, 3.3, 5, 5, 20], [2.31, 2.31, 2.31, 5, 5, 20]) is np.True_

    def test_just_below_thirty_does_not(self):
        assert decide([3.3, 3.3, 3.3, 5, 5, 20], [2.31, 2.31, 2.32, 5, 5, 20]) is np.False_

    def test_exactly_thirty_worse_does_not_count_as_worsened(self):
        # three improved, two exactly 30 % worse: not worsened, so ACR30 is met
        assert decide([3.3, 3.3, 3.3, 10, 2.3, 20], [2.31, 2.31, 2.31, 13, 2.99, 20]) is np.True_

    def test_more_than_thirty_worse_twice_fails(self):
        assert decide([3.3, 3.3, 3.3, 10, 2.3, 20], [2.31, 2.31, 2.31, 14, 3.0, 20]) is np.False_

    def test_one_worsened_is_allowed(self):
        assert decide([6, 5, 1.5, 12, 10, 60], [2, 3, 1.0, 3, 14, 20]) is np.True_

    def test_baseline_zero_to_zero_is_no_change(self):
        # two variables 0 -> 0 neither improve nor worsen; the other three improved
        assert decide([6, 5, 1.5, 0, 0, 60], [2, 3, 1.0, 0, 0, 60]) is np.True_

    def test_baseline_zero_to_more_is_worsened(self):
        assert decide([6, 5, 1.5, 0, 0, 60], [2, 3, 1.0, 1, 1, 60]) is np.False_

    def test_acr100_needs_three_variables_at_zero_from_above_zero(self):
        assert decide([6, 5, 1.5, 4, 0, 60], [0, 0, 0, 0, 0, 60], ACR100) is np.True_
        assert decide([6, 5, 0, 0, 0, 60], [0, 0, 0, 0, 0, 60], ACR100) is np.False_

    def test_worsening_limit_is_a_parameter(self):
        strict = ACR30.replace(worsening_limit=20)
        row = ([6, 5, 1.5, 10, 10, 60], [2, 3, 1.0, 12.0, 12.0, 60])  # +20 % twice
        assert decide(*row) is np.True_
        assert decide(*row, strict) is np.True_  # exactly 20 % worse does not count
        row = ([6, 5, 1.5, 10, 10, 60], [2, 3, 1.0, 13.0, 13.0, 60])
        assert decide(*row, strict) is np.False_


class TestMissingValues:
    def test_three_improved_none_worsened_one_missing_is_true(self):
        assert decide([6, 5, 1.5, 10, 10, 60], [2, 3, 1.0, 10, 10, nan]) is np.True_

    def test_two_improved_one_missing_is_na(self):
        assert decide([6, 5, 1.5, 10, 10, 60], [2, 3, 1.5, 10, 10, nan]) is NA

    def test_two_already_worsened_is_false(self):
        assert decide([6, 5, 1.5, 10, 10, 60], [2, 3, nan, 14, 14, 20]) is np.False_

    def test_three_improved_one_worsened_one_missing_is_na(self):
        # the missing one could worsen and make two
        assert decide([6, 5, 1.5, 10, 10, 60], [2, 3, 1.0, 14, 10, nan]) is NA

    def test_missing_followup_with_baseline_zero_cannot_improve(self):
        # 2 improved; the missing one starts at 0 and cannot improve: certainly not ACR30
        assert decide([6, 5, 1.5, 10, 0, 60], [2, 3, 1.5, 10, nan, 60]) is np.False_

    def test_missing_followup_at_top_of_range_cannot_worsen(self):
        # 3 improved, 1 worsened, CHAQ 3 at baseline cannot get 30 % worse (max 3)
        assert decide([6, 5, 3, 10, 10, 60], [2, 3, nan, 5, 14, 20]) is np.True_

    def test_missing_baseline_with_followup_zero_cannot_worsen(self):
        assert decide([6, 5, nan, 10, 10, 60], [2, 3, 0, 5, 14, 20]) is np.True_

    def test_without_raw_values_every_missing_may_do_anything(self):
        pct = percent_improvement([[6, 5, 1.5, 10, 0, 60]], [[2, 3, 1.5, 10, nan, 60]])
        assert meets_response(pct, ACR30)[0] is NA

    def test_acr_n_is_nan_when_anything_is_missing(self):
        pct = percent_improvement([[6, 5, 1.5, 10, 10, 60]], [[2, 3, 1.0, 10, 10, nan]])
        assert np.isnan(acr_n(pct)[0])


class TestAdapted:
    base, up = [6, 5, 1.5, 10, 10, 60], [2, 3, 1.0, 10, 10, 20]

    @pytest.mark.parametrize(("fever", "expected"), [(False, True), (True, False), (None, NA)])
    def test_fever_rule_when_standard_is_true(self, fever, expected):
        got = decide(self.base, self.up, ADAPTED_ACR30, fever=[fever])
        assert got is expected or got == expected

    @pytest.mark.parametrize("fever", [False, True, None])
    def test_false_standard_stays_false(self, fever):
        up = [6, 5, 1.5, 10, 10, 60]
        assert decide(self.base, up, ADAPTED_ACR30, fever=[fever]) is np.False_

    def test_unknown_standard_and_fever(self):
        up = [2, 3, 1.5, 10, 10, nan]
        assert decide(self.base, up, ADAPTED_ACR30, fever=[None]) is NA
        assert decide(self.base, up, ADAPTED_ACR30, fever=[False]) is NA
        assert decide(self.base, up, ADAPTED_ACR30, fever=[True]) is np.False_

    def test_fever_needed(self):
        with pytest.raises(ValueError, match="fever_followup"):
            decide(self.base, self.up, ADAPTED_ACR30)


class TestAcrN:
    def test_third_largest_improvement(self):
        pct = percent_improvement([[6, 5, 1.5, 12, 10, 60]], [[2, 3, 1.0, 3, 9, 20]])
        assert round(acr_n(pct)[0], 2) == 66.67

    def test_zero_when_two_worsened(self):
        assert acr_n([[90, 90, 90, -31, -31, 0]])[0] == 0.0

    def test_clipped_to_zero_when_third_is_worse(self):
        assert acr_n([[90, 90, -10, -20, -25, -5]])[0] == 0.0

    def test_hundred(self):
        assert acr_n([[100, 100, 100, 0, 0, 0]])[0] == 100.0


class TestFlare:
    def fl(self, base, up, definition=FLARE_TRIAL):
        return meets_flare(np.array([base], float), np.array([up], float), definition)[0]

    def test_three_worsened_is_flare(self):
        assert self.fl([2, 2, 1.0, 4, 4, 20], [4, 2, 1.3, 6, 4, 26]) is np.True_

    def test_global_rise_below_two_cm_does_not_count(self):
        # physician 2 -> 3.9 is +95 % but only +1.9 cm
        assert self.fl([2, 2, 1.0, 4, 4, 20], [3.9, 2, 1.3, 6, 4, 20]) is np.False_
        assert self.fl([2, 2, 1.0, 4, 4, 20], [4.0, 2, 1.3, 6, 4, 20]) is np.True_

    def test_joint_rise_of_one_does_not_count(self):
        # 2 -> 3 joints is +50 % but one joint
        assert self.fl([2, 2, 1.0, 2, 4, 20], [4, 2, 1.3, 3, 4, 20]) is np.False_
        assert self.fl([2, 2, 1.0, 2, 4, 20], [4, 2, 1.3, 4, 4, 20]) is np.True_

    def test_exactly_thirty_worse_counts_for_flare(self):
        assert self.fl([2, 2, 2.3, 4, 4, 20], [4, 2, 2.99, 6, 4, 20]) is np.True_

    def test_two_improved_blocks_flare(self):
        assert self.fl([2, 8, 1.0, 4, 4, 20], [4, 2, 1.3, 6, 4, 10]) is np.False_

    def test_brunner_two_at_forty_percent(self):
        base, up = [2, 2, 1.0, 4, 4, 20], [2, 2, 1.4, 4, 4, 28]
        assert self.fl(base, up, FLARE_BRUNNER_2002) is np.True_
        assert self.fl(base, [2, 2, 1.39, 4, 4, 28], FLARE_BRUNNER_2002) is np.False_

    def test_missing_rule_holds_for_flare(self):
        assert self.fl([2, 2, 1.0, 4, 4, 20], [4, 2, 1.3, 6, nan, 20]) is np.True_
        assert self.fl([2, 2, 1.0, 4, 4, 20], [4, 2, 1.3, 4, nan, 20]) is NA
        # the missing joint count starts at 75 and cannot rise: certainly no third worsening
        assert self.fl([2, 2, 1.0, 4, 75, 20], [4, 2, 1.3, 4, nan, 20]) is np.False_


def test_custom_definition_four_of_six():
    four = ResponseDefinition(name="4 of 6", level=50, min_improved=4)
    assert decide([6, 5, 1.5, 12, 10, 60], [2, 3, 1.0, 3, 9, 20], ACR50) is np.True_
    assert decide([6, 5, 1.5, 12, 10, 60], [2, 3, 1.0, 3, 9, 20], four) is np.False_
