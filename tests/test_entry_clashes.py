"""The list of entries scoring one fact twice: the same cadre, rule and document number (文号) in
its canonical form, as migration records.0005 left them where the rewrite would have clashed."""

import itertools
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from records.models import LedgerEntry
from records.selectors.clashes import fact_clashes
from records.services.ledger import entry_correct, entry_return, entry_reverse, entry_withdraw
from tests.factories import confirmed_entry, make_cadre, make_entry, rule

NOW = datetime(2026, 11, 21, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
URL = reverse("records:entry-clashes")
_placeholders = itertools.count(1)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _typed(entry, document_no):
    """``entry`` as stored before the canonical form (the services store that form now)."""
    LedgerEntry.objects.filter(pk=entry.pk).update(document_no=document_no)
    entry.document_no = document_no
    return entry


def _left(cadre, by, document_no, **kwargs):
    """An entry whose number is stored as typed, as records.0005 left it."""
    return _typed(make_entry(cadre, by=by, document_no=f"待改{next(_placeholders)}", **kwargs), document_no)


def _pair(cadre, by, number=1, **kwargs):
    """An entry with the canonical number and one typed otherwise."""
    kept = make_entry(cadre, by=by, document_no=f"青政〔2026〕{number}号", **kwargs)
    return kept, _left(cadre, by, f"青政（2026） {number}号", **kwargs)


def _listed(response):
    return {e.pk for e in response.context["page"]}


# --- what counts as the same fact ----------------------------------------------------------------------


def test_it_lists_the_entries_of_a_fact_scored_under_two_spellings(world, as_en):
    kept, left = _pair(world.cadre_a, world.clerk)
    make_entry(world.cadre_a, by=world.clerk, document_no="青政〔2026〕2号")  # another fact
    make_entry(world.cadre_a, by=world.clerk, code="SW01", points="-1", document_no="青政〔2026〕1号")  # another rule
    make_entry(world.cadre_a_office, by=world.clerk, document_no="青政〔2026〕1号")  # another cadre

    response = as_en(world.clerk).get(URL)

    assert response.status_code == 200
    assert _listed(response) == {kept.pk, left.pk}
    rows = {e.pk: e for e in response.context["page"]}
    assert [t.pk for t in rows[left.pk].twins] == [kept.pk]
    assert "青政（2026） 1号" in response.text and "青政〔2026〕1号" in response.text
    assert f"#entry-{kept.pk}" in response.text


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("青政[2026]3号", "青政【2026】3号"),  # neither canonical
        ("青政〔２０２６〕3号", "青政〔2026〕3号"),  # full-width digits
        ("qz〔2026〕3号", "QZ〔2026〕3号"),  # lower-case letters
        ("青政〔2026〕\u200b3号", "青政〔2026〕3号"),  # a zero-width space pasted from Word
        ("青政﹝2026﹞3号", "青政〔2026〕3号"),  # small brackets
    ],
)
def test_it_compares_numbers_in_their_canonical_form(world, first, second):
    a = _left(world.cadre_a, world.clerk, first)
    b = _left(world.cadre_a, world.clerk, second)
    clashes = fact_clashes(world.clerk)
    assert set(clashes) == {a.pk, b.pk}


def test_numbers_that_are_only_alike_are_not_a_clash(world):
    _left(world.cadre_a, world.clerk, "青政(试行)1号")
    _left(world.cadre_a, world.clerk, "青政(试行)2号")
    _left(world.cadre_a, world.clerk, "青政(2025)1号")
    make_entry(world.cadre_a, by=world.clerk, document_no="青政〔2026〕1号")
    assert fact_clashes(world.clerk) == {}


def test_confirmed_and_pending_entries_clash_but_not_returned_ones(world, as_en):
    kept = confirmed_entry(world.cadre_a, by=world.clerk, reviewer=world.reviewer, document_no="青政〔2026〕1号")
    left = _left(world.cadre_a, world.clerk, "青政(2026)1号")
    assert _listed(as_en(world.clerk).get(URL)) == {kept.pk, left.pk}
    entry_return(actor=world.reviewer, entry=left, reason="重复录入")
    assert _listed(as_en(world.clerk).get(URL)) == set()


