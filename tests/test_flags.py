"""The flag conditions of DOMAIN §6 and §7, table-driven, with Hypothesis properties. No database."""

import json
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessments.flag_text import sentence
from assessments.flags import (
    DEFAULT_THRESHOLDS,
    DEFAULTS,
    KINDS,
    RANKS,
    CadreYear,
    CategoryDeduction,
    Flag,
    MonthFact,
    QuarterFact,
    SanctionFact,
    Thresholds,
    adjustment,
    commendation,
    evaluate,
    min_years_for_next_rank,
    promotion,
    rank_promotion,
    red_card,
    rotation_due,
    talk_reminder,
    yellow_card,
)
from assessments.rules import GRADES

D = Decimal
YEAR = 2025
AS_OF = date(2025, 12, 31)
WARNINGS = {"talk_reminder", "yellow_card", "red_card", "adjustment"}


def q(n, grade="好", score=None, deductions="0", entries=()):
    score = D(score) if score is not None else D(90 + n)  # rising by default: no falls
    return QuarterFact(n, grade, score, D(deductions), review_id=100 + n, deduction_entry_ids=tuple(entries))


GOOD_YEAR = (q(1), q(2), q(3), q(4, "较好"))


def cadre(**changes):
    """A strong staff member: top 5% of the category, three 好 quarters, 称职 throughout."""
    base = CadreYear(
        cadre_id=1,
        year=YEAR,
        as_of=AS_OF,
        rank="一级主任科员",
        rank_since=date(2023, 1, 1),
        post_since=date(2021, 3, 1),
        category_percentile=D("0.05"),
        suggested_grade="称职",
        earlier_grades={2023: "称职", 2024: "称职"},
        quarters=GOOD_YEAR,
    )
    return replace(base, **changes)


def sanction(until, *, decided=date(2025, 4, 1), kind="政务处分", measure="记过", blocks=True, ident=7):
    return SanctionFact(ident, kind, measure, decided, until, None, blocks)


def t(**changes):
    return Thresholds.from_settings(changes)


def outcome(flag):
    """None, "raised", or the set of blocker rules."""
    if flag is None:
        return None
    return "raised" if flag.raised else {b.rule for b in flag.blockers}


def kinds(cy, thresholds=DEFAULT_THRESHOLDS):
    return {f.kind for f in evaluate(cy, thresholds)}


# ---------------------------------------------------------------------------------- thresholds


def test_the_defaults_agree_with_the_schemes_defaults():
    from assessments.models import DEFAULT_FLAG_THRESHOLDS

    for key, value in DEFAULT_FLAG_THRESHOLDS.items():
        assert DEFAULTS[key] == value


def test_a_schemes_settings_override_the_defaults_and_unknown_keys_are_ignored():
    thresholds = Thresholds.from_settings({"promotion_top_share": "0.15", "rotation_unit_years": "8", "other": 1})
    assert thresholds.promotion_top_share == D("0.15")
    assert thresholds.rotation_unit_years == 8
    assert thresholds.rank_promotion_top_share == D("0.20")
    assert thresholds.red_sanction_categories == ("问责", "纪律处分")


@pytest.mark.parametrize("key", ["promotion_min_annual_grade", "talk_quarter_grade", "red_annual_grade"])
def test_a_grade_setting_must_be_a_grade(key):
    with pytest.raises(ValueError, match=key):
        Thresholds.from_settings({key: "Good"})


# ----------------------------------------------------------------------------------- promotion

