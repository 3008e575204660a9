from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from records.models import EntryStatus, LedgerEntry, PointRule
from records.services.ledger import entry_create, month_close
from tests.factories import UserFactory, confirmed_entry, grant, make_entry, rule

ENTRIES = "/api/v1/entries/"


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime(2026, 11, 21, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


@pytest.fixture
def county_reviewer(world):
    return grant(UserFactory(username="reviewer_county"), "reviewer", world.county)


@pytest.fixture
def entries(world):
    """A pending entry each for 李明 (TA), 王芳 (TA1) and 赵强 (TB)."""
    return {
        "a": make_entry(world.cadre_a, by=world.clerk, code="JN04", occurred_on=date(2026, 3, 10)),
        "office": make_entry(
            world.cadre_a_office, by=world.clerk, code="ZD01", points="1", occurred_on=date(2026, 4, 2)
        ),
        "b": make_entry(world.cadre_b, by=world.county_clerk, code="JN04", occurred_on=date(2026, 3, 12)),
    }


def _new(**overrides):
    data = {
        "rule": "JN04",
        "points": "2",
        "facts": "完成G207国道改扩建征地攻坚",
        "document_no": "青重项办〔2026〕12号",
        "occurred_on": "2026-05-06",
    }
    data.update(overrides)
    return data


def _ids(response):
    return {e["id"] for e in response.json()["results"]}


# --- Listing and scope -------------------------------------------------------------------------


def test_it_lists_only_the_entries_of_the_clerks_scope(world, as_user, entries):
    response = as_user(world.clerk).get(ENTRIES)
    assert response.status_code == 200
    assert _ids(response) == {entries["a"].pk, entries["office"].pk}


def test_the_county_committee_sees_every_township(world, as_user, entries):
    assert _ids(as_user(world.committee).get(ENTRIES)) == {e.pk for e in entries.values()}


def test_it_answers_404_for_an_entry_outside_the_scope(world, as_user, entries):
    client = as_user(world.clerk)
    assert client.get(f"{ENTRIES}{entries['b'].pk}/").status_code == 404
    assert client.post(f"{ENTRIES}{entries['b'].pk}/reverse/", {"reason": "错"}).status_code == 404
    assert as_user(world.reviewer).post(f"{ENTRIES}{entries['b'].pk}/confirm/").status_code == 404


def test_it_shows_one_entry_with_its_rule_and_people(world, as_user, entries):
    data = as_user(world.reviewer).get(f"{ENTRIES}{entries['a'].pk}/").json()
    assert data["cadre_name"] == "李明"
    assert (data["rule_code"], data["rule_version"], data["month"]) == ("JN04", 1, "2026-03")
    assert (data["points"], data["effective_points"], data["status"]) == ("2.0", "2.0", "pending")
    assert data["entered_by"] == world.clerk.pk and data["decided_by"] is None
    assert data["reversed_by"] is None and data["ruling"] is None


def test_it_filters_by_cadre_unit_month_status_and_rule_code(world, as_user, entries):
    confirmed = confirmed_entry(world.cadre_a, by=world.clerk, reviewer=world.reviewer, code="ZD01", points="1")
    client = as_user(world.committee)
    assert _ids(client.get(ENTRIES, {"cadre": world.cadre_a.pk})) == {entries["a"].pk, confirmed.pk}
    assert _ids(client.get(ENTRIES, {"unit": world.town_a.pk})) == {entries["a"].pk, entries["office"].pk, confirmed.pk}
    assert _ids(client.get(ENTRIES, {"unit": world.office_a.pk})) == {entries["office"].pk}
    assert _ids(client.get(ENTRIES, {"month": "2026-04"})) == {entries["office"].pk}
    assert _ids(client.get(ENTRIES, {"status": "confirmed"})) == {confirmed.pk}
    assert _ids(client.get(ENTRIES, {"rule_code": "zd01"})) == {entries["office"].pk, confirmed.pk}


def test_a_filter_outside_the_scope_finds_nothing(world, as_user, entries):
    client = as_user(world.clerk)
    assert _ids(client.get(ENTRIES, {"unit": world.town_b.pk})) == set()
    assert _ids(client.get(ENTRIES, {"cadre": world.cadre_b.pk})) == set()


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"month": "2026-13"}, "month"),
        ({"month": "三月"}, "month"),
        ({"status": "done"}, "status"),
        ({"unit": "x"}, "unit"),
    ],
)
def test_a_malformed_filter_answers_400_with_its_name(world, as_user, params, field):
    response = as_user(world.clerk).get(ENTRIES, params)
    assert response.status_code == 400
    assert field in response.json()


