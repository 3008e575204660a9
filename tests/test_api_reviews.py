"""/api/v1/quarterly-reviews/: list and retrieve through the user's scope, and one action per workflow step,
each enforcing who may take it (上级考下级; neither the assessor nor the cadre approves)."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.models import QuarterlyReview, ReviewStatus
from assessments.services import review_approve, review_cycle_open, review_score, review_submit
from tests.factories import UserFactory, grant, make_cadre

REVIEWS = "/api/v1/quarterly-reviews/"


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime(2026, 11, 21, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


@pytest.fixture
def cycle(world):
    """2026 Q3 opened for the county: a draft review each for 李明 (TA), 王芳 (TA1) and 赵强 (TB)."""
    review_cycle_open(unit=world.county, year=2026, quarter=3)
    return {
        "a": QuarterlyReview.objects.get(cadre=world.cadre_a),
        "office": QuarterlyReview.objects.get(cadre=world.cadre_a_office),
        "b": QuarterlyReview.objects.get(cadre=world.cadre_b),
    }


@pytest.fixture
def second_reviewer(world):
    """A county reviewer: approves what township A's reviewer assessed."""
    return grant(UserFactory(username="reviewer_2"), "reviewer", world.county)


def reviewer_who_is(cadre, scope, username):
    """A reviewer whose own cadre record is ``cadre``."""
    user = grant(UserFactory(username=username), "reviewer", scope)
    user.cadre = cadre
    user.save(update_fields=["cadre"])
    return user


def url(review, action=""):
    return f"{REVIEWS}{review.pk}/{action + '/' if action else ''}"


def scores(value="90", **overrides):
    data = dict.fromkeys(("political", "responsibility", "problem_solving", "bottom_line", "results"), value)
    data["comment"] = "工作扎实，群众认可"
    data.update(overrides)
    return data


def post(client, path, data=None):
    return client.post(path, data or {}, content_type="application/json")


def scored(review, by, value="90", **kwargs):
    return review_score(
        actor=by, review=review, **{k: Decimal(v) for k, v in scores(value).items() if k != "comment"}, **kwargs
    )


def submitted(review, by):
    return review_submit(actor=by, review=scored(review, by))


def _ids(response):
    assert response.status_code == 200, response.content
    return {r["id"] for r in response.json()["results"]}


# --- Listing and scope -------------------------------------------------------------------------


def test_it_lists_only_the_reviews_of_the_users_scope(world, as_user, cycle):
    assert _ids(as_user(world.reviewer).get(REVIEWS)) == {cycle["a"].pk, cycle["office"].pk}
    assert _ids(as_user(world.clerk).get(REVIEWS)) == {cycle["a"].pk, cycle["office"].pk}
    assert _ids(as_user(world.committee).get(REVIEWS)) == {r.pk for r in cycle.values()}


def test_it_filters_by_unit_with_its_subunits(world, as_user, cycle):
    client = as_user(world.committee)

    assert _ids(client.get(REVIEWS, {"unit": world.town_a.pk})) == {cycle["a"].pk, cycle["office"].pk}
    assert _ids(client.get(REVIEWS, {"unit": world.office_a.pk})) == {cycle["office"].pk}
    assert _ids(client.get(REVIEWS, {"unit": world.town_b.pk})) == {cycle["b"].pk}


def test_it_filters_by_year_quarter_status_grade_and_cadre(world, as_user, cycle):
    review_cycle_open(unit=world.county, year=2026, quarter=2)
    submitted(cycle["a"], world.reviewer)
    scored(cycle["office"], world.reviewer, "75")
    client = as_user(world.committee)

    assert len(_ids(client.get(REVIEWS, {"year": 2026}))) == 6
    assert _ids(client.get(REVIEWS, {"year": 2025})) == set()
    assert _ids(client.get(REVIEWS, {"quarter": 3})) == {r.pk for r in cycle.values()}
    assert _ids(client.get(REVIEWS, {"status": "submitted"})) == {cycle["a"].pk}
    assert _ids(client.get(REVIEWS, {"grade": "一般"})) == {cycle["office"].pk}
    assert _ids(client.get(REVIEWS, {"cadre": world.cadre_b.pk, "quarter": 3})) == {cycle["b"].pk}


def test_a_filter_cannot_widen_the_scope(world, as_user, cycle):
    client = as_user(world.reviewer)

    assert _ids(client.get(REVIEWS, {"unit": world.town_b.pk})) == set()
    assert _ids(client.get(REVIEWS, {"cadre": world.cadre_b.pk})) == set()


@pytest.mark.parametrize("params", [{"quarter": 5}, {"status": "done"}, {"grade": "优秀"}, {"year": "明年"}])
def test_a_bad_filter_answers_400(world, as_user, cycle, params):
    response = as_user(world.committee).get(REVIEWS, params)

    assert response.status_code == 400
    assert set(response.json()) == set(params)


