"""The queues restate services.assess_problem / approve_problem as query filters; they must agree."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from assessments.models import QuarterlyReview, ReviewStatus
from assessments.selectors_page import approvable_reviews, assessable_reviews
from assessments.services import approve_problem, assess_problem, review_cycle_open, review_score, review_submit
from tests.factories import UserFactory, grant, make_cadre


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime(2026, 11, 21, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


@pytest.fixture
def people(world):
    """Reviewers at every position relative to the township's cadres, each linked to a cadre or not."""
    head = make_cadre(world.town_a, name="镇长", leadership_level="正科")
    deputy = make_cadre(world.town_a, name="副镇长", leadership_level="副科")
    peer = make_cadre(world.town_a, name="同级", leadership_level="副科")
    office_head = make_cadre(world.office_a, name="办主任", leadership_level="股级")
    county_head = make_cadre(world.county, name="县领导", leadership_level="正处")
    users = [
        world.reviewer,
        grant(UserFactory(username="county"), "reviewer", world.county),
        grant(UserFactory(username="head", cadre=head), "reviewer", world.town_a),
        grant(UserFactory(username="deputy", cadre=deputy), "reviewer", world.town_a),
        grant(UserFactory(username="peer", cadre=peer), "reviewer", world.county),
        grant(UserFactory(username="office", cadre=office_head), "reviewer", world.town_a),
        grant(UserFactory(username="county_head", cadre=county_head), "reviewer", world.county),
        grant(UserFactory(username="self", cadre=world.cadre_a), "reviewer", world.county),
        world.clerk,
        world.committee,
        world.outsider,
    ]
    review_cycle_open(year=2026, quarter=4, unit=world.county)
    return users


def test_the_assessor_queue_holds_exactly_what_each_user_may_assess(world, people):
    reviews = list(QuarterlyReview.objects.select_related("cadre", "cadre__unit"))
    for user in people:
        queued = set(assessable_reviews(user).values_list("id", flat=True))
        allowed = {r.pk for r in reviews if assess_problem(user, r) is None}
        assert queued == allowed, user.username


def test_the_approval_queue_holds_exactly_what_each_user_may_approve(world, people):
    v = Decimal("85")
    for review in QuarterlyReview.objects.select_related("cadre", "cadre__unit"):
        # The township's reviewer assesses what they may; the county reviewer the rest.
        assessor = next(u for u in people[:2] if assess_problem(u, review) is None)
        review_score(
            actor=assessor, review=review, political=v, responsibility=v, problem_solving=v, bottom_line=v, results=v
        )
        review_submit(actor=assessor, review=review)
    reviews = list(QuarterlyReview.objects.filter(status=ReviewStatus.SUBMITTED).select_related("cadre", "cadre__unit"))
    assert len(reviews) > 5
    for user in people:
        queued = set(approvable_reviews(user).values_list("id", flat=True))
        allowed = {r.pk for r in reviews if approve_problem(user, r) is None}
        assert queued == allowed, user.username