def test_the_list_query_count_does_not_grow_with_the_page(world, as_user):
    client = as_user(world.committee)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(ENTRIES, {"size": 100}).status_code == 200
        return len(ctx.captured_queries)

    confirmed_entry(world.cadre_a, by=world.clerk, reviewer=world.reviewer, code="SW01", points="-1")
    few = queries()
    for day in range(1, 9):
        make_entry(world.cadre_a, by=world.clerk, code="JN04", occurred_on=date(2026, 6, day))
        make_entry(world.cadre_b, by=world.county_clerk, code="ZD01", points="1", occurred_on=date(2026, 6, day))
    assert LedgerEntry.objects.count() == 17
    assert queries() == few


def test_it_paginates(world, as_user):
    for day in range(1, 4):
        make_entry(world.cadre_a, by=world.clerk, occurred_on=date(2026, 6, day))
    data = as_user(world.clerk).get(ENTRIES, {"size": 2}).json()
    assert data["count"] == 3 and len(data["results"]) == 2 and data["next"]


# --- Creating ----------------------------------------------------------------------------------


def test_a_clerk_enters_a_pending_entry_by_rule_code(world, as_user):
    response = as_user(world.clerk).post(ENTRIES, _new(cadre=world.cadre_a.pk))
    assert response.status_code == 201
    entry = LedgerEntry.objects.get(pk=response.json()["id"])
    assert (entry.status, entry.entered_by, entry.rule_code, entry.month) == (
        EntryStatus.PENDING,
        world.clerk,
        "JN04",
        date(2026, 5, 1),
    )
    assert str(entry.points) == "2.0" and entry.effective_points == entry.points


def test_it_takes_a_rule_version_by_id(world, as_user):
    response = as_user(world.clerk).post(ENTRIES, _new(cadre=world.cadre_a.pk, rule=str(rule("ZD01").pk), points="1"))
    assert response.status_code == 201
    assert response.json()["rule_code"] == "ZD01"


def test_it_uses_the_rule_version_in_force_on_the_date(world, as_user):
    old = rule("JN04")
    PointRule.objects.filter(pk=old.pk).update(valid_to=date(2026, 4, 30))
    new = PointRule.objects.create(
        code="JN04", version=2, name=old.name, category=old.category, min_points=1, max_points=4,
        valid_from=date(2026, 5, 1),
    )  # fmt: skip
    client = as_user(world.clerk)
    march = client.post(ENTRIES, _new(cadre=world.cadre_a.pk, occurred_on="2026-03-02", document_no="甲1号")).json()
    may = client.post(ENTRIES, _new(cadre=world.cadre_a.pk, points="4", document_no="甲2号")).json()
    assert (march["rule"], may["rule"]) == (old.pk, new.pk)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"points": "5"}, "points"),
        ({"points": "-2"}, "points"),
        ({"points": "1.25"}, "points"),
        ({"document_no": ""}, "document_no"),
        ({"occurred_on": "2026-12-01"}, "occurred_on"),
        ({"rule": "XX99"}, "rule"),
        ({"rule": "JN04", "occurred_on": "2023-06-01"}, "rule"),
        ({"facts": ""}, "facts"),
        ({"occurred_on": "昨天"}, "occurred_on"),
        ({"rule": "²"}, "rule"),
    ],
)
def test_an_invalid_entry_answers_400_with_the_field(world, as_user, overrides, field):
    response = as_user(world.clerk).post(ENTRIES, _new(cadre=world.cadre_a.pk, **overrides))
    assert response.status_code == 400
    assert field in response.json()
    assert not LedgerEntry.objects.exists()