def test_the_list_query_count_does_not_grow_with_the_reviews(world, as_user, cycle):
    client = as_user(world.committee)
    submitted(cycle["a"], world.reviewer)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(REVIEWS).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for n in range(12):
        make_cadre(world.town_b, name=f"干部{n}", staff_no=f"B1{n:03d}")
    review_cycle_open(unit=world.county, year=2026, quarter=3)
    submitted(QuarterlyReview.objects.get(cadre__staff_no="B1000"), grant(UserFactory(), "reviewer", world.town_b))

    assert count() == few


def test_the_list_is_paginated(world, as_user, cycle):
    data = as_user(world.committee).get(REVIEWS, {"size": 2}).json()

    assert data["count"] == 3 and len(data["results"]) == 2 and data["next"]


def test_it_shows_one_review_with_its_cadre_scores_and_people(world, as_user, cycle):
    submitted(cycle["a"], world.reviewer)

    data = as_user(world.committee).get(url(cycle["a"])).json()

    assert (data["cadre_name"], data["staff_no"], data["unit_name"]) == ("李明", "A0001", "东岭镇")
    assert (data["year"], data["quarter"], data["status"]) == (2026, 3, "submitted")
    assert (data["political"], data["score"], data["suggested_grade"], data["grade"]) == ("90.00", "90.00", "好", "好")
    assert data["assessor"] == world.reviewer.pk and data["approver"] is None


def test_a_review_outside_the_scope_is_404(world, as_user, cycle):
    client = as_user(world.reviewer)

    assert client.get(url(cycle["b"])).status_code == 404
    for action in ("score", "submit", "approve", "return", "reopen"):
        assert post(client, url(cycle["b"], action), scores()).status_code == 404


def test_an_unknown_review_is_404(world, as_user, cycle):
    assert as_user(world.committee).get(f"{REVIEWS}999999/").status_code == 404


@pytest.mark.parametrize("role", ["outsider", "sysadmin", "secadmin", "auditor"])
def test_a_user_without_a_records_role_gets_403_everywhere(world, as_user, cycle, role):
    client = as_user(getattr(world, role))

    assert client.get(REVIEWS).status_code == 403
    assert client.get(url(cycle["a"])).status_code == 403
    assert post(client, url(cycle["a"], "score"), scores()).status_code == 403


def test_an_anonymous_caller_gets_403(db, client, cycle):
    assert client.get(REVIEWS).status_code == 403


# --- Scoring: superiors assess subordinates ------------------------------------------------------


def test_a_reviewer_above_the_cadre_scores_a_review(world, as_user, cycle):
    response = post(as_user(world.reviewer), url(cycle["a"], "score"), scores("90", mass_score="40"))

    assert response.status_code == 200, response.content
    data = response.json()
    # (90 × 0.8 + 40 × 0.2) = 80: 较好 suggested.
    assert (data["status"], data["score"], data["suggested_grade"], data["grade"]) == ("draft", "80.00", "较好", "较好")
    assert (data["mass_score"], data["comment"], data["assessor"]) == ("40.00", "工作扎实，群众认可", world.reviewer.pk)


def test_the_assessor_may_lower_the_grade(world, as_user, cycle):
    response = post(as_user(world.reviewer), url(cycle["a"], "score"), scores("95", grade="一般"))

    assert (response.json()["suggested_grade"], response.json()["grade"]) == ("好", "一般")


def test_a_grade_above_the_suggestion_is_400_on_the_grade(world, as_user, cycle):
    response = post(as_user(world.reviewer), url(cycle["a"], "score"), scores("75", grade="好"))

    assert response.status_code == 400
    assert "grade" in response.json()
    assert QuarterlyReview.objects.get(pk=cycle["a"].pk).score is None


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"political": None}, "political"),
        ({"results": "101"}, "results"),
        ({"bottom_line": "-1"}, "bottom_line"),
        ({"responsibility": "优"}, "responsibility"),
        ({"mass_score": "100.5"}, "mass_score"),
        ({"problem_solving": "90.123"}, "problem_solving"),
        ({"grade": "优秀"}, "grade"),
    ],
)
def test_bad_scores_answer_400_naming_the_field(world, as_user, cycle, data, field):
    body = {k: v for k, v in scores(**data).items() if v is not None}

    response = post(as_user(world.reviewer), url(cycle["a"], "score"), body)

    assert response.status_code == 400
    assert field in response.json()