PROMOTION = [
    ("the strong cadre", {}, {}, "raised"),
    ("just inside the top 10%", {"category_percentile": D("0.0999")}, {}, "raised"),
    ("10% ranked above: not in the top 10%", {"category_percentile": D("0.10")}, {}, None),
    ("no annual ranking yet", {"category_percentile": None}, {}, None),
    ("top share is a setting", {}, {"promotion_top_share": "0.05"}, None),
    ("two 好 quarters", {"quarters": (q(1), q(2), q(3, "较好"), q(4, "较好"))}, {}, None),
    ("three 好 and one 较差", {"quarters": (q(1), q(2), q(3), q(4, "较差"))}, {}, None),
    (
        "min 好 quarters is a setting",
        {"quarters": (q(1), q(2), q(3, "较好"))},
        {"promotion_min_good_quarters": 2},
        "raised",
    ),
    (
        "a 较差 allowed by the settings still earns a yellow card",
        {"quarters": (q(1), q(2), q(3), q(4, "较差"))},
        {"promotion_max_poor_quarters": 1},
        {"yellow_card"},
    ),
    ("impact period ends on as_of", {"sanctions": (sanction(AS_OF),)}, {}, {"impact_period"}),
    ("impact period ended the day before", {"sanctions": (sanction(date(2025, 12, 30)),)}, {}, "raised"),
    (
        "a sanction decided after as_of",
        {"sanctions": (sanction(date(2027, 1, 1), decided=date(2026, 1, 2)),)},
        {},
        "raised",
    ),
    ("this year's suggestion 基本称职", {"suggested_grade": "基本称职"}, {}, {"annual_grade"}),
    (
        "the committee's 称职 over a 基本称职 suggestion",
        {"suggested_grade": "基本称职", "final_grade": "称职"},
        {},
        "raised",
    ),
    (
        "no grade yet this year: last year's 基本称职",
        {"suggested_grade": "", "earlier_grades": {2024: "基本称职"}},
        {},
        {"annual_grade"},
    ),
    (
        "no grade yet this year: last year's 称职",
        {"suggested_grade": "", "earlier_grades": {2024: "称职"}},
        {},
        "raised",
    ),
    ("no annual grade at all", {"suggested_grade": "", "earlier_grades": {}}, {}, {"annual_grade"}),
    ("on probation", {"on_probation": True, "suggested_grade": "", "earlier_grades": {}}, {}, {"probation"}),
    (
        "a quarter's deductions at −10: yellow card",
        {"quarters": (*GOOD_YEAR[:3], q(4, "较好", deductions="-10"))},
        {},
        {"yellow_card"},
    ),
    ("a quarter's deductions at −9.99", {"quarters": (*GOOD_YEAR[:3], q(4, "较好", deductions="-9.99"))}, {}, "raised"),
    (
        "问责 −15 this year: red card",
        {"category_deductions": (CategoryDeduction("问责", D(-15), (1,)),)},
        {},
        {"red_card"},
    ),
    ("the committee's cards are used when given", {"cards": ("yellow_card",)}, {}, {"yellow_card"}),
    (
        "a card the committee dismissed does not block",
        {"cards": (), "quarters": (*GOOD_YEAR[:3], q(4, "较好", deductions="-12"))},
        {},
        "raised",
    ),
]


@pytest.mark.parametrize(("case", "changes", "settings_", "expected"), PROMOTION, ids=[row[0] for row in PROMOTION])
def test_promotion_follows_domain_6_and_7(case, changes, settings_, expected):
    assert outcome(promotion(cadre(**changes), t(**settings_))) == expected


def test_a_promotion_flag_names_its_thresholds_and_the_reviews():
    flag = promotion(cadre())
    top, good, poor = flag.reasons
    assert (top.rule, top.threshold, top.actual) == ("promotion.top_share", D("0.10"), D("0.05"))
    assert (good.threshold, good.actual, good.refs) == (3, 3, (("review", 101), ("review", 102), ("review", 103)))
    assert (poor.threshold, poor.actual) == (0, 0)
    assert sentence(flag) == "年度综合得分位列本类别前 10%（得分高于本人的占 5%）；3 个季度等次为“好”；无“较差”"


def test_the_best_of_the_category_reads_as_such():
    flag = promotion(cadre(category_percentile=D("0"), quarters=(q(1), q(2), q(3), q(4))))
    assert sentence(flag) == "年度综合得分位列本类别前 10%（本类别最高）；4 个季度等次为“好”；无“较差”"


def test_a_blocked_promotion_says_why_with_the_end_of_the_impact_period():
    flag = promotion(cadre(sanctions=(sanction(date(2027, 3, 31)),)))
    assert flag.blockers[0].until == date(2027, 3, 31)
    assert flag.blockers[0].refs == (("sanction", 7),)
    assert sentence(flag) == "未提示优先提拔：政务处分记过影响期至 2027-03-31"


def test_every_blocker_is_listed():
    cy = cadre(
        on_probation=True,
        suggested_grade="",
        earlier_grades={2024: "不称职"},
        sanctions=(sanction(date(2026, 6, 30), kind="诫勉", measure="诫勉"),),
        cards=("yellow_card", "red_card"),
    )
    assert sentence(promotion(cy)) == (
        "未提示优先提拔：诫勉影响期至 2026-06-30；2024 年度考核等次为“不称职”；试用期内；"
        "本年度有黄牌提示；本年度有红牌提示"
    )


@pytest.mark.parametrize(
    ("measure", "months", "until"),
    [
        (("政务处分", "警告"), 6, date(2025, 9, 30)),
        (("政务处分", "记过"), 12, date(2026, 3, 31)),
        (("政务处分", "记大过"), 18, date(2026, 9, 30)),
        (("政务处分", "降级"), 24, date(2027, 3, 31)),
        (("政务处分", "撤职"), 24, date(2027, 3, 31)),
        (("党纪处分", "警告"), 12, date(2026, 3, 31)),
        (("党纪处分", "严重警告"), 18, date(2026, 9, 30)),
        (("党纪处分", "撤销党内职务"), 24, date(2027, 3, 31)),
        (("诫勉", "诫勉"), 6, date(2025, 9, 30)),
        (("组织处理", "免职"), 24, date(2027, 3, 31)),
    ],
)
def test_each_impact_period_of_domain_7_blocks_promotion_to_its_last_day(measure, months, until):
    # The caller stores the period's last day (records.models.impact_end); a decision on 2025-04-01
    # with N months runs to the day before the N-month anniversary.
    kind, name = measure
    decided = date(2025, 4, 1)
    fact = SanctionFact(1, kind, name, decided, until, None, True)
    on_last_day = cadre(as_of=until, sanctions=(fact,))
    day_after = cadre(as_of=date.fromordinal(until.toordinal() + 1), sanctions=(fact,))
    assert outcome(promotion(on_last_day)) == {"impact_period"}
    assert outcome(promotion(day_after)) == "raised"