def test_the_same_fact_cannot_be_entered_twice(world, as_user):
    client = as_user(world.clerk)
    assert client.post(ENTRIES, _new(cadre=world.cadre_a.pk)).status_code == 201
    again = client.post(ENTRIES, _new(cadre=world.cadre_a.pk, occurred_on="2026-05-20"))
    assert again.status_code == 400 and "document_no" in again.json()


def test_the_same_fact_under_another_spelling_of_its_document_number_answers_400(world, as_user):
    client = as_user(world.clerk)
    first = client.post(ENTRIES, _new(cadre=world.cadre_a.pk, document_no="青重项办(2026)12号"))
    assert first.status_code == 201 and first.json()["document_no"] == "青重项办〔2026〕12号"
    again = client.post(ENTRIES, _new(cadre=world.cadre_a.pk, document_no="青重项办【２０２６】 12 号"))
    assert again.status_code == 400
    assert again.json()["document_no"] == ["该事项（同一干部、积分项目 JN04、文号 青重项办〔2026〕12号）已录入。"]
    assert LedgerEntry.objects.get().document_no == "青重项办〔2026〕12号"


def test_a_patch_stores_the_canonical_document_number_and_refuses_a_recorded_fact(world, as_user):
    make_entry(world.cadre_a, by=world.clerk, document_no="青政〔2026〕5号")
    entry = make_entry(world.cadre_a, by=world.clerk, document_no="青政〔2026〕6号")
    client = as_user(world.clerk)
    url = f"{ENTRIES}{entry.pk}/"
    clash = client.patch(url, {"document_no": "青政(2026)5号"}, content_type="application/json")
    assert clash.status_code == 400 and "document_no" in clash.json()
    response = client.patch(url, {"document_no": "青政 (2026) 7号"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["document_no"] == "青政〔2026〕7号"


def test_a_closed_month_refuses_entries(world, as_user):
    month_close(actor=world.clerk, unit=world.town_a, month=date(2026, 5, 1))
    response = as_user(world.clerk).post(ENTRIES, _new(cadre=world.cadre_a_office.pk))
    assert response.status_code == 400 and "occurred_on" in response.json()


def test_it_answers_404_for_a_cadre_outside_the_scope(world, as_user):
    assert as_user(world.clerk).post(ENTRIES, _new(cadre=world.cadre_b.pk)).status_code == 404


@pytest.mark.parametrize("who", ["reviewer", "committee"])
def test_only_clerks_enter_points(world, as_user, who):
    response = as_user(getattr(world, who)).post(ENTRIES, _new(cadre=world.cadre_a.pk))
    assert response.status_code == 403
    assert not LedgerEntry.objects.exists()


# --- Confirming and returning ------------------------------------------------------------------


def test_a_reviewer_confirms_what_a_clerk_entered(world, as_user, entries):
    response = as_user(world.reviewer).post(f"{ENTRIES}{entries['a'].pk}/confirm/")
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["decided_by"]) == ("confirmed", world.reviewer.pk)


def test_a_clerk_cannot_confirm(world, as_user, entries):
    assert as_user(world.clerk).post(f"{ENTRIES}{entries['a'].pk}/confirm/").status_code == 403
    entries["a"].refresh_from_db()
    assert entries["a"].status == EntryStatus.PENDING


def test_a_reviewer_cannot_confirm_an_entry_they_entered(world, as_user):
    both = grant(grant(UserFactory(username="clerk_and_reviewer"), "clerk", world.town_a), "reviewer", world.town_a)
    entry = make_entry(world.cadre_a, by=both)
    response = as_user(both).post(f"{ENTRIES}{entry.pk}/confirm/")
    assert response.status_code == 403
    assert "须由他人确认" in response.json()["detail"]
    entry.refresh_from_db()
    assert entry.status == EntryStatus.PENDING


def test_confirming_twice_answers_400(world, as_user, entries):
    client = as_user(world.reviewer)
    client.post(f"{ENTRIES}{entries['a'].pk}/confirm/")
    response = client.post(f"{ENTRIES}{entries['a'].pk}/confirm/")
    assert response.status_code == 400 and "non_field_errors" in response.json()


def test_a_reviewer_returns_an_entry_with_a_reason(world, as_user, entries):
    response = as_user(world.reviewer).post(f"{ENTRIES}{entries['a'].pk}/return/", {"reason": "文号与事由不符"})
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["return_reason"]) == ("returned", "文号与事由不符")


