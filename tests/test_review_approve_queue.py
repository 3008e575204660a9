from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import QuarterlyReview, ReviewStatus
from assessments.services import review_cycle_open, review_score, review_submit
from tests.factories import UserFactory, grant, make_cadre

URL = reverse("assessments:approval-queue")


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime(2026, 11, 21, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


def review_of(cadre, quarter=4):
    return QuarterlyReview.objects.get(cadre=cadre, year=2026, quarter=quarter)


def submitted(cadre, by, value="85", quarter=4):
    v = Decimal(value)
    review = review_of(cadre, quarter)
    review_score(actor=by, review=review, political=v, responsibility=v, problem_solving=v, bottom_line=v, results=v)
    return review_submit(actor=by, review=review)


def status(review):
    return QuarterlyReview.objects.get(pk=review.pk).status


def messages_of(response):
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def approver(world):
    return grant(UserFactory(username="reviewer_2"), "reviewer", world.county)


@pytest.fixture
def en(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def cycle(world):
    review_cycle_open(year=2026, quarter=4, unit=world.county)


def listed(client, **params):
    return [r.cadre for r in client.get(URL, params).context["page"]]


def test_it_lists_submitted_reviews_but_not_what_the_reviewer_assessed(world, as_user, approver, cycle):
    submitted(world.cadre_a, world.reviewer)
    submitted(world.cadre_b, approver)
    assert listed(as_user(approver)) == [world.cadre_a]


def test_nobody_is_offered_their_own_review(world, as_user, approver, cycle):
    submitted(world.cadre_a_office, world.reviewer)
    submitted(world.cadre_a, world.reviewer)
    approver.cadre = world.cadre_a_office
    approver.save()
    assert listed(as_user(approver)) == [world.cadre_a]


def test_it_shows_the_score_grade_comment_and_the_units_good_quota(world, as_user, approver, cycle, en):
    review = submitted(world.cadre_a, world.reviewer, "95")
    text = as_user(approver).get(URL).text
    assert "97.00" not in text  # no ledger points: the score is the dimensions' average
    assert "95.00" in text and "好" in text
    assert "好 approved 0 of 1" in text
    assert reverse("assessments:review-detail", args=[review.pk]) in text


def test_a_reviewer_approves_several_reviews_at_once(world, as_user, approver, cycle):
    reviews = [submitted(c, world.reviewer) for c in (world.cadre_a, world.cadre_a_office)]
    response = as_user(approver).post(URL, {"do": "approve", "reviews": [r.pk for r in reviews]})
    assert response.status_code == 302
    assert [level for level, _ in messages_of(response)] == ["success"]
    for review in reviews:
        review.refresh_from_db()
        assert review.status == ReviewStatus.APPROVED
        assert review.approver == approver and review.decided_at is not None


def test_one_rows_button_approves_only_that_review(world, as_user, approver, cycle):
    first, second = (submitted(c, world.reviewer) for c in (world.cadre_a, world.cadre_a_office))
    as_user(approver).post(URL, {"do": f"approve:{first.pk}", "reviews": [second.pk]})
    assert (status(first), status(second)) == (ReviewStatus.APPROVED, ReviewStatus.SUBMITTED)


def test_returning_needs_a_reason(world, as_user, approver, cycle, en):
    review = submitted(world.cadre_a, world.reviewer)
    response = as_user(approver).post(URL, {"do": "return", "reviews": [review.pk], "reason": "  "})
    assert response.status_code == 200
    assert response.context["decision"].errors["reason"]
    assert review.pk in response.context["selected"]
    assert status(review) == ReviewStatus.SUBMITTED


def test_returning_sends_the_review_back_with_the_reason(world, as_user, approver, cycle):
    reviews = [submitted(c, world.reviewer) for c in (world.cadre_a, world.cadre_a_office)]
    response = as_user(approver).post(URL, {"do": f"return:{reviews[0].pk}", "reason": "政治定力评分缺少依据"})
    assert response.status_code == 302
    reviews[0].refresh_from_db()
    assert reviews[0].status == ReviewStatus.RETURNED
    assert reviews[0].return_reason == "政治定力评分缺少依据"
    assert status(reviews[1]) == ReviewStatus.SUBMITTED


def test_the_assessor_cannot_approve_their_own_assessment(world, as_user, approver, cycle, en):
    review = submitted(world.cadre_a, world.reviewer)
    response = as_user(world.reviewer).post(URL, {"do": f"approve:{review.pk}"})
    assert response.status_code == 302
    assert messages_of(response) == [("error", "李明 2026Q4: Whoever assessed a review cannot approve it.")]
    assert status(review) == ReviewStatus.SUBMITTED


def test_the_cadre_cannot_approve_their_own_review(world, as_user, approver, cycle, en):
    review = submitted(world.cadre_a, world.reviewer)
    own = grant(UserFactory(username="li", cadre=world.cadre_a), "reviewer", world.county)
    response = as_user(own).post(URL, {"do": "approve", "reviews": [review.pk]})
    assert messages_of(response) == [("error", "李明 2026Q4: Nobody approves their own review.")]
    assert status(review) == ReviewStatus.SUBMITTED


def test_a_peer_may_approve_what_a_superior_assessed(world, as_user, cycle):
    # 上级考下级 binds the assessor; the approver only needs to be someone else in scope.
    peer = grant(UserFactory(username="peer", cadre=make_cadre(world.town_a, name="同级")), "reviewer", world.town_a)
    boss_user = grant(
        UserFactory(username="boss", cadre=make_cadre(world.town_a, name="上级", leadership_level="正科")),
        "reviewer",
        world.town_a,
    )
    review = submitted(world.cadre_a, boss_user)
    as_user(peer).post(URL, {"do": f"approve:{review.pk}"})
    assert status(review) == ReviewStatus.APPROVED


def test_the_good_quota_stops_an_approval_and_says_so(world, as_user, approver, en):
    make_cadre(world.town_a, name="陈一")
    make_cadre(world.town_a, name="陈二")
    review_cycle_open(year=2026, quarter=4, unit=world.county)
    # Three cadres in the township: 40% allows one 好.
    goods = [submitted(r.cadre, world.reviewer, "95") for r in QuarterlyReview.objects.filter(unit=world.town_a)[:2]]
    response = as_user(approver).post(URL, {"do": "approve", "reviews": [r.pk for r in goods]})
    levels = messages_of(response)
    assert levels[0] == ("success", "1 review approved.")
    assert levels[1][0] == "error" and "The 好 quota of this unit is used: 1 of 1." in levels[1][1]
    assert sorted(status(r) for r in goods) == [ReviewStatus.APPROVED, ReviewStatus.SUBMITTED]
    text = as_user(approver).get(URL).text
    assert "好 approved 1 of 1" in text and "quota-full" in text


def test_it_filters_by_unit_quarter_and_grade(world, as_user, approver):
    review_cycle_open(year=2026, quarter=3, unit=world.county)
    review_cycle_open(year=2026, quarter=4, unit=world.county)
    submitted(world.cadre_a, world.reviewer, "95")
    submitted(world.cadre_a_office, world.reviewer, "75")
    submitted(world.cadre_a, world.reviewer, "75", quarter=3)
    client = as_user(approver)
    assert len(listed(client)) == 3
    assert listed(client, grade="好") == [world.cadre_a]
    assert listed(client, unit=world.office_a.pk) == [world.cadre_a_office]
    assert listed(client, year=2026, quarter=3) == [world.cadre_a]


def test_choosing_nothing_is_explained(world, as_user, approver, cycle, en):
    review = submitted(world.cadre_a, world.reviewer)
    client = as_user(approver)
    assert "Tick at least one review first." in client.post(URL, {"do": "approve"}).text
    assert "Choose to approve or to return." in client.post(URL, {"reviews": [review.pk]}).text
    assert status(review) == ReviewStatus.SUBMITTED


def test_one_rows_button_for_a_review_outside_the_scope_is_404(world, as_user, approver, cycle):
    other = submitted(world.cadre_b, approver)
    assert as_user(world.reviewer).post(URL, {"do": f"approve:{other.pk}"}).status_code == 404
    assert status(other) == ReviewStatus.SUBMITTED


def test_ticked_reviews_outside_the_scope_are_reported_not_decided(world, as_user, approver, cycle, en):
    other = submitted(world.cadre_b, approver)
    mine = submitted(world.cadre_a, approver)
    response = as_user(world.reviewer).post(URL, {"do": "approve", "reviews": [other.pk, mine.pk]})
    assert ("error", "1 selected review no longer exists or is outside your scope.") in messages_of(response)
    assert (status(other), status(mine)) == (ReviewStatus.SUBMITTED, ReviewStatus.APPROVED)


def _count(client):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(URL, {"size": 100}).status_code == 200
    return len(ctx.captured_queries)


def test_its_query_count_does_not_grow_with_the_number_of_rows(world, as_user, approver):
    for i in range(30):
        make_cadre(world.office_a if i % 2 else world.town_a, name=f"干部{i}")
    review_cycle_open(year=2026, quarter=4, unit=world.county)
    reviews = list(QuarterlyReview.objects.filter(unit__in=[world.town_a, world.office_a]).order_by("id"))
    for review in reviews[:3]:
        submitted(review.cadre, world.reviewer, "95")
    few = _count(as_user(approver))
    for review in reviews[3:]:
        submitted(review.cadre, world.reviewer, "85")
    assert _count(as_user(approver)) == few


@pytest.mark.parametrize("role", ["clerk", "committee", "sysadmin", "outsider"])
def test_roles_other_than_reviewer_get_403(world, as_user, cycle, role):
    review = submitted(world.cadre_a, world.reviewer)
    client = as_user(getattr(world, role))
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"do": f"approve:{review.pk}"}).status_code == 403
    assert status(review) == ReviewStatus.SUBMITTED


@pytest.mark.parametrize("method", ["put", "delete"])
def test_other_methods_get_405(world, as_user, method):
    assert getattr(as_user(world.reviewer), method)(URL).status_code == 405