def test_dismissal_blocks_promotion_past_its_post_bar():
    fact = SanctionFact(3, "组织处理", "免职", date(2025, 1, 1), date(2026, 12, 31), date(2025, 12, 31), True)
    flag = promotion(cadre(as_of=date(2026, 6, 30), sanctions=(fact,)))
    assert [(b.rule, b.until) for b in flag.blockers] == [("impact_period", date(2026, 12, 31))]
    assert sentence(flag) == "未提示优先提拔：组织处理免职影响期至 2026-12-31"


# ------------------------------------------------------------------------------ rank promotion


@pytest.mark.parametrize(
    ("rank", "years"),
    [
        ("二级科员", 2),
        ("一级科员", 2),
        ("四级主任科员", 2),
        ("三级主任科员", 2),
        ("二级主任科员", 2),
        ("一级主任科员", 2),  # → 四级调研员
        ("四级调研员", 3),  # → 三级调研员
        ("三级调研员", 3),
        ("二级调研员", 3),  # → 一级调研员
        ("一级调研员", 4),  # → 二级巡视员
        ("二级巡视员", 4),
        ("一级巡视员", None),
    ],
)
def test_min_years_for_next_rank_follows_the_ladder(rank, years):
    assert min_years_for_next_rank(rank) == years


def test_min_years_for_next_rank_refuses_what_is_not_on_the_ladder():
    with pytest.raises(ValueError):
        min_years_for_next_rank("科长")


def test_the_waits_are_settings():
    thresholds = t(rank_min_years_junior=3, rank_min_years_middle=4, rank_min_years_senior=5)
    assert [min_years_for_next_rank(r, thresholds) for r in ("二级科员", "三级调研员", "二级巡视员")] == [3, 4, 5]


RANK = [
    ("three years in rank, top 5%", {}, {}, "raised"),
    ("exactly two years to the end of as_of", {"rank_since": date(2024, 1, 1)}, {}, "raised"),
    ("a day short of two years", {"rank_since": date(2024, 1, 2)}, {}, None),
    ("top 20% just met", {"category_percentile": D("0.1999")}, {}, "raised"),
    ("20% ranked above", {"category_percentile": D("0.20")}, {}, None),
    (
        "18 months with a 优秀 year in the rank",
        {"rank_since": date(2024, 7, 1), "earlier_grades": {2024: "优秀"}},
        {},
        "raised",
    ),
    ("18 months without", {"rank_since": date(2024, 7, 1), "earlier_grades": {2024: "称职"}}, {}, None),
    ("this year's 优秀 counts too", {"rank_since": date(2024, 7, 1), "suggested_grade": "优秀"}, {}, "raised"),
    (
        "a 优秀 year with under six months in the rank gives no credit",
        {"rank_since": date(2024, 7, 2), "earlier_grades": {2024: "优秀"}},
        {},
        None,
    ),
    (
        "two 优秀 years: a year off",
        {"rank_since": date(2024, 7, 1), "as_of": date(2025, 12, 31), "suggested_grade": "优秀"},
        {"rank_min_years_junior": 2, "rank_excellent_credit_months": 12},
        "raised",
    ),
    (
        "a 基本称职 year does not count, 24 months left",
        {"rank_since": date(2023, 1, 1), "earlier_grades": {2023: "称职", 2024: "基本称职"}},
        {},
        "raised",
    ),
    (
        "a 基本称职 year does not count, 23 months left",
        {"rank_since": date(2023, 2, 1), "earlier_grades": {2023: "称职", 2024: "基本称职"}},
        {},
        {"rank.year_grade"},
    ),
    ("an active impact period", {"sanctions": (sanction(date(2026, 3, 31)),)}, {}, {"impact_period"}),
    ("the top of the ladder", {"rank": "一级巡视员"}, {}, None),
    ("no rank", {"rank": ""}, {}, None),
    ("一级调研员 waits four years", {"rank": "一级调研员", "rank_since": date(2022, 1, 1)}, {}, "raised"),
    ("一级调研员 after three years", {"rank": "一级调研员", "rank_since": date(2023, 1, 1)}, {}, None),
]


@pytest.mark.parametrize(("case", "changes", "settings_", "expected"), RANK, ids=[row[0] for row in RANK])
def test_rank_promotion_follows_domain_6(case, changes, settings_, expected):
    assert outcome(rank_promotion(cadre(**changes), t(**settings_))) == expected


def test_a_rank_promotion_reads_with_the_time_in_rank_and_the_credit():
    flag = rank_promotion(cadre(rank_since=date(2024, 7, 1), earlier_grades={2024: "优秀"}))
    assert sentence(flag) == (
        "任一级主任科员 1 年 6 个月（要求 1 年 6 个月）；1 个年度考核“优秀”，每个缩短 6 个月；"
        "年度综合得分位列本类别前 20%（得分高于本人的占 5%）"
    )
    assert flag.reasons[1].refs == (("annual", 2024),)