def test_an_entry_cancelled_by_its_reversal_no_longer_clashes(world):
    kept = confirmed_entry(world.cadre_a, by=world.clerk, reviewer=world.reviewer, document_no="青政〔2026〕1号")
    left = _typed(
        confirmed_entry(world.cadre_a, by=world.clerk, reviewer=world.reviewer, document_no="待改"), "青政(2026)1号"
    )
    assert set(fact_clashes(world.clerk)) == {kept.pk, left.pk}
    reversal = entry_reverse(actor=world.clerk, entry=left, reason="同一事项重复计分")
    assert fact_clashes(world.clerk) == {}
    entry_return(actor=world.reviewer, entry=reversal, reason="冲销理由不足")  # a returned reversal cancels nothing
    assert set(fact_clashes(world.clerk)) == {kept.pk, left.pk}


def _corrected_under_its_own_number(world):
    """A confirmed entry and (its reversal, its correction), the correction under the same 文号."""
    entry = confirmed_entry(world.cadre_a, by=world.clerk, reviewer=world.reviewer, document_no="青政〔2026〕1号")
    return entry, entry_correct(
        actor=world.clerk,
        entry=entry,
        reason="分值录入错误",
        rule=rule("JN04"),
        points=1,
        facts="完成重点项目攻坚",
        document_no="青政〔2026〕1号",
        occurred_on=date(2026, 3, 10),
    )


def test_a_correction_is_not_a_clash_with_the_entry_it_corrects(world):
    _corrected_under_its_own_number(world)
    assert fact_clashes(world.clerk) == {}


def test_a_correction_beside_an_entry_it_no_longer_replaces_is_a_clash(world):
    # Its reversal returned, the original counts again beside the correction, under the same number.
    entry, (reversal, correction) = _corrected_under_its_own_number(world)
    entry_return(actor=world.reviewer, entry=reversal, reason="不必更正")
    assert set(fact_clashes(world.clerk)) == {entry.pk, correction.pk}


def test_the_same_fact_in_two_months_is_a_clash(world):
    kept, left = _pair(world.cadre_a, world.clerk, occurred_on=date(2026, 4, 2))
    march = _left(world.cadre_a, world.clerk, "青政 〔2026〕 1号")
    assert set(fact_clashes(world.clerk)) == {kept.pk, left.pk, march.pk}
    assert {t.month for t in fact_clashes(world.clerk)[march.pk]} == {date(2026, 4, 1)}


# --- scope, filter and roles -----------------------------------------------------------------------------


def test_it_lists_only_the_users_scope(world, as_en):
    mine = set(p.pk for p in _pair(world.cadre_a, world.clerk))
    below = set(p.pk for p in _pair(world.cadre_a_office, world.clerk))
    theirs = set(p.pk for p in _pair(world.cadre_b, world.county_clerk))
    assert _listed(as_en(world.clerk).get(URL)) == mine | below
    assert _listed(as_en(world.reviewer).get(URL)) == mine | below
    county = as_en(world.county_clerk)
    assert _listed(county.get(URL)) == mine | below | theirs
    assert _listed(county.get(URL, {"unit": world.town_b.pk})) == theirs
    assert _listed(county.get(URL, {"unit": world.office_a.pk})) == below


def test_a_unit_outside_the_scope_filters_nothing_in(world, as_en):
    mine = set(p.pk for p in _pair(world.cadre_a, world.clerk))
    _pair(world.cadre_b, world.county_clerk)
    response = as_en(world.clerk).get(URL, {"unit": world.town_b.pk})
    assert response.status_code == 200 and response.context["form"].errors["unit"]
    assert _listed(response) == mine


@pytest.mark.parametrize("who", ["committee", "outsider", "auditor", "sysadmin"])
def test_it_answers_403_to_users_who_do_not_resolve_clashes(world, as_en, who):
    assert as_en(getattr(world, who)).get(URL).status_code == 403


def test_it_answers_405_to_other_methods(world, as_en):
    client = as_en(world.clerk)
    assert client.post(URL).status_code == 405
    assert client.put(URL).status_code == 405


def test_an_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "login" in response.url


# --- resolving them through the existing flows --------------------------------------------------------------


