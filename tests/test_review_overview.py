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

URL = reverse("assessments:overview")


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime(2026, 11, 21, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


def submitted(review, by, value):
    v = Decimal(value)
    review_score(actor=by, review=review, political=v, responsibility=v, problem_solving=v, bottom_line=v, results=v)
    return review_submit(actor=by, review=review)


@pytest.fixture
def township(world):
    """Township A's 2026Q4: a 好 and an 一般 approved, a 好 submitted, one returned, one draft, and a
    cadre who joined after the cycle opened."""
    cadres = [make_cadre(world.town_a, name=f"干部{i}") for i in range(4)]
    review_cycle_open(year=2026, quarter=4, unit=world.county)
    approver = grant(UserFactory(username="reviewer_2"), "reviewer", world.county)
    r = {c: QuarterlyReview.objects.get(cadre=c, year=2026, quarter=4) for c in [world.cadre_a, *cadres]}
    review_approve(actor=approver, review=submitted(r[world.cadre_a], world.reviewer, "95"))
    review_approve(actor=approver, review=submitted(r[cadres[0]], world.reviewer, "72"))
    submitted(r[cadres[1]], world.reviewer, "92")
    review_return(actor=approver, review=submitted(r[cadres[2]], world.reviewer, "80"), reason="重评")
    late = make_cadre(world.town_a, name="新调入")
    return {"cadres": cadres, "late": late, "reviews": r}


def get(client, unit, **params):
    return client.get(URL, {"unit": unit.pk, "year": 2026, "quarter": 4, **params})


def test_it_counts_grades_among_approved_and_submitted_against_the_quota(world, as_user, township):
    context = get(as_user(world.reviewer), world.town_a).context
    row = next(r for r in context["rows"] if r["unit"] == world.town_a)
    assert row["cadres"] == 6 and row["reviews"] == 5
    assert row["approved"] == [1, 0, 1, 0]
    assert row["submitted"] == [1, 0, 0, 0]
    # Five reviews at 40% allow two 好: one approved and one submitted use them.
    assert (row["good_used"], row["good_limit"], row["over_quota"]) == (2, 2, False)
    assert row["status"] == {"draft": 1, "submitted": 1, "approved": 2, "returned": 1}


def test_it_shows_who_is_missing(world, as_user, township):
    response = get(as_user(world.committee), world.town_a)
    context = response.context
    assert list(context["unreviewed"]) == [township["late"]]
    assert context["unreviewed_count"] == 1
    # The office below the township counts too: its one cadre's review is still a draft.
    assert {r.cadre for r in context["open_reviews"]} == {
        township["cadres"][2],
        township["cadres"][3],
        world.cadre_a_office,
    }
    assert context["totals"] == {"reviews": 6, "draft": 2, "submitted": 1, "approved": 2, "returned": 1}
    assert "新调入" in response.text


def test_each_unit_below_has_its_own_row(world, as_user, township):
    rows = get(as_user(world.committee), world.county).context["rows"]
    assert [r["unit"] for r in rows] == [world.town_a, world.town_b, world.office_a]
    office = rows[2]
    assert (office["reviews"], office["good_limit"]) == (1, 1)


def test_the_first_visit_shows_the_widest_unit_in_the_current_quarter(world, as_user):
    response = as_user(world.committee).get(URL)
    assert response.context["data"] == {"unit": world.county, "year": 2026, "quarter": 4}


def test_a_unit_outside_the_scope_shows_nothing(world, as_user, township):
    response = get(as_user(world.reviewer), world.town_b)
    assert response.context["form"].errors["unit"]
    assert "rows" not in response.context


def test_it_reads_in_english_too(world, as_user, township):
    client = as_user(world.reviewer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    text = get(client, world.town_a).text
    assert "Grades against the 好 quota" in text and "1 active cadre without a review" in text


def _count(client, unit):
    with CaptureQueriesContext(connection) as ctx:
        assert get(client, unit).status_code == 200
    return len(ctx.captured_queries)


def test_its_query_count_does_not_grow_with_the_county(world, as_user, township):
    client = as_user(world.committee)
    before = _count(client, world.county)
    for i in range(20):
        make_cadre(world.town_b, name=f"西河{i}")
    review_cycle_open(year=2026, quarter=4, unit=world.county)
    make_cadre(world.town_b, name="又一位")
    assert _count(client, world.county) == before


@pytest.mark.parametrize("role", ["sysadmin", "secadmin", "auditor", "outsider"])
def test_roles_without_record_access_get_403(world, as_user, role):
    assert as_user(getattr(world, role)).get(URL).status_code == 403


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_it_only_answers_get(world, as_user, method):
    assert getattr(as_user(world.committee), method)(URL).status_code == 405