def test_a_weak_year_that_leaves_the_time_short_is_named():
    flag = rank_promotion(cadre(rank_since=date(2023, 2, 1), earlier_grades={2023: "称职", 2024: "基本称职"}))
    assert sentence(flag) == "未提示职级晋升：2024 年度考核等次为“基本称职”，不计入任职年限"


# -------------------------------------------------------------------------------- commendation

COMMENDATION = [
    ("suggested 优秀", {"suggested_grade": "优秀"}, "raised"),
    ("suggested 称职", {}, None),
    ("only the committee's 优秀", {"final_grade": "优秀"}, None),
    (
        "a 警告 this year",
        {"suggested_grade": "优秀", "sanctions": (sanction(date(2025, 9, 30), measure="警告"),)},
        {"excellent_barred"},
    ),
    (
        "a 警告 last year",
        {"suggested_grade": "优秀", "sanctions": (sanction(date(2025, 3, 31), decided=date(2024, 10, 1)),)},
        "raised",
    ),
    (
        "an admonition does not bar 优秀",
        {
            "suggested_grade": "优秀",
            "sanctions": (sanction(date(2025, 9, 30), kind="诫勉", measure="诫勉", blocks=False),),
        },
        "raised",
    ),
]


@pytest.mark.parametrize(("case", "changes", "expected"), COMMENDATION, ids=[row[0] for row in COMMENDATION])
def test_commendation_follows_the_suggested_grade(case, changes, expected):
    assert outcome(commendation(cadre(**changes))) == expected


def test_a_barred_commendation_names_the_sanction():
    cy = cadre(suggested_grade="优秀", sanctions=(sanction(date(2025, 9, 30), measure="警告"),))
    assert sentence(commendation(cy)) == "未提示评先评优：本年度受政务处分警告"


# ------------------------------------------------------------------------------ talk reminder

TALK = [
    ("a month at −5", {"months": (MonthFact(3, D(-5), (31, 32)),)}, {}, ["talk.month_deduction"]),
    ("a month at −4.99", {"months": (MonthFact(3, D("-4.99"), (31,)),)}, {}, None),
    (
        "the line is a setting",
        {"months": (MonthFact(3, D(-4), (31,)),)},
        {"talk_month_net_deduction": "-4"},
        ["talk.month_deduction"],
    ),
    ("a quarter graded 一般", {"quarters": (*GOOD_YEAR[:3], q(4, "一般"))}, {}, ["talk.quarter_grade"]),
    ("a quarter graded 较好", {}, {}, None),
    (
        "a quarter graded 较差 is worse than 一般",
        {"quarters": (*GOOD_YEAR[:3], q(4, "较差"))},
        {},
        ["talk.quarter_grade"],
    ),
    ("two falls in a row", {"quarters": (q(1, score=95), q(2, score=93), q(3, score=92))}, {}, ["talk.falling_score"]),
    (
        "two falls not in a row",
        {"quarters": (q(1, score=95), q(2, score=93), q(3, score=94), q(4, score=92))},
        {},
        None,
    ),
    ("a missing quarter breaks the run", {"quarters": (q(1, score=95), q(3, score=93), q(4, score=92))}, {}, None),
    (
        "two falls before a quarter still in review",
        {"quarters": (q(1, score=95), q(2, score=93), q(3, score=92), QuarterFact(4))},
        {},
        ["talk.falling_score"],
    ),
    (
        "a quarter not yet scored breaks the run",
        {"quarters": (q(1, score=95), QuarterFact(2), q(3, score=93), q(4, score=92))},
        {},
        None,
    ),
    ("an equal score is no fall", {"quarters": (q(1, score=95), q(2, score=95), q(3, score=92))}, {}, None),
    (
        "one fall is enough when set",
        {"quarters": (q(1, score=95), q(2, score=93))},
        {"talk_falling_quarters": 1},
        ["talk.falling_score"],
    ),
]


@pytest.mark.parametrize(("case", "changes", "settings_", "rules"), TALK, ids=[row[0] for row in TALK])
def test_talk_reminder_follows_domain_6(case, changes, settings_, rules):
    flag = talk_reminder(cadre(**changes), t(**settings_))
    assert (flag and [r.rule for r in flag.reasons]) == rules


def test_a_talk_reminder_links_the_entries_and_reads_well():
    cy = cadre(
        months=(MonthFact(3, D(-6), (31, 32)),),
        quarters=(q(1, score=95), q(2, "一般", score=93), q(3, score=92), q(4, score=96)),
    )
    flag = talk_reminder(cy)
    assert flag.reasons[0].refs == (("entry", 31), ("entry", 32))
    assert flag.reasons[2].refs == (("review", 101), ("review", 102), ("review", 103))
    assert sentence(flag) == (
        "3 月净扣分 -6 分（提示线 -5 分）；第 2 季度等次为“一般”；季度得分连续 2 次下降（95 → 93 → 92）"
    )