def test_returning_without_a_reason_answers_400_on_reason(world, as_user, entries):
    response = as_user(world.reviewer).post(f"{ENTRIES}{entries['a'].pk}/return/", {"reason": " "})
    assert response.status_code == 400 and "reason" in response.json()


def test_the_committee_reads_but_never_writes(world, as_user, entries):
    client = as_user(world.committee)
    pk = entries["a"].pk
    assert client.get(f"{ENTRIES}{pk}/").status_code == 200
    assert client.post(f"{ENTRIES}{pk}/confirm/").status_code == 403
    assert client.post(f"{ENTRIES}{pk}/return/", {"reason": "不符"}).status_code == 403
    assert client.post(f"{ENTRIES}{pk}/reverse/", {"reason": "不符"}).status_code == 403
    assert client.patch(f"{ENTRIES}{pk}/", {"facts": "改"}, content_type="application/json").status_code == 403


# --- Reversal and edits ------------------------------------------------------------------------


def test_a_confirmed_entry_is_reversed_through_the_api(world, as_user):
    entry = confirmed_entry(world.cadre_a, by=world.clerk, reviewer=world.reviewer, points="3")
    client = as_user(world.clerk)
    response = client.post(f"{ENTRIES}{entry.pk}/reverse/", {"reason": "同一事项重复计分"})
    assert response.status_code == 201
    reversal = response.json()
    assert (reversal["reverses"], reversal["points"], reversal["status"]) == (entry.pk, "-3.0", "pending")
    assert client.get(f"{ENTRIES}{entry.pk}/").json()["reversed_by"] == reversal["id"]
    again = client.post(f"{ENTRIES}{entry.pk}/reverse/", {"reason": "再次冲销"})
    assert again.status_code == 400
    assert as_user(world.reviewer).post(f"{ENTRIES}{reversal['id']}/confirm/").status_code == 200


def test_a_pending_entry_is_not_reversed(world, as_user, entries):
    response = as_user(world.clerk).post(f"{ENTRIES}{entries['a'].pk}/reverse/", {"reason": "错"})
    assert response.status_code == 400


def test_a_reversal_needs_a_reason(world, as_user):
    entry = confirmed_entry(world.cadre_a, by=world.clerk, reviewer=world.reviewer)
    response = as_user(world.clerk).post(f"{ENTRIES}{entry.pk}/reverse/", {})
    assert response.status_code == 400 and "reason" in response.json()


def test_a_reviewer_cannot_reverse(world, as_user):
    entry = confirmed_entry(world.cadre_a, by=world.clerk, reviewer=world.reviewer)
    assert as_user(world.reviewer).post(f"{ENTRIES}{entry.pk}/reverse/", {"reason": "错"}).status_code == 403


