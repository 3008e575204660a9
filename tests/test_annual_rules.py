from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessments.annual_rules import (
    AnnualParts,
    Candidate,
    GradeThresholds,
    allocate,
    annual_score,
    competition_ranks,
    excellent_limit,
    normalise,
    percentiles,
)

D = Decimal
PARTS = AnnualParts()
T = GradeThresholds()


def test_the_default_weights_are_40_40_20():
    assert annual_score(D(90), D(80), D(70), PARTS) == D("82.00")


@pytest.mark.parametrize(
    ("review", "ledger", "mass", "expected"),
    [
        (D(90), D(80), None, D("85.00")),  # no mass evaluation: 50/50
        (D(90), None, D(70), D("83.33")),  # no ledger: 2/3 and 1/3
        (None, None, D(70), D("70.00")),
        (None, None, None, None),
    ],
)
def test_a_missing_component_renormalises_the_others(review, ledger, mass, expected):
    assert annual_score(review, ledger, mass, PARTS) == expected


def test_the_ledger_is_normalised_within_the_group():
    assert normalise(D(10), D(-10), D(30)) == D(50)
    assert normalise(D(30), D(-10), D(30)) == D(100)
    assert normalise(D(5), D(5), D(5)) == D(100)


@pytest.mark.parametrize(
    ("cadres", "share", "limit"),
    [(10, D("0.20"), 2), (9, D("0.20"), 1), (4, D("0.20"), 0), (8, D("0.25"), 2), (0, D("0.2"), 0)],
)
def test_the_excellent_quota_is_a_floor_of_the_share(cadres, share, limit):
    assert excellent_limit(cadres, share) == limit


def _c(cid, score, grades=("好", "好", "好", "好"), **kw):
    return Candidate(cid, D(score) if score is not None else None, tuple(grades), staff_no=f"{cid:04d}", **kw)


def test_excellent_goes_to_the_best_within_the_quota():
    unit = [_c(i, 100 - i) for i in range(10)]
    grades = allocate(unit, excellent_share=D("0.20"), thresholds=T)
    assert [grades[i].grade for i in range(10)] == ["优秀", "优秀"] + ["称职"] * 8
    assert grades[2].reasons == ("excellent_quota_used",)
    assert [grades[i].rank for i in range(3)] == [1, 2, 3]


def test_an_excellent_unit_gets_a_larger_quota():
    unit = [_c(i, 100 - i) for i in range(8)]
    assert sum(d.grade == "优秀" for d in allocate(unit, excellent_share=D("0.25"), thresholds=T).values()) == 2


def test_a_poor_quarter_bars_excellent_and_the_place_passes_on():
    unit = [_c(0, 99, ("好", "好", "好", "较差"))] + [_c(i, 90 - i) for i in range(1, 10)]
    grades = allocate(unit, excellent_share=D("0.20"), thresholds=T)
    assert grades[0].grade == "称职" and grades[0].reasons == ("poor_quarter_bars_excellent",)
    assert grades[1].grade == "优秀" and grades[2].grade == "优秀"


def test_a_sanction_that_bars_excellent_is_respected():
    unit = [_c(0, 99, barred_from_excellent=True)] + [_c(i, 80) for i in range(1, 5)]
    grades = allocate(unit, excellent_share=D("0.40"), thresholds=T)
    assert grades[0].grade == "称职" and grades[0].reasons == ("sanction_bars_excellent",)


def test_priority_breaks_a_tie_in_score():
    unit = [_c(1, 90, ("好", "较好", "较好", "较好")), _c(2, 90, ("好", "好", "好", "较好"))] + [
        _c(i, 70) for i in range(3, 6)
    ]
    grades = allocate(unit, excellent_share=D("0.20"), thresholds=T)
    assert grades[2].grade == "优秀" and grades[1].grade == "称职"


def test_low_scores_give_basic_and_incompetent():
    grades = allocate([_c(1, 65), _c(2, 59.99), _c(3, None)], excellent_share=D("0"), thresholds=T)
    assert (grades[1].grade, grades[2].grade, grades[3].grade) == ("基本称职", "不称职", "")
    assert grades[3].rank is None


def test_probation_gets_a_comment_not_a_grade_and_does_not_count_toward_the_quota():
    unit = [_c(0, 100, on_probation=True)] + [_c(i, 90 - i) for i in range(1, 6)]
    grades = allocate(unit, excellent_share=D("0.20"), thresholds=T)
    assert grades[0].grade == "" and grades[0].reasons == ("on_probation",)
    assert sum(d.grade == "优秀" for d in grades.values()) == 1  # 20% of 5 graded cadres


def test_percentiles_share_the_best_position_on_ties():
    p = percentiles({1: D(90), 2: D(90), 3: D(80), 4: D(70)})
    assert (p[1], p[2], p[3], p[4]) == (D(0), D(0), D("0.5"), D("0.75"))


scores = st.lists(
    st.one_of(st.none(), st.decimals(min_value=D(0), max_value=D(120), places=2)), min_size=1, max_size=40
)
quarter_grades = st.lists(st.sampled_from(["好", "较好", "一般", "较差"]), min_size=0, max_size=4).map(tuple)


@given(
    st.lists(
        st.tuples(scores.map(lambda s: s[0]), quarter_grades, st.booleans(), st.booleans()), min_size=1, max_size=40
    ),
    st.decimals(min_value=D(0), max_value=D(1), places=2),
)
def test_the_quota_is_never_exceeded_and_no_barred_cadre_is_excellent(rows, share):
    unit = [
        Candidate(i, s, g, staff_no=f"{i:04d}", on_probation=p, barred_from_excellent=b)
        for i, (s, g, p, b) in enumerate(rows)
    ]
    grades = allocate(unit, excellent_share=share, thresholds=T)
    graded = [c for c in unit if not c.on_probation]
    excellent = [c for c in unit if grades[c.cadre_id].grade == "优秀"]
    assert len(excellent) <= excellent_limit(len(graded), share)
    assert not any(c.has_poor_quarter or c.barred_from_excellent or c.on_probation for c in excellent)


@given(st.lists(st.decimals(min_value=D(0), max_value=D(100), places=1), min_size=2, max_size=30))
def test_ranking_is_stable_under_ties_whatever_the_input_order(values):
    unit = [_c(i, v) for i, v in enumerate(values)]
    forward = allocate(unit, excellent_share=D("0.2"), thresholds=T)
    backward = allocate(list(reversed(unit)), excellent_share=D("0.2"), thresholds=T)
    assert forward == backward


@pytest.mark.parametrize(
    ("scores", "ranks"),
    [
        ({1: D("90"), 2: D("80"), 3: D("85")}, {1: 1, 2: 3, 3: 2}),
        ({1: D("90"), 2: D("90"), 3: D("70"), 4: D("95")}, {1: 2, 2: 2, 3: 4, 4: 1}),
        ({}, {}),
    ],
)
def test_competition_ranks_share_a_rank_on_equal_scores(scores, ranks):
    assert competition_ranks(scores) == ranks