def test_a_longer_fall_says_how_many_times_the_score_fell():
    cy = cadre(quarters=(q(1, score=96), q(2, score=95), q(3, score=93), q(4, score=92)))
    assert sentence(talk_reminder(cy)) == "季度得分连续 3 次下降（96 → 95 → 93 → 92）"


@pytest.mark.parametrize(
    ("effective", "raised"),
    [(D(0), False), (D(-4), False), (D(-5), True)],
    ids=["waived −8 counts 0", "−8 reduced to −4", "−8 reduced to −5"],
)
def test_waived_deductions_never_count_and_reduced_ones_count_at_their_value(effective, raised):
    ids = (31,) if effective else ()
    cy = cadre(months=(MonthFact(3, effective, ids),))
    assert (talk_reminder(cy) is not None) is raised


# -------------------------------------------------------------------------------- yellow card

YELLOW = [
    ("a quarter graded 较差", {"quarters": (*GOOD_YEAR[:3], q(4, "较差"))}, ["yellow.quarter_grade"]),
    ("a quarter graded 一般", {"quarters": (*GOOD_YEAR[:3], q(4, "一般"))}, None),
    (
        "a quarter's deductions at −10",
        {"quarters": (q(1, deductions="-10", entries=(5, 6)),)},
        ["yellow.quarter_deduction"],
    ),
    ("a quarter's deductions at −9.99", {"quarters": (q(1, deductions="-9.99", entries=(5,)),)}, None),
    ("a waived −12 counts 0", {"quarters": (q(1, deductions="0"),)}, None),
    ("a −12 reduced to −6", {"quarters": (q(1, deductions="-6", entries=(5,)),)}, None),
    (
        "both in one quarter",
        {"quarters": (q(1, "较差", deductions="-11", entries=(5,)),)},
        [
            "yellow.quarter_grade",
            "yellow.quarter_deduction",
        ],
    ),
]


@pytest.mark.parametrize(("case", "changes", "rules"), YELLOW, ids=[row[0] for row in YELLOW])
def test_yellow_card_follows_domain_6(case, changes, rules):
    flag = yellow_card(cadre(**changes))
    assert (flag and [r.rule for r in flag.reasons]) == rules


def test_a_yellow_card_links_the_review_and_the_entries():
    flag = yellow_card(cadre(quarters=(q(2, "较好", deductions="-10.5", entries=(5, 6)),)))
    assert flag.reasons[0].refs == (("review", 102), ("entry", 5), ("entry", 6))
    assert sentence(flag) == "第 2 季度净扣分 -10.5 分（提示线 -10 分）"


# ----------------------------------------------------------------------------------- red card

POOR = "较差"
RED = [
    ("two yellow quarters this year", {"quarters": (q(1, POOR), q(2), q(3, POOR))}, {}, ["red.yellow_cards"]),
    ("one yellow quarter", {"quarters": (q(1, POOR), q(2), q(3))}, {}, None),
    (
        "last June's card and this Q1",
        {"quarters": (q(1, POOR),), "earlier_yellow_cards": (date(2024, 6, 30),)},
        {},
        ["red.yellow_cards"],
    ),
    (
        "last April 1's card and this Q1",
        {"quarters": (q(1, POOR),), "earlier_yellow_cards": (date(2024, 4, 1),)},
        {},
        ["red.yellow_cards"],
    ),
    (
        "last Q1's card and this Q1: twelve months apart",
        {
            "quarters": (q(1, POOR),),
            "earlier_yellow_cards": (date(2024, 3, 31),),
        },
        {},
        None,
    ),
    (
        "the window is a setting",
        {"quarters": (q(1, POOR),), "earlier_yellow_cards": (date(2024, 3, 31),)},
        {"red_yellow_window_months": 13},
        ["red.yellow_cards"],
    ),
    ("two cards last year only", {"earlier_yellow_cards": (date(2024, 9, 30), date(2024, 12, 31))}, {}, None),
    ("three cards needed when set", {"quarters": (q(1, POOR), q(2), q(3, POOR))}, {"red_yellow_cards": 3}, None),
    ("annual 不称职", {"suggested_grade": "不称职"}, {}, ["red.annual_grade"]),
    ("annual 基本称职", {"suggested_grade": "基本称职"}, {}, None),
    ("the committee's 不称职", {"final_grade": "不称职"}, {}, ["red.annual_grade"]),
    (
        "问责 −10 and 纪律处分 −5",
        {"category_deductions": (CategoryDeduction("问责", D(-10), (1,)), CategoryDeduction("纪律处分", D(-5), (2,)))},
        {},
        ["red.sanction_deduction"],
    ),
    ("问责 −14.99", {"category_deductions": (CategoryDeduction("问责", D("-14.99"), (1,)),)}, {}, None),
    (
        "other categories do not count",
        {"category_deductions": (CategoryDeduction("工作失误失责", D(-20), (1,)),)},
        {},
        None,
    ),
    ("a waived 纪律处分 −20 counts 0", {"category_deductions": (CategoryDeduction("纪律处分", D(0), ()),)}, {}, None),
]