def test_nobody_scores_their_own_review(world, as_user, cycle):
    own = reviewer_who_is(world.cadre_a, world.town_a, "reviewer_self")

    assert post(as_user(own), url(cycle["a"], "score"), scores()).status_code == 403
    assert post(as_user(own), url(cycle["a"], "score"), {}).status_code == 403  # 403 before the body is read


def test_a_peer_does_not_score(world, as_user, cycle):
    peer = reviewer_who_is(make_cadre(world.town_a, name="周平", staff_no="A0003"), world.town_a, "reviewer_peer")

    assert post(as_user(peer), url(cycle["a"], "score"), scores()).status_code == 403


def test_a_superior_by_unit_or_by_level_scores(world, as_user, cycle):
    county_leader = reviewer_who_is(
        make_cadre(world.county, name="陈书记", staff_no="C0001", leadership_level="正处"), world.county, "county_lead"
    )
    town_head = reviewer_who_is(
        make_cadre(world.town_a, name="刘镇长", staff_no="A0009", leadership_level="正科"), world.town_a, "town_head"
    )

    assert post(as_user(county_leader), url(cycle["b"], "score"), scores()).status_code == 200
    assert post(as_user(town_head), url(cycle["a"], "score"), scores()).status_code == 200


@pytest.mark.parametrize("role", ["clerk", "committee"])
def test_clerks_and_the_committee_do_not_score(world, as_user, cycle, role):
    assert post(as_user(getattr(world, role)), url(cycle["a"], "score"), scores()).status_code == 403


def test_a_submitted_review_cannot_be_scored_again(world, as_user, cycle):
    submitted(cycle["a"], world.reviewer)

    response = post(as_user(world.reviewer), url(cycle["a"], "score"), scores("70"))

    assert response.status_code == 400
    assert "non_field_errors" in response.json()


# --- Submitting --------------------------------------------------------------------------------


def test_the_assessor_submits_a_scored_review(world, as_user, cycle):
    scored(cycle["a"], world.reviewer)

    response = post(as_user(world.reviewer), url(cycle["a"], "submit"))

    assert response.status_code == 200
    assert response.json()["status"] == "submitted" and response.json()["submitted_at"]


def test_an_unscored_review_cannot_be_submitted(world, as_user, cycle):
    response = post(as_user(world.reviewer), url(cycle["a"], "submit"))

    assert response.status_code == 400
    assert "non_field_errors" in response.json()


def test_a_submitted_review_cannot_be_submitted_again(world, as_user, cycle):
    submitted(cycle["a"], world.reviewer)

    assert post(as_user(world.reviewer), url(cycle["a"], "submit")).status_code == 400


def test_nobody_submits_their_own_review(world, as_user, cycle):
    own = reviewer_who_is(world.cadre_a, world.town_a, "reviewer_self")
    scored(cycle["a"], world.reviewer)

    assert post(as_user(own), url(cycle["a"], "submit")).status_code == 403


# --- Approving and returning: neither the assessor nor the cadre --------------------------------


def test_a_second_reviewer_approves(world, as_user, cycle, second_reviewer):
    submitted(cycle["a"], world.reviewer)

    response = post(as_user(second_reviewer), url(cycle["a"], "approve"))

    assert response.status_code == 200
    data = response.json()
    assert (data["status"], data["approver"], data["approver_name"]) == (
        "approved",
        second_reviewer.pk,
        str(second_reviewer),
    )


def test_the_assessor_cannot_approve_what_they_assessed(world, as_user, cycle):
    submitted(cycle["a"], world.reviewer)

    assert post(as_user(world.reviewer), url(cycle["a"], "approve")).status_code == 403
    assert QuarterlyReview.objects.get(pk=cycle["a"].pk).status == ReviewStatus.SUBMITTED


def test_the_cadre_cannot_approve_their_own_review(world, as_user, cycle):
    own = reviewer_who_is(world.cadre_a, world.county, "reviewer_self")
    submitted(cycle["a"], world.reviewer)

    assert post(as_user(own), url(cycle["a"], "approve")).status_code == 403
    assert post(as_user(own), url(cycle["a"], "return"), {"reason": "自评过低"}).status_code == 403


@pytest.mark.parametrize("role", ["clerk", "committee"])
def test_clerks_and_the_committee_do_not_approve(world, as_user, cycle, role):
    submitted(cycle["a"], world.reviewer)

    assert post(as_user(getattr(world, role)), url(cycle["a"], "approve")).status_code == 403


def test_a_draft_cannot_be_approved_or_returned(world, as_user, cycle, second_reviewer):
    client = as_user(second_reviewer)

    assert post(client, url(cycle["a"], "approve")).status_code == 400
    assert post(client, url(cycle["a"], "return"), {"reason": "未评分"}).status_code == 400


