"""Snapshot pages: the list, the committee's freeze form, and a snapshot with what changed since."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import AnnualSummary, CommitteeSnapshot, FlagState
from assessments.services_committee import snapshot_freeze
from tests.factories import UserFactory, grant
from tests.factories_scores import make_flag, make_summary

LIST = reverse("assessments:snapshot-list")
NEW = reverse("assessments:snapshot-new")


def detail(snapshot, **params):
    url = reverse("assessments:snapshot-detail", args=[snapshot.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


@pytest.fixture
def year(world):
    make_summary(world.cadre_a)
    make_summary(world.cadre_b)
    make_flag(world.cadre_a)
    return world


@pytest.fixture
def county_snapshot(world, year):
    return snapshot_freeze(actor=world.committee, year=2025, unit=world.county, title="县委常委会")


def test_the_committee_freezes_a_snapshot_from_the_form(world, as_user, year):
    client = as_user(world.committee)
    assert client.get(NEW).status_code == 200
    response = client.post(
        NEW, {"unit": world.town_a.pk, "year": 2025, "title": "东岭镇年度考核会", "meeting_date": "2026-01-15"}
    )
    snapshot = CommitteeSnapshot.objects.get()
    assert response.status_code == 302 and response.url == detail(snapshot)
    assert (snapshot.summaries, snapshot.flags, str(snapshot.meeting_date)) == (1, 1, "2026-01-15")


def test_an_empty_year_shows_the_error_on_the_form(world, as_user, year):
    response = as_user(world.committee).post(NEW, {"unit": world.town_a.pk, "year": 2019, "title": "会"})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert not CommitteeSnapshot.objects.exists()


def test_a_unit_outside_the_committee_is_not_offered(world, as_user, year):
    committee_a = grant(UserFactory(username="committee_a"), "committee", world.town_a)
    response = as_user(committee_a).post(NEW, {"unit": world.town_b.pk, "year": 2025, "title": "会"})
    assert response.status_code == 200 and "unit" in response.context["form"].errors


def test_the_detail_lists_what_changed_since(world, as_user, county_snapshot):
    AnnualSummary.objects.filter(cadre=world.cadre_b).update(score=Decimal("70"), suggested_grade="基本称职")
    make_flag(world.cadre_b, kind="talk_reminder")
    client = as_user(world.committee)
    response = client.get(detail(county_snapshot))
    assert response.status_code == 200
    assert (response.context["changed_summaries"], response.context["changed_flags"]) == (1, 1)
    [row] = response.context["page"]
    assert row["name"] == "赵强" and row["changes_text"][1][1:] == ("称职", "基本称职")
    flags = client.get(detail(county_snapshot, tab="flags")).context["page"]
    assert [(r["name"], r["kind"], r["kind_text"]) for r in flags] == [("赵强", "raised", "约谈提醒")]
    rows = client.get(detail(county_snapshot, tab="rows")).context["page"]
    assert {r.cadre.name for r in rows} == {"李明", "赵强"}


def test_a_change_reads_with_the_full_width_colon(world, as_user, county_snapshot):
    AnnualSummary.objects.filter(cadre=world.cadre_b).update(suggested_grade="基本称职")
    text = as_user(world.committee).get(detail(county_snapshot)).text
    assert "建议等次： 称职 → <strong>基本称职</strong>" in text
    assert "建议等次:" not in text


def test_a_withdrawn_flag_shows_as_withdrawn_since(world, as_user, county_snapshot):
    from assessments.models import CandidateFlag

    CandidateFlag.objects.update(state=FlagState.WITHDRAWN)
    flags = as_user(world.committee).get(detail(county_snapshot, tab="flags")).context["page"]
    assert [r["kind"] for r in flags] == ["withdrawn"]


def test_a_township_reviewer_does_not_see_a_county_snapshot(world, as_user, county_snapshot):
    town = snapshot_freeze(actor=world.committee, year=2025, unit=world.town_a, title="东岭镇")
    client = as_user(world.reviewer)
    assert list(client.get(LIST).context["page"]) == [town]
    assert client.get(detail(county_snapshot)).status_code == 404
    assert client.get(detail(town)).status_code == 200


def test_the_list_filters_by_year_and_unit(world, as_user, county_snapshot):
    client = as_user(world.committee)
    assert list(client.get(LIST, {"year": 2025}).context["page"]) == [county_snapshot]
    assert list(client.get(LIST, {"year": 2024}).context["page"]) == []
    assert list(client.get(LIST, {"unit": world.town_a.pk}).context["page"]) == []


def test_a_reviewer_may_not_freeze(world, as_user, year):
    client = as_user(world.reviewer)
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, {"unit": world.town_a.pk, "year": 2025, "title": "会"}).status_code == 403


def test_other_roles_are_refused(world, as_user, county_snapshot):
    for user in (world.clerk, world.sysadmin, world.outsider):
        client = as_user(user)
        assert client.get(LIST).status_code == 403
        assert client.get(detail(county_snapshot)).status_code == 403


def test_a_missing_snapshot_is_not_found(world, as_user):
    assert as_user(world.committee).get(reverse("assessments:snapshot-detail", args=[999])).status_code == 404


def test_the_pages_answer_only_their_methods(world, as_user, county_snapshot):
    client = as_user(world.committee)
    assert client.post(LIST).status_code == 405
    assert client.post(detail(county_snapshot)).status_code == 405
    assert client.delete(NEW).status_code == 405


def test_the_list_and_the_frozen_rows_cost_the_same_queries_for_more_rows(world, as_user, county_snapshot):
    from tests.factories import make_cadre

    client = as_user(world.committee)
    client.get(LIST)
    with CaptureQueriesContext(connection) as few_list:
        client.get(LIST)
    with CaptureQueriesContext(connection) as few_rows:
        client.get(detail(county_snapshot, tab="rows"))
    for i in range(12):
        make_summary(make_cadre(world.town_a, name=f"干部{i}"))
    bigger = snapshot_freeze(actor=world.committee, year=2025, unit=world.county, title="第二次")
    for i in range(5):
        snapshot_freeze(actor=world.committee, year=2025, unit=world.town_a, title=f"镇{i}")
    with CaptureQueriesContext(connection) as many_list:
        assert len(client.get(LIST).context["page"]) == 7
    with CaptureQueriesContext(connection) as many_rows:
        assert len(client.get(detail(bigger, tab="rows")).context["page"]) == 14
    assert len(many_list) == len(few_list) and len(many_rows) == len(few_rows)