@pytest.mark.parametrize(("case", "changes", "settings_", "rules"), RED, ids=[row[0] for row in RED])
def test_red_card_follows_domain_6(case, changes, settings_, rules):
    flag = red_card(cadre(**changes), t(**settings_))
    assert (flag and [r.rule for r in flag.reasons]) == rules


def test_a_red_card_reads_with_its_window_and_links_the_reviews():
    flag = red_card(cadre(quarters=(q(1, POOR),), earlier_yellow_cards=(date(2024, 6, 30),)))
    assert flag.reasons[0].refs == (("review", 101),)
    assert sentence(flag) == "12 个月内黄牌 2 次（提示线 2 次）"
    cy = cadre(
        category_deductions=(CategoryDeduction("问责", D(-10), (1,)), CategoryDeduction("纪律处分", D(-5), (2,)))
    )
    assert red_card(cy).reasons[0].refs == (("entry", 1), ("entry", 2))
    assert sentence(red_card(cy)) == "2025 年度问责、纪律处分扣分合计 -15 分（提示线 -15 分）"


# --------------------------------------------------------------------------------- adjustment

ADJUSTMENT = [
    ("a red card", {"category_deductions": (CategoryDeduction("问责", D(-15), (1,)),)}, {}, ["adjustment.red_card"]),
    ("annual 基本称职", {"suggested_grade": "基本称职"}, {}, ["adjustment.annual_grade"]),
    ("annual 称职", {}, {}, None),
    (
        "annual 不称职 is also a red card",
        {"suggested_grade": "不称职"},
        {},
        [
            "adjustment.red_card",
            "adjustment.annual_grade",
        ],
    ),
    (
        "two 较差 quarters",
        {"quarters": (q(1, POOR), q(2, POOR))},
        {"red_yellow_cards": 3},
        ["adjustment.poor_quarters"],
    ),
    ("one 较差 quarter", {"quarters": (q(1, POOR), q(2))}, {}, None),
]


@pytest.mark.parametrize(("case", "changes", "settings_", "rules"), ADJUSTMENT, ids=[row[0] for row in ADJUSTMENT])
def test_adjustment_follows_domain_6(case, changes, settings_, rules):
    flag = adjustment(cadre(**changes), t(**settings_))
    assert (flag and [r.rule for r in flag.reasons]) == rules


def test_an_adjustment_for_a_red_card_links_what_earned_the_card():
    flag = adjustment(cadre(category_deductions=(CategoryDeduction("纪律处分", D(-20), (9,)),)))
    assert flag.reasons[0].refs == (("entry", 9),)
    assert sentence(flag) == "本年度有红牌提示"


# ------------------------------------------------------------------------------ rotation due

ROTATION = [
    (
        "正科 head of a unit, ten years",
        {"leadership_level": "正科", "post_since": date(2016, 1, 1)},
        "rotation.unit_years",
    ),
    ("正科 head of a unit, a day short", {"leadership_level": "正科", "post_since": date(2016, 1, 2)}, None),
    ("副处, ten years", {"leadership_level": "副处", "post_since": date(2015, 6, 1)}, "rotation.unit_years"),
    (
        "副科 of an internal office, five years",
        {
            "leadership_level": "副科",
            "unit_is_internal_office": True,
            "post_since": date(2021, 1, 1),
        },
        "rotation.office_years",
    ),
    (
        "副科 of an internal office, a day short",
        {
            "leadership_level": "副科",
            "unit_is_internal_office": True,
            "post_since": date(2021, 1, 2),
        },
        None,
    ),
    (
        "股级 heads an internal office",
        {"leadership_level": "股级", "post_since": date(2020, 12, 31)},
        "rotation.office_years",
    ),
    ("no leadership post, twenty years", {"leadership_level": "无", "post_since": date(2005, 1, 1)}, None),
]


@pytest.mark.parametrize(("case", "changes", "rule"), ROTATION, ids=[row[0] for row in ROTATION])
def test_rotation_follows_domain_6(case, changes, rule):
    flag = rotation_due(cadre(**changes))
    assert (flag and flag.reasons[0].rule) == rule


def test_rotation_years_are_settings_and_read_well():
    cy = cadre(leadership_level="正科", post_since=date(2017, 1, 1))
    assert rotation_due(cy) is None
    flag = rotation_due(cy, t(rotation_unit_years=9))
    assert sentence(flag) == "任现职 9 年（单位正副职满 9 年）"


# ----------------------------------------------------------------------------------- evaluate


def test_evaluate_runs_every_rule_in_order():
    cy = cadre(
        suggested_grade="优秀",
        leadership_level="正科",
        post_since=date(2015, 1, 1),
        months=(MonthFact(5, D(-6), (1,)),),
    )
    assert [f.kind for f in evaluate(cy)] == [
        "promotion",
        "rank_promotion",
        "commendation",
        "talk_reminder",
        "rotation_due",
    ]


