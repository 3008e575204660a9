from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from assessments.models import QuarterlyReview, ReviewStatus
from core.models import Job, JobStatus

pytestmark = pytest.mark.usefixtures("eager_celery")

URL = reverse("assessments:cycle-open")


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime(2026, 11, 21, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


def _open(client, django_capture_on_commit_callbacks, unit, year=2026, quarter=4):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(URL, {"unit": unit.pk, "year": year, "quarter": quarter})


def test_it_offers_only_the_units_the_reviewer_reviews(world, as_user):
    response = as_user(world.reviewer).get(URL)
    assert response.status_code == 200
    units = set(response.context["form"].fields["unit"].queryset)
    assert units == {world.town_a, world.office_a}
    assert response.context["form"]["quarter"].value() == 4
    assert response.context["form"]["year"].value() == 2026


def test_opening_a_cycle_starts_a_job_that_creates_the_draft_reviews(
    world, as_user, django_capture_on_commit_callbacks
):
    response = _open(as_user(world.reviewer), django_capture_on_commit_callbacks, world.town_a)
    job = Job.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("jobs:job-detail", args=[job.pk])
    assert job.kind == "open_review_cycle"
    assert job.params == {"year": 2026, "quarter": 4, "unit_id": world.town_a.pk}
    assert job.created_by == world.reviewer
    assert job.status == JobStatus.DONE
    assert job.result["created"] == 2
    reviews = QuarterlyReview.objects.filter(year=2026, quarter=4)
    assert {r.cadre for r in reviews} == {world.cadre_a, world.cadre_a_office}
    assert {r.status for r in reviews} == {ReviewStatus.DRAFT}


def test_opening_the_same_cycle_twice_creates_nothing_new(world, as_user, django_capture_on_commit_callbacks):
    client = as_user(world.reviewer)
    _open(client, django_capture_on_commit_callbacks, world.town_a)
    _open(client, django_capture_on_commit_callbacks, world.town_a)
    assert QuarterlyReview.objects.count() == 2
    assert [j.result["created"] for j in Job.objects.order_by("id")] == [2, 0]


def test_it_lists_the_cycles_the_reviewer_opened(world, as_user, django_capture_on_commit_callbacks):
    client = as_user(world.reviewer)
    _open(client, django_capture_on_commit_callbacks, world.office_a, quarter=3)
    response = client.get(URL)
    assert [j.params["quarter"] for j in response.context["recent"]] == [3]
    assert "2026Q3" in response.text and world.office_a.name in response.text


def test_a_quarter_that_has_not_begun_is_refused_on_its_field(world, as_user, django_capture_on_commit_callbacks):
    response = _open(as_user(world.reviewer), django_capture_on_commit_callbacks, world.town_a, year=2027, quarter=1)
    assert response.status_code == 200
    assert response.context["form"].errors["quarter"]
    assert not Job.objects.exists()
    assert not QuarterlyReview.objects.exists()


def test_a_unit_outside_the_reviewers_scope_is_refused(world, as_user, django_capture_on_commit_callbacks):
    response = _open(as_user(world.reviewer), django_capture_on_commit_callbacks, world.town_b)
    assert response.status_code == 200
    assert response.context["form"].errors["unit"]
    assert not Job.objects.exists()


def test_a_county_reviewer_opens_the_whole_county(world, as_user, django_capture_on_commit_callbacks):
    from tests.factories import UserFactory, grant

    county_reviewer = grant(UserFactory(username="reviewer_2"), "reviewer", world.county)
    _open(as_user(county_reviewer), django_capture_on_commit_callbacks, world.county)
    assert QuarterlyReview.objects.count() == 3


@pytest.mark.parametrize("role", ["clerk", "committee", "sysadmin", "secadmin", "auditor", "outsider"])
def test_roles_other_than_reviewer_get_403(world, as_user, role):
    client = as_user(getattr(world, role))
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"unit": world.town_a.pk, "year": 2026, "quarter": 4}).status_code == 403
    assert not Job.objects.exists()


def test_anonymous_users_are_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("accounts:login") in response.url


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_other_methods_get_405(world, as_user, method):
    assert getattr(as_user(world.reviewer), method)(URL).status_code == 405