def test_a_clerk_is_offered_the_flows_that_resolve_each_entry(world, as_en):
    kept = confirmed_entry(world.cadre_a, by=world.clerk, reviewer=world.reviewer, document_no="青政〔2026〕1号")
    left = _left(world.cadre_a, world.clerk, "青政(2026)1号")
    text = as_en(world.clerk).get(URL).text
    assert reverse("records:entry-correct", args=[kept.pk]) in text
    assert reverse("records:entry-reverse", args=[kept.pk]) in text
    assert f"{reverse('records:entry-withdraw', args=[left.pk])}?next=" in text
    assert f"{reverse('records:entry-edit', args=[left.pk])}?next=" in text
    assert reverse("records:entry-withdraw", args=[kept.pk]) not in text


def test_a_reviewer_is_offered_no_flow_of_a_clerk(world, as_en):
    kept, left = _pair(world.cadre_a, world.clerk)
    text = as_en(world.reviewer).get(URL).text
    assert "李明" in text
    assert reverse("records:entry-withdraw", args=[left.pk]) not in text
    assert reverse("records:entry-edit", args=[kept.pk]) not in text


def test_a_withdrawn_entry_leaves_the_list(world, as_en):
    _kept, left = _pair(world.cadre_a, world.clerk)
    client = as_en(world.clerk)
    response = client.post(reverse("records:entry-withdraw", args=[left.pk]), {"next": URL})
    assert response.status_code == 302 and response.url == URL
    assert _listed(client.get(URL)) == set()


def test_a_pending_entry_is_withdrawn_through_the_service_too(world):
    kept, left = _pair(world.cadre_a, world.clerk)
    entry_withdraw(actor=world.clerk, entry=left)
    assert fact_clashes(world.clerk) == {}


# --- pages and queries -----------------------------------------------------------------------------------------


def test_it_paginates(world, as_en):
    for n in range(11):
        _pair(world.cadre_a, world.clerk, number=n + 1)
    client = as_en(world.clerk)
    page = client.get(URL).context["page"]
    assert page.paginator.count == 22 and len(page) == 20
    assert len(client.get(URL, {"page": 2}).context["page"]) == 2
    assert len(client.get(URL, {"size": 50}).context["page"]) == 22


def test_the_selector_reads_the_scope_in_one_query(world, django_assert_num_queries):
    for n in range(3):
        _pair(world.cadre_a, world.clerk, number=n + 1)
    world.clerk._role_cache = None
    with django_assert_num_queries(2):  # the user's roles, then the clashes
        assert len(fact_clashes(world.clerk)) == 6


def test_its_query_count_does_not_grow_with_clashes(world, as_en):
    client = as_en(world.clerk)
    _pair(world.cadre_a, world.clerk)
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for n in range(5):
        cadre = make_cadre(world.town_a, name=f"新干部{n}")
        _pair(cadre, world.clerk, number=n + 10)
        make_entry(cadre, by=world.clerk, code="SW01", points="-1")
    with CaptureQueriesContext(connection) as many:
        response = client.get(URL, {"size": 50})
    assert response.context["page"].paginator.count == 12
    assert len(many) == len(few)


# --- the month sheet points to them --------------------------------------------------------------------------


def _sheet(unit):
    return reverse("records:month-sheet", args=[unit.pk, "2026-03"])


def test_the_month_sheet_says_how_many_entries_score_a_fact_twice(world, as_en):
    _pair(world.cadre_a, world.clerk)
    text = as_en(world.clerk).get(_sheet(world.town_a)).text
    assert "2 entries of this unit's cadres score the same fact as another entry." in text
    assert f"{URL}?unit={world.town_a.pk}" in text


def test_the_month_sheet_says_nothing_without_clashes_among_its_cadres(world, as_en):
    make_entry(world.cadre_a, by=world.clerk)
    _pair(world.cadre_a_office, world.clerk)  # a unit below: its own sheet says so
    _pair(world.cadre_b, world.county_clerk)
    text = as_en(world.clerk).get(_sheet(world.town_a)).text
    assert "the same fact as another entry" not in text and f"{URL}?unit=" not in text


def test_the_month_sheet_points_no_committee_member_to_the_list(world, as_en):
    _pair(world.cadre_a, world.clerk)
    assert URL not in as_en(world.committee).get(_sheet(world.town_a)).text


def test_clerks_and_reviewers_find_the_list_in_the_menu(world, as_en):
    home = reverse("core:home")
    assert URL in as_en(world.clerk).get(home).text
    assert URL in as_en(world.reviewer).get(home).text
    assert URL not in as_en(world.committee).get(home).text