def test_a_weak_year_raises_every_warning():
    cy = cadre(
        quarters=(q(1, POOR, score=60), q(2, "一般", score=75), q(3, POOR, score=62, deductions="-11", entries=(4,))),
        suggested_grade="不称职",
        category_percentile=D("0.9"),
    )
    assert kinds(cy) == WARNINGS


def test_a_flag_survives_storage_as_json():
    cy = cadre(sanctions=(sanction(date(2027, 3, 31)),), quarters=(q(1, POOR), q(2, score=80), q(3, score=70)))
    for flag in evaluate(cy, t(promotion_min_good_quarters=1, promotion_max_poor_quarters=1)):
        stored = Flag.from_data(json.loads(json.dumps(flag.as_data(), ensure_ascii=False)))
        assert sentence(stored) == sentence(flag)
        assert stored.kind == flag.kind and [r.refs for r in stored.reasons] == [r.refs for r in flag.reasons]


# --------------------------------------------------------------------------------- properties

points = st.decimals(min_value=D(-25), max_value=D(0), places=1)
grades = st.sampled_from(("", *GRADES))
annual = st.sampled_from(("", "优秀", "称职", "基本称职", "不称职"))
days = st.dates(min_value=date(2005, 1, 1), max_value=date(2025, 12, 31))


@st.composite
def quarter_facts(draw):
    numbers = sorted(draw(st.sets(st.integers(1, 4))))
    return tuple(
        QuarterFact(
            n,
            draw(grades),
            draw(st.none() | st.decimals(min_value=D(50), max_value=D(100), places=1)),
            draw(points),
            100 + n,
            (200 + n,),
        )
        for n in numbers
    )


@st.composite
def cadre_years(draw):
    decided = draw(st.dates(min_value=date(2023, 1, 1), max_value=date(2025, 12, 31)))
    sanctions = draw(
        st.lists(
            st.builds(
                SanctionFact,
                st.integers(1, 99),
                st.sampled_from(("政务处分", "党纪处分", "诫勉")),
                st.sampled_from(("警告", "记过")),
                st.just(decided),
                st.dates(min_value=decided, max_value=date(2027, 12, 31)),
                st.none(),
                st.booleans(),
            ),
            max_size=2,
        )
    )
    categories = draw(st.sets(st.sampled_from(("问责", "纪律处分", "工作失误失责"))))
    return CadreYear(
        cadre_id=1,
        year=YEAR,
        as_of=AS_OF,
        rank=draw(st.sampled_from(("", *RANKS))),
        rank_since=draw(days),
        post_since=draw(days),
        leadership_level=draw(st.sampled_from(("正处", "副处", "正科", "副科", "股级", "无"))),
        unit_is_internal_office=draw(st.booleans()),
        on_probation=draw(st.booleans()),
        category_percentile=draw(st.none() | st.decimals(min_value=D(0), max_value=D("0.99"), places=2)),
        suggested_grade=draw(annual),
        final_grade=draw(annual),
        earlier_grades=draw(st.dictionaries(st.integers(2018, 2024), annual, max_size=4)),
        quarters=draw(quarter_facts()),
        months=tuple(
            MonthFact(m, draw(points), (300 + m,)) for m in sorted(draw(st.sets(st.integers(1, 12), max_size=4)))
        ),
        sanctions=tuple(sanctions),
        category_deductions=tuple(CategoryDeduction(c, draw(points), (400 + i,)) for i, c in enumerate(categories)),
        earlier_yellow_cards=tuple(draw(st.sets(st.dates(date(2024, 1, 1), date(2024, 12, 31)), max_size=2))),
    )


@settings(max_examples=300, deadline=None)
@given(cadre_years())
def test_every_flag_reads_as_a_sentence_and_survives_storage(cy):
    flags = evaluate(cy)
    assert [f.kind for f in flags] == [k for k in KINDS if k in {f.kind for f in flags}]
    for flag in flags:
        assert flag.reasons
        assert flag.raised or flag.kind in {"promotion", "rank_promotion", "commendation"}
        text = sentence(flag)
        assert text and "{" not in text
        assert sentence(Flag.from_data(json.loads(json.dumps(flag.as_data())))) == text


@settings(max_examples=300, deadline=None)
@given(cadre_years(), st.decimals(min_value=D(0), max_value=D("0.99"), places=2))
def test_a_better_place_never_removes_an_unblocked_promotion_flag(cy, better):
    flag = promotion(cy)
    if flag is not None and flag.raised:
        assert promotion(replace(cy, category_percentile=min(better, cy.category_percentile))).raised


def _share_above(scores, i):
    """Share of the category strictly above cadre i (ties share the better place): 0 = top."""
    return D(sum(s > scores[i] for s in scores)) / len(scores)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.decimals(min_value=D(60), max_value=D(100), places=1), min_size=1, max_size=40),
    st.decimals(min_value=D(0), max_value=D(20), places=1),
)
def test_raising_a_score_never_removes_an_unblocked_promotion_flag(scores, raise_by):
    before = promotion(cadre(category_percentile=_share_above(scores, 0)))
    raised = [scores[0] + raise_by, *scores[1:]]
    after = promotion(cadre(category_percentile=_share_above(raised, 0)))
    if before is not None and before.raised:
        assert after is not None and after.raised


