"""The committee's recompute button: a confirmed POST starts the job and leads to its page."""

import pytest
from django.urls import reverse

from core.models import Job
from tests.factories import UserFactory, grant

URL = reverse("assessments:score-recompute")


@pytest.fixture(autouse=True)
def no_worker(monkeypatch):
    """The job's task is queued on commit; these tests look at the job, not at the computation."""
    from assessments import tasks

    monkeypatch.setattr(tasks.recompute_scores, "delay", lambda *args, **kwargs: None)


def test_it_starts_a_recompute_of_the_unit_and_year_and_shows_the_job(world, as_user):
    response = as_user(world.committee).post(URL, {"unit": world.town_a.pk, "year": 2025})
    job = Job.objects.get()
    assert response.status_code == 302 and response.url == reverse("jobs:job-detail", args=[job.pk])
    assert job.params == {"year": 2025, "unit_id": world.town_a.pk} and job.created_by == world.committee


def test_a_unit_outside_the_committees_scope_is_refused(world, as_user):
    committee_b = grant(UserFactory(username="committee_b"), "committee", world.town_b)
    assert as_user(committee_b).post(URL, {"unit": world.town_a.pk, "year": 2025}).status_code == 403
    assert not Job.objects.exists()


def test_only_the_committee_recomputes(world, as_user):
    for user in (world.reviewer, world.clerk, world.sysadmin, world.outsider):
        assert as_user(user).post(URL, {"unit": world.town_a.pk, "year": 2025}).status_code == 403
    assert not Job.objects.exists()


def test_it_answers_only_post(world, as_user):
    assert as_user(world.committee).get(URL).status_code == 405
