from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import QuarterlyReview
from assessments.services import review_approve, review_cycle_open, review_return, review_score, review_submit
from tests.factories import UserFactory, grant, make_cadre

URL = reverse("assessments:assessor-queue")


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime(2026, 11, 21, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


def review_of(cadre, year=2026, quarter=4):
    return QuarterlyReview.objects.get(cadre=cadre, year=year, quarter=quarter)


def scored(review, by, value="85"):
    v = Decimal(value)
    review_score(actor=by, review=review, political=v, responsibility=v, problem_solving=v, bottom_line=v, results=v)
    return review_submit(actor=by, review=review)


def listed(client, **params):
    return [r.cadre for r in client.get(URL, params).context["page"]]


@pytest.fixture
def cycle(world):
    review_cycle_open(year=2026, quarter=4, unit=world.county)


def test_it_lists_draft_reviews_of_cadres_in_the_reviewers_units_only(world, as_user, cycle):
    assert set(listed(as_user(world.reviewer))) == {world.cadre_a, world.cadre_a_office}


def test_submitted_and_approved_reviews_leave_the_queue_and_returned_ones_come_back(world, as_user, cycle):
    approver = grant(UserFactory(username="reviewer_2"), "reviewer", world.county)
    review_approve(actor=approver, review=scored(review_of(world.cadre_a), world.reviewer))
    submitted = scored(review_of(world.cadre_a_office), world.reviewer)
    client = as_user(world.reviewer)
    assert listed(client) == []
    review_return(actor=approver, review=submitted, reason="担当精神评分依据不足")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(URL)
    assert [r.cadre for r in response.context["page"]] == [world.cadre_a_office]
    assert "担当精神评分依据不足" in response.text
    assert reverse("assessments:review-score", args=[submitted.pk]) in response.text


def test_a_reviewer_never_sees_their_own_review_nor_a_peers(world, as_user):
    own = make_cadre(world.town_a, name="周队长", leadership_level="副科")
    peer = make_cadre(world.town_a, name="钱副科", leadership_level="副科")
    boss = make_cadre(world.town_a, name="孙书记", leadership_level="正科")
    review_cycle_open(year=2026, quarter=4, unit=world.county)
    user = grant(UserFactory(username="zhou", cadre=own), "reviewer", world.town_a)
    cadres = set(listed(as_user(user)))
    assert own not in cadres and peer not in cadres and boss not in cadres
    # Subordinates: a lower level in the same unit, and anyone in a unit below.
    assert cadres == {world.cadre_a, world.cadre_a_office}


def test_a_reviewer_of_a_lower_unit_does_not_assess_the_unit_above(world, as_user, cycle):
    office = make_cadre(world.office_a, name="吴主任", leadership_level="正科")
    user = grant(UserFactory(username="wu", cadre=office), "reviewer", world.town_a)
    # The township's cadre sits above the office; the office's own staff sit below its head.
    assert listed(as_user(user)) == [world.cadre_a_office]


def test_it_filters_by_unit_year_quarter_and_status(world, as_user, cycle):
    review_cycle_open(year=2026, quarter=3, unit=world.county)
    approver = grant(UserFactory(username="reviewer_2"), "reviewer", world.county)
    review_return(actor=approver, review=scored(review_of(world.cadre_a, quarter=3), world.reviewer), reason="重评")
    client = as_user(world.reviewer)
    assert len(listed(client)) == 4
    assert set(listed(client, unit=world.office_a.pk)) == {world.cadre_a_office}
    assert len(listed(client, year=2026, quarter=3)) == 2
    assert listed(client, status="returned") == [world.cadre_a]
    assert len(listed(client, year=2025)) == 0


def test_a_unit_outside_the_reviewers_scope_is_not_a_filter(world, as_user, cycle):
    response = as_user(world.reviewer).get(URL, {"unit": world.town_b.pk})
    assert response.context["form"].errors["unit"]
    assert len(response.context["page"]) == 2


def _count(client, **params):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(URL, params).status_code == 200
    return len(ctx.captured_queries)


def test_its_query_count_does_not_grow_with_page_size(world, as_user):
    for i in range(60):
        make_cadre(world.office_a if i % 2 else world.town_a, name=f"干部{i}")
    review_cycle_open(year=2026, quarter=4, unit=world.county)
    approver = grant(UserFactory(username="reviewer_2"), "reviewer", world.county)
    review_return(actor=approver, review=scored(review_of(world.cadre_a), world.reviewer), reason="重评")
    client = as_user(world.reviewer)
    assert _count(client, size=20) == _count(client, size=50) == _count(client, size=100)


@pytest.mark.parametrize("role", ["clerk", "committee", "sysadmin", "outsider"])
def test_roles_other_than_reviewer_get_403(world, as_user, role):
    assert as_user(getattr(world, role)).get(URL).status_code == 403


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_it_only_answers_get(world, as_user, method):
    assert getattr(as_user(world.reviewer), method)(URL).status_code == 405