def test_an_approved_review_cannot_be_approved_again(world, as_user, cycle, second_reviewer):
    review_approve(actor=second_reviewer, review=submitted(cycle["a"], world.reviewer))

    assert post(as_user(second_reviewer), url(cycle["a"], "approve")).status_code == 400


def test_the_好_quota_is_enforced_at_approval(world, as_user, cycle, second_reviewer):
    # Township A's quota unit TA has one cadre (李明), so one 好; TA1 has 王芳. Add a second TA cadre.
    extra = make_cadre(world.town_a, name="孙丽", staff_no="A0004")
    review_cycle_open(unit=world.town_a, year=2026, quarter=3)
    first = submitted(cycle["a"], world.reviewer)
    second = submitted(QuarterlyReview.objects.get(cadre=extra), world.reviewer)
    client = as_user(second_reviewer)
    assert post(client, url(first, "approve")).status_code == 200

    response = post(client, url(second, "approve"))

    assert response.status_code == 400
    assert QuarterlyReview.objects.get(pk=second.pk).status == ReviewStatus.SUBMITTED


def test_returning_needs_a_reason_and_shows_it(world, as_user, cycle, second_reviewer):
    submitted(cycle["a"], world.reviewer)
    client = as_user(second_reviewer)

    missing = post(client, url(cycle["a"], "return"), {"reason": "  "})
    response = post(client, url(cycle["a"], "return"), {"reason": "群众评议得分缺失"})

    assert missing.status_code == 400 and "reason" in missing.json()
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["return_reason"]) == ("returned", "群众评议得分缺失")


def test_a_returned_review_is_scored_and_submitted_again(world, as_user, cycle, second_reviewer):
    submitted(cycle["a"], world.reviewer)
    post(as_user(second_reviewer), url(cycle["a"], "return"), {"reason": "请补充评语"})
    client = as_user(world.reviewer)

    assert post(client, url(cycle["a"], "score"), scores("88")).status_code == 200
    response = post(client, url(cycle["a"], "submit"))

    assert (response.json()["status"], response.json()["return_reason"]) == ("submitted", "")


# --- Reopening ---------------------------------------------------------------------------------


@pytest.fixture
def approved(world, cycle, second_reviewer):
    return review_approve(actor=second_reviewer, review=submitted(cycle["a"], world.reviewer))


def test_reopening_an_approved_review_needs_a_reason(world, as_user, approved, second_reviewer):
    client = as_user(second_reviewer)

    missing = post(client, url(approved, "reopen"))
    response = post(client, url(approved, "reopen"), {"reason": "复核发现计分错误"})

    assert missing.status_code == 400 and "reason" in missing.json()
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["reopen_reason"]) == ("returned", "复核发现计分错误")


def test_the_assessor_may_reopen_what_they_assessed(world, as_user, approved):
    assert post(as_user(world.reviewer), url(approved, "reopen"), {"reason": "补录群众评议"}).status_code == 200


@pytest.mark.parametrize("role", ["clerk", "committee"])
def test_clerks_and_the_committee_do_not_reopen(world, as_user, approved, role):
    assert post(as_user(getattr(world, role)), url(approved, "reopen"), {"reason": "x"}).status_code == 403


def test_the_cadre_cannot_reopen_their_own_review(world, as_user, approved):
    own = reviewer_who_is(world.cadre_a, world.county, "reviewer_self")

    assert post(as_user(own), url(approved, "reopen"), {"reason": "我要申诉"}).status_code == 403


def test_only_an_approved_review_is_reopened(world, as_user, cycle, second_reviewer):
    submitted(cycle["a"], world.reviewer)

    assert post(as_user(second_reviewer), url(cycle["a"], "reopen"), {"reason": "x"}).status_code == 400


def test_an_approved_review_is_locked_against_scoring(world, as_user, approved):
    assert post(as_user(world.reviewer), url(approved, "score"), scores("60")).status_code == 400
    assert QuarterlyReview.objects.get(pk=approved.pk).score == Decimal("90.00")


# --- Methods -----------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_a_review_is_never_edited_or_deleted_directly(world, as_user, cycle, method):
    client = as_user(world.reviewer)

    response = getattr(client, method)(url(cycle["a"]), scores(), content_type="application/json")

    assert response.status_code == 405
    assert QuarterlyReview.objects.filter(pk=cycle["a"].pk, score__isnull=True).exists()


def test_reviews_are_not_created_through_the_api(world, as_user, cycle):
    assert post(as_user(world.reviewer), REVIEWS, {"cadre": world.cadre_a.pk}).status_code == 405


@pytest.mark.parametrize("action", ["score", "submit", "approve", "return", "reopen"])
@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_actions_answer_only_post(world, as_user, cycle, action, method):
    assert getattr(as_user(world.reviewer), method)(url(cycle["a"], action)).status_code == 405
