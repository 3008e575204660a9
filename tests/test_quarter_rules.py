from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessments.rules import (
    GRADES,
    QuarterWeights,
    Thresholds,
    allowed_grades,
    quarter_score,
    quota_limit,
    suggest_grade,
)

D = Decimal
EQUAL = QuarterWeights(dimensions=(D(1),) * 5, dimension_part=D("0.8"), mass_part=D("0.2"), ledger_factor=D(1))
DEFAULT = Thresholds(good=D(90), fairly_good=D(80), average=D(70))


def test_the_score_mixes_dimensions_and_mass_then_adds_ledger_points():
    assert quarter_score((D(90),) * 5, D(80), D("2.5"), EQUAL) == D("90.50")


def test_a_missing_mass_evaluation_renormalises_to_the_dimensions():
    assert quarter_score((D(90),) * 5, None, D(0), EQUAL) == D("90.00")


def test_no_score_until_every_dimension_is_scored():
    assert quarter_score((D(90), None, D(90), D(90), D(90)), D(90), D(0), EQUAL) is None


def test_dimension_weights_count():
    weights = QuarterWeights(
        dimensions=(D(2), D(1), D(1), D(1), D(1)), dimension_part=D(1), mass_part=D(0), ledger_factor=D(0)
    )
    assert quarter_score((D(100), D(70), D(70), D(70), D(70)), None, D(5), weights) == D("80.00")


@pytest.mark.parametrize(
    ("score", "grade"),
    [
        (D("90"), "好"),
        (D("89.99"), "较好"),
        (D("80"), "较好"),
        (D("79.5"), "一般"),
        (D("70"), "一般"),
        (D("69.99"), "较差"),
        (None, ""),
    ],
)
def test_grades_follow_the_thresholds(score, grade):
    assert suggest_grade(score, DEFAULT) == grade


def test_a_grade_may_be_lowered_never_raised():
    assert allowed_grades("较好") == ("较好", "一般", "较差")
    assert "好" not in allowed_grades("较好")


@pytest.mark.parametrize(("cadres", "limit"), [(0, 0), (1, 1), (2, 1), (5, 2), (10, 4), (11, 4), (25, 10)])
def test_the_good_quota_is_forty_percent_rounded_down_but_at_least_one(cadres, limit):
    assert quota_limit(cadres, D("0.40")) == limit


@given(st.integers(1, 500), st.decimals(min_value=D("0.01"), max_value=D("1"), places=2))
def test_the_quota_never_exceeds_its_share_except_the_single_floor(cadres, ratio):
    limit = quota_limit(cadres, ratio)
    assert 1 <= limit <= cadres
    assert limit <= max(1, cadres * ratio)


@given(
    st.lists(st.decimals(min_value=D(0), max_value=D(100), places=2), min_size=5, max_size=5),
    st.decimals(min_value=D(0), max_value=D(100), places=2),
)
def test_better_dimension_scores_never_give_a_worse_grade(scores, mass):
    low = suggest_grade(quarter_score(tuple(scores), mass, D(0), EQUAL), DEFAULT)
    high = suggest_grade(quarter_score(tuple(min(s + 5, D(100)) for s in scores), mass, D(0), EQUAL), DEFAULT)
    assert GRADES.index(high) <= GRADES.index(low)
