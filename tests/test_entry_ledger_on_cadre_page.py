"""The ledger, sanctions and talks sections of the cadre page (records:cadre-detail)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from records.models import SanctionMeasure
from records.services.ledger import entry_correct, entry_return, entry_reverse
from records.services.sanctions import sanction_create, talk_create
from tests.factories import confirmed_entry, make_entry, rule

NOW = datetime(2026, 11, 21, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _url(cadre, year=None):
    url = reverse("records:cadre-detail", args=[cadre.pk])
    return f"{url}?year={year}" if year else url


def test_it_shows_the_years_entries_and_capped_month_totals(world, as_en):
    # 急难险重 is capped at 6 a month: 3 + 5 confirmed count 6.
    confirmed_entry(world.cadre_a, by=world.clerk, reviewer=world.reviewer, code="JN04", points="3")
    confirmed_entry(world.cadre_a, by=world.clerk, reviewer=world.reviewer, code="JN05", points="5")
    make_entry(world.cadre_a, by=world.clerk, code="ZD01", points="1")
    response = as_en(world.reviewer).get(_url(world.cadre_a))
    months = {m["number"]: m for m in response.context["ledger_months"]}
    assert months[3]["counted"] == 6 and months[3]["recorded"] == 8 and months[3]["pending"] == 1
    text = response.text
    assert "Counted after caps <strong>+6.0</strong>" in text
    assert "Confirmed before caps <strong>+8.0</strong>" in text
    assert "JN05 招商引资项目签约落地" in text and "ZD01" in text


def test_it_explains_by_category_which_caps_cut_the_counted_points(world, as_en):
    confirmed_entry(world.cadre_a, by=world.clerk, reviewer=world.reviewer, code="JN01", points="3")
    confirmed_entry(world.cadre_a, by=world.clerk, reviewer=world.reviewer, code="JN05", points="5")
    confirmed_entry(world.cadre_a, by=world.clerk, reviewer=world.reviewer, code="SW01", points="-1")
    make_entry(world.cadre_a, by=world.clerk, code="ZD01", points="1")  # pending: not in the breakdown
    response = as_en(world.reviewer).get(_url(world.cadre_a))
    rows = {c["category"]: c for c in response.context["ledger"]["categories"]}
    assert list(rows) == ["急难险重", "工作失误失责"]
    urgent = rows["急难险重"]
    assert (urgent["raw"], urgent["counted"], urgent["caps"].monthly, urgent["caps"].annual) == (8, 6, 6, 20)
    assert [code for code, _caps in urgent["rule_caps"]] == ["JN01"]  # JN05 has no cap of its own
    assert (rows["工作失误失责"]["raw"], rows["工作失误失责"]["counted"]) == (-1, -1)
    text = response.text
    assert '<tr class="capped">\n        <td>急难险重</td>' in text
    assert "JN01 monthly cap 5.0" in text
    assert "Caps cut the points that count, month by month" in text


def test_it_links_to_other_years_with_entries(world, as_en):
    make_entry(world.cadre_a, by=world.clerk, occurred_on=date(2025, 6, 3))
    client = as_en(world.reviewer)
    text = client.get(_url(world.cadre_a)).text
    assert 'href="?year=2025#ledger"' in text and "No entries in 2026." in text
    text = client.get(_url(world.cadre_a, 2025)).text
    assert "2025-06-03" in text and 'href="?year=2026#ledger"' in text


def test_a_bad_year_falls_back_to_this_year(world, as_en):
    response = as_en(world.reviewer).get(_url(world.cadre_a) + "?year=abc")
    assert response.status_code == 200 and response.context["ledger_year"] == 2026


def test_the_clerk_sees_a_returned_entrys_reason_and_its_actions(world, as_en):
    entry = make_entry(world.cadre_a, by=world.clerk)
    entry_return(actor=world.reviewer, entry=entry, reason="事由与文号不符")
    text = as_en(world.clerk).get(_url(world.cadre_a)).text
    assert "Returned:</strong> 事由与文号不符" in text
    assert reverse("records:entry-edit", args=[entry.pk]) in text
    assert reverse("records:entry-withdraw", args=[entry.pk]) in text


def test_the_clerk_may_reverse_or_correct_a_confirmed_entry_only(world, as_en):
    entry = confirmed_entry(world.cadre_a, by=world.clerk, reviewer=world.reviewer)
    text = as_en(world.clerk).get(_url(world.cadre_a)).text
    assert reverse("records:entry-reverse", args=[entry.pk]) in text
    assert reverse("records:entry-correct", args=[entry.pk]) in text
    assert reverse("records:entry-edit", args=[entry.pk]) not in text
    assert reverse("records:entry-withdraw", args=[entry.pk]) not in text


def test_read_only_roles_see_no_actions(world, as_en):
    entry = make_entry(world.cadre_a, by=world.clerk)
    text = as_en(world.committee).get(_url(world.cadre_a)).text
    assert entry.document_no in text
    assert reverse("records:entry-edit", args=[entry.pk]) not in text
    assert reverse("records:entry-new", args=[world.cadre_a.pk]) not in text
    assert reverse("records:sanction-new", args=[world.cadre_a.pk]) not in text
    assert reverse("records:talk-new", args=[world.cadre_a.pk]) not in text


def _corrected(world):
    """A confirmed entry and (its reversal, its correction), the correction under the same 文号."""
    corrected = confirmed_entry(world.cadre_a, by=world.clerk, reviewer=world.reviewer, points="3")
    return corrected, entry_correct(
        actor=world.clerk,
        entry=corrected,
        reason="分值有误",
        rule=rule("JN04"),
        points=1,
        facts="更正后的事由",
        document_no=corrected.document_no,
        occurred_on=corrected.occurred_on,
    )


def test_it_links_a_reversal_and_a_correction_to_the_original(world, as_en):
    reversed_one = confirmed_entry(world.cadre_a, by=world.clerk, reviewer=world.reviewer)
    reversal = entry_reverse(actor=world.clerk, entry=reversed_one, reason="重复录入")
    corrected, (back, correction) = _corrected(world)
    text = as_en(world.clerk).get(_url(world.cadre_a)).text
    assert f'<a class="badge info" href="#entry-{reversed_one.pk}">Reversal</a>' in text
    assert f'Reversed: <a href="#entry-{reversal.pk}">' in text
    assert f'<a class="badge info" href="#entry-{corrected.pk}">Reversal</a>' in text
    assert f'<a class="badge info" href="#entry-{corrected.pk}">Correction</a>' in text
    assert f'Corrected: <a href="#entry-{back.pk}">reversal</a>' in text
    assert reverse("records:entry-reverse", args=[reversed_one.pk]) not in text
    assert reverse("records:entry-reverse", args=[reversal.pk]) not in text
    assert reverse("records:entry-edit", args=[reversal.pk]) not in text
    assert reverse("records:entry-withdraw", args=[reversal.pk]) in text


def test_a_returned_reversal_shows_on_the_original_with_its_reason_and_the_way_out(world, as_en):
    corrected, (back, correction) = _corrected(world)
    entry_return(actor=world.reviewer, entry=back, reason="分值无误，不应更正")
    withdraw = reverse("records:entry-withdraw", args=[back.pk])
    text = as_en(world.clerk).get(_url(world.cadre_a)).text
    assert f'<tr id="entry-{corrected.pk}" class="entry-confirmed">' in text  # still counts: not struck through
    assert "Reversal returned:</strong> 分值无误，不应更正" in text
    assert f'<a href="#entry-{back.pk}">see the reversal</a>' in text
    assert f'<a href="{withdraw}">Withdraw the reversal</a>' in text
    assert "Corrected:" not in text
    text = as_en(world.committee).get(_url(world.cadre_a)).text
    assert "Reversal returned:</strong> 分值无误，不应更正" in text and withdraw not in text


def test_it_lists_sanctions_with_their_impact_period_and_talks(world, as_en):
    warning = SanctionMeasure.objects.get(kind="政务处分", name="警告")
    demerit = SanctionMeasure.objects.get(kind="政务处分", name="记过")
    sanction_create(
        actor=world.clerk,
        cadre=world.cadre_a,
        measure=warning,
        decided_on=date(2026, 1, 5),
        document_no="青纪〔2026〕1号",
        reason="违反工作纪律",
    )
    sanction_create(
        actor=world.clerk,
        cadre=world.cadre_a,
        measure=demerit,
        decided_on=date(2026, 6, 1),
        document_no="青纪〔2026〕9号",
        reason="失职",
    )
    talk_create(
        actor=world.clerk,
        cadre=world.cadre_a,
        kind="提醒谈话",
        held_on=date(2026, 7, 1),
        talker="组织部 张部长",
        summary="提醒注意工作方法",
    )
    client = as_en(world.clerk)
    response = client.get(_url(world.cadre_a))
    active = {s.document_no: s.active for s in response.context["sanctions"]}
    assert active == {"青纪〔2026〕1号": False, "青纪〔2026〕9号": True}
    text = response.text
    assert "2026-07-04" in text and "2027-05-31" in text and "in force" in text
    assert "组织部 张部长" in text and "提醒注意工作方法" in text
    assert reverse("records:sanction-new", args=[world.cadre_a.pk]) in text
    assert reverse("records:talk-new", args=[world.cadre_a.pk]) in text


def test_its_query_count_does_not_grow_with_entries(world, as_en):
    client = as_en(world.clerk)

    def add(n, start):
        for i in range(n):
            day = date(2026, 1 + (start + i) % 10, 1 + (start + i) % 27)
            if i % 3 == 0:
                entry = confirmed_entry(world.cadre_a, by=world.clerk, reviewer=world.reviewer, occurred_on=day)
                entry_reverse(actor=world.clerk, entry=entry, reason="重复")
            elif i % 3 == 1:
                entry = make_entry(world.cadre_a, by=world.clerk, occurred_on=day)
                entry_return(actor=world.reviewer, entry=entry, reason="退回")
            else:
                make_entry(world.cadre_a, by=world.clerk, code="SW01", points="-1", occurred_on=day)

    add(3, 0)
    with CaptureQueriesContext(connection) as few:
        client.get(_url(world.cadre_a))
    add(27, 3)
    with CaptureQueriesContext(connection) as many:
        response = client.get(_url(world.cadre_a))
    assert len(response.context["ledger"]["entries"]) == 40
    assert len(many) == len(few)