def test_a_clerk_patches_a_returned_entry_back_to_pending(world, as_user, entries):
    client = as_user(world.reviewer)
    client.post(f"{ENTRIES}{entries['a'].pk}/return/", {"reason": "分值偏高"})
    response = as_user(world.clerk).patch(
        f"{ENTRIES}{entries['a'].pk}/", {"points": "1"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert (response.json()["points"], response.json()["status"], response.json()["return_reason"]) == (
        "1.0",
        "pending",
        "",
    )


def test_a_confirmed_entry_cannot_be_patched(world, as_user):
    entry = confirmed_entry(world.cadre_a, by=world.clerk, reviewer=world.reviewer)
    response = as_user(world.clerk).patch(f"{ENTRIES}{entry.pk}/", {"points": "1"}, content_type="application/json")
    assert response.status_code == 400
    entry.refresh_from_db()
    assert str(entry.points) == "2.0"


def test_put_and_delete_answer_405(world, as_user, entries):
    client = as_user(world.clerk)
    url = f"{ENTRIES}{entries['a'].pk}/"
    assert client.put(url, _new(cadre=world.cadre_a.pk), content_type="application/json").status_code == 405
    assert client.delete(url).status_code == 405
    assert client.get(f"{url}confirm/").status_code == 405
    assert client.delete(ENTRIES).status_code == 405
    assert LedgerEntry.objects.filter(pk=entries["a"].pk).exists()


def test_the_entry_api_needs_a_record_role(world, as_user, client):
    assert as_user(world.sysadmin).get(ENTRIES).status_code == 403
    assert as_user(world.outsider).post(ENTRIES, _new(cadre=world.cadre_a.pk)).status_code == 403


def test_the_enter_confirm_separation_holds_across_two_clerks(world, as_user):
    """A reviewer who is also a clerk may confirm a colleague's entry, never their own."""
    both = grant(grant(UserFactory(username="both"), "clerk", world.town_a), "reviewer", world.town_a)
    theirs = entry_create(
        actor=both, cadre=world.cadre_a, rule=rule("ZD01"), points=1, facts="按期完成", document_no="乙1号",
        occurred_on=date(2026, 7, 1),
    )  # fmt: skip
    mine = make_entry(world.cadre_a, by=world.clerk)
    client = as_user(both)
    assert client.post(f"{ENTRIES}{mine.pk}/confirm/").status_code == 200
    assert client.post(f"{ENTRIES}{theirs.pk}/confirm/").status_code == 403
    assert as_user(world.reviewer).post(f"{ENTRIES}{theirs.pk}/confirm/").status_code == 200


# --- Rules -------------------------------------------------------------------------------------


def test_any_record_role_reads_the_rule_book(world, as_user):
    for user in (world.clerk, world.reviewer, world.committee):
        data = as_user(user).get("/api/v1/rules/", {"size": 100}).json()
        assert data["count"] == 27
    assert as_user(world.sysadmin).get("/api/v1/rules/").status_code == 403


def test_it_filters_rules_by_date_category_and_code(world, as_user):
    old = rule("BZ04")
    PointRule.objects.filter(pk=old.pk).update(valid_to=date(2025, 12, 31))
    PointRule.objects.create(
        code="BZ04", version=2, name=old.name, category=old.category, min_points=1, max_points=3,
        valid_from=date(2026, 1, 1),
    )  # fmt: skip
    client = as_user(world.clerk)
    versions = client.get("/api/v1/rules/", {"code": "bz04"}).json()["results"]
    assert [r["version"] for r in versions] == [1, 2]
    in_force = client.get("/api/v1/rules/", {"code": "BZ04", "in_force_on": "2025-06-01"}).json()["results"]
    assert [r["version"] for r in in_force] == [1]
    urgent = client.get("/api/v1/rules/", {"category": "急难险重"}).json()["results"]
    assert {r["code"] for r in urgent} == {"JN01", "JN02", "JN03", "JN04", "JN05", "JN06"}
    assert client.get("/api/v1/rules/", {"in_force_on": "someday"}).status_code == 400


def test_the_rule_book_is_read_only_here(world, as_user):
    assert as_user(world.clerk).post("/api/v1/rules/", {"code": "X1"}).status_code == 405