@dataclass(frozen=True)
class Entry:
    """A deduction as the ledger holds it, with its fault-tolerance outcome."""

    ident: int
    month: int
    category: str
    points: Decimal
    ruling: str  # "" (none or 不予容错), "waived" (免责), "reduced" (减轻)
    reduced_to: Decimal = D(0)

    @property
    def effective(self):
        return {"waived": D(0), "reduced": max(self.points, self.reduced_to)}.get(self.ruling, self.points)


def year_of(entries, grades_=("好", "好", "较好", "较好")):
    """What the caller builds from the ledger: effective points, counted entries only."""
    counted = [e for e in entries if e.effective < 0]

    def total(group):
        return sum((e.effective for e in group), D(0)), tuple(e.ident for e in group)

    months = tuple(MonthFact(m, *total([e for e in counted if e.month == m])) for m in range(1, 13))
    quarters = []
    for n, grade in enumerate(grades_, 1):
        deductions, ids = total([e for e in counted if (e.month - 1) // 3 + 1 == n])
        quarters.append(QuarterFact(n, grade, D(90 + n), deductions, review_id=100 + n, deduction_entry_ids=ids))
    categories = tuple(
        CategoryDeduction(c, *total([e for e in counted if e.category == c]))
        for c in ("问责", "纪律处分", "工作失误失责")
    )
    return cadre(months=months, quarters=tuple(quarters), category_deductions=categories)


entries = st.lists(
    st.builds(
        Entry,
        st.integers(1, 10_000),
        st.integers(1, 12),
        st.sampled_from(("问责", "纪律处分", "工作失误失责", "群众投诉")),
        st.decimals(min_value=D(-20), max_value=D("-0.5"), places=1),
        st.sampled_from(("", "waived", "reduced")),
        st.decimals(min_value=D(-20), max_value=D(0), places=1),
    ),
    max_size=12,
    unique_by=lambda e: e.ident,
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.builds(
            Entry,
            st.integers(1, 10_000),
            st.integers(1, 12),
            st.just("问责"),
            st.decimals(min_value=D(-50), max_value=D("-0.5"), places=1),
            st.just("waived"),
        ),
        max_size=12,
    )
)
def test_waived_deductions_never_trigger_a_warning(waived):
    assert not kinds(year_of(waived)) & WARNINGS


@settings(max_examples=300, deadline=None)
@given(
    entries,
    st.integers(20_000, 30_000),
    st.integers(1, 12),
    st.decimals(min_value=D(-50), max_value=D("-0.5"), places=1),
)
def test_waiving_a_deduction_is_as_if_it_were_not_there(ledger, ident, month, points):
    waived = Entry(ident, month, "纪律处分", points, "waived")
    assert evaluate(year_of([*ledger, waived])) == evaluate(year_of(ledger))


@settings(max_examples=300, deadline=None)
@given(entries)
def test_a_reduction_never_raises_a_warning_the_full_deduction_would_not(ledger):
    full = [replace(e, ruling="") for e in ledger]
    assert kinds(year_of(ledger)) & WARNINGS <= kinds(year_of(full)) & WARNINGS


@settings(max_examples=300, deadline=None)
@given(cadre_years(), st.decimals(min_value=D(0), max_value=D(20), places=1))
def test_heavier_deductions_never_remove_a_warning(cy, extra):
    heavier = replace(
        cy,
        months=tuple(replace(m, deductions=m.deductions - extra) for m in cy.months),
        quarters=tuple(replace(x, deductions=x.deductions - extra) for x in cy.quarters),
        category_deductions=tuple(replace(c, points=c.points - extra) for c in cy.category_deductions),
    )
    assert kinds(cy) & WARNINGS <= kinds(heavier) & WARNINGS


@given(st.integers(1, 6), st.integers(0, 3), st.integers(0, 3))
def test_the_wait_never_shortens_going_up_the_ladder(junior, more, most):
    thresholds = t(
        rank_min_years_junior=junior, rank_min_years_middle=junior + more, rank_min_years_senior=junior + more + most
    )
    waits = [min_years_for_next_rank(rank, thresholds) for rank in reversed(RANKS[1:])]
    assert waits == sorted(waits)
    assert min_years_for_next_rank(RANKS[0], thresholds) is None
    assert waits.count(junior) >= 6


def test_the_default_ladder_takes_29_years_bottom_to_top():
    assert sum(min_years_for_next_rank(rank) for rank in RANKS[1:]) == 6 * 2 + 3 * 3 + 2 * 4


@pytest.mark.parametrize(("excellent", "required"), [(0, 24), (1, 18), (2, 12), (3, 6), (4, 0)])
def test_each_excellent_year_in_the_rank_shortens_the_wait_by_six_months(excellent, required):
    grades_ = {year: "优秀" if year < 2021 + excellent else "称职" for year in range(2021, 2025)}
    flag = rank_promotion(cadre(rank_since=date(2021, 1, 1), earlier_grades=grades_))
    assert flag.reasons[0].threshold == required
