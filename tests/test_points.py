from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from records.points import Caps, Item, capped_totals, month_net

D = Decimal


def test_without_caps_totals_are_plain_sums():
    items = [Item(1, "r1", "急难险重", D("2")), Item(1, "r1", "急难险重", D("1")), Item(2, "r2", "通报批评", D("-2"))]
    totals = capped_totals(items, {}, {})
    assert totals == {1: {"急难险重": D("3")}, 2: {"通报批评": D("-2")}}


def test_a_rule_monthly_cap_clips_that_month_only():
    items = [Item(1, "JN01", "急难险重", D("3"))] * 3 + [Item(2, "JN01", "急难险重", D("2"))]
    totals = capped_totals(items, {"JN01": Caps(monthly=D("5"))}, {})
    assert totals[1]["急难险重"] == D("5")
    assert totals[2]["急难险重"] == D("2")


def test_an_annual_cap_is_used_up_by_earlier_months_first():
    items = [Item(m, "BZ04", "表彰奖励", D("2")) for m in (1, 3, 5, 7)]
    totals = capped_totals(items, {"BZ04": Caps(annual=D("6"))}, {})
    assert [totals[m]["表彰奖励"] for m in (1, 3, 5, 7)] == [D("2"), D("2"), D("2"), D("0")]


def test_category_caps_apply_after_rule_caps():
    items = [Item(1, "JN01", "急难险重", D("5")), Item(1, "JN02", "急难险重", D("4"))]
    totals = capped_totals(items, {"JN01": Caps(monthly=D("3"))}, {"急难险重": Caps(monthly=D("6"))})
    assert totals[1]["急难险重"] == D("6")  # 3 (capped) + 4 = 7, then the category's 6


def test_a_reversal_nets_out_inside_the_month():
    items = [Item(4, "ZD02", "重点工作", D("3")), Item(4, "ZD02", "重点工作", D("-3"))]
    assert capped_totals(items, {"ZD02": Caps(annual=D("3"))}, {})[4]["重点工作"] == D("0")


def test_deductions_are_not_capped_by_add_caps():
    items = [Item(1, "JL01", "纪律处分", D("-20")), Item(1, "JN01", "急难险重", D("9"))]
    totals = capped_totals(items, {}, {"急难险重": Caps(monthly=D("6"))})
    assert month_net(totals, 1) == D("-14")


def test_a_waived_deduction_adds_nothing():
    assert month_net(capped_totals([Item(2, "SW01", "工作失误失责", D("0"))], {}, {}), 2) == D("0")


points = st.decimals(min_value=D("0.5"), max_value=D("10"), places=1)
caps = st.one_of(st.none(), st.decimals(min_value=D("1"), max_value=D("20"), places=1))
# A rule belongs to one category, as in the rule book.
RULE_CATEGORY = {"a": "X", "b": "X", "c": "Y"}
items_strategy = st.lists(
    st.builds(
        lambda month, rule, pts: Item(month, rule, RULE_CATEGORY[rule], pts),
        st.integers(1, 12),
        st.sampled_from(sorted(RULE_CATEGORY)),
        points,
    ),
    max_size=40,
)


@settings(max_examples=200, deadline=None)
@given(items_strategy, caps, caps, caps, caps)
def test_no_cap_is_ever_exceeded(items, rule_month, rule_year, cat_month, cat_year):
    rule_caps = {"a": Caps(rule_month, rule_year)}
    cat_caps = {"X": Caps(cat_month, cat_year)}
    totals = capped_totals(items, rule_caps, cat_caps)
    year_x = sum((cats.get("X", D("0")) for cats in totals.values()), D("0"))
    for cats in totals.values():
        if cat_month is not None:
            assert cats.get("X", D("0")) <= cat_month
    if cat_year is not None:
        assert year_x <= cat_year
    raw = sum((i.points for i in items), D("0"))
    assert sum((month_net(totals, m) for m in totals), D("0")) <= raw


@settings(max_examples=100, deadline=None)
@given(items_strategy)
def test_capping_is_order_independent_within_a_year(items):
    assert capped_totals(items, {"a": Caps(D("4"), D("9"))}, {"Y": Caps(D("5"), D("12"))}) == capped_totals(
        list(reversed(items)), {"a": Caps(D("4"), D("9"))}, {"Y": Caps(D("5"), D("12"))}
    )
