"""The committee's recompute button: a confirmed POST starts the job and leads to its page."""

import pytest
from django.urls import reverse

from core.models import Job
from tests.factories import UserFactory, grant
from tests.scoring_data import entries, year_of_reviews

URL = reverse("assessments:score-recompute")


@pytest.fixture(autouse=True)
def no_worker(monkeypatch):
    """The job's task is queued on commit; these tests look at the job, not at the computation."""
    from assessments import tasks

    monkeypatch.setattr(tasks.recompute_scores, "delay", lambda *args, **kwargs: None)


def test_it_starts_a_recompute_of_the_unit_and_year_and_shows_the_job(world, as_user):
    year_of_reviews(world.cadre_a, ["好"] * 4, [92] * 4)
    response = as_user(world.committee).post(URL, {"unit": world.town_a.pk, "year": 2025})
    job = Job.objects.get()
    assert response.status_code == 302 and response.url == reverse("jobs:job-detail", args=[job.pk])
    assert job.params == {"year": 2025, "unit_id": world.town_a.pk} and job.created_by == world.committee


def test_a_unit_outside_the_committees_scope_is_refused(world, as_user):
    year_of_reviews(world.cadre_a, ["好"] * 4, [92] * 4)
    committee_b = grant(UserFactory(username="committee_b"), "committee", world.town_b)
    response = as_user(committee_b).post(URL, {"unit": world.town_a.pk, "year": 2025}, follow=True)
    assert "请选择本委员会范围内的单位" in response.text
    assert not Job.objects.exists()


@pytest.mark.parametrize(
    "data",
    [{"unit": "abc", "year": 2025}, {"year": 1999}, {"year": "abc"}, {}],
    ids=["unit not a number", "year out of range", "year not a number", "nothing"],
)
def test_bad_input_is_answered_with_a_message_and_starts_nothing(world, as_user, data):
    data = {"unit": world.town_a.pk, **data} if "unit" not in data and data else data
    response = as_user(world.committee).post(URL, data, follow=True)
    assert response.status_code == 200
    assert "请选择本委员会范围内的单位，以及 2000 至 2100 之间的年度。" in response.text
    assert not Job.objects.exists()


def test_a_year_not_begun_is_not_computed(world, as_user, time_machine):
    time_machine.move_to("2026-11-21 10:00 +08:00")
    year_of_reviews(world.cadre_a, ["好"] * 4, [92] * 4, year=2026)
    client = as_user(world.committee)
    response = client.post(URL, {"unit": world.town_a.pk, "year": 2027}, follow=True)
    assert "2027 年度尚未开始，暂无可计算的内容。" in response.text
    assert not Job.objects.exists()
    # The page does not offer it either.
    page = client.get(reverse("assessments:score-list"), {"unit": world.town_a.pk, "year": 2027})
    assert URL not in page.text and "2027 年度尚未开始" in page.text
    # The current year is computed.
    assert client.post(URL, {"unit": world.town_a.pk, "year": 2026}).status_code == 302
    assert Job.objects.count() == 1


def test_a_year_with_nothing_recorded_is_not_computed(world, as_user):
    year_of_reviews(world.cadre_b, ["好"] * 4, [92] * 4)  # another township's year
    client = as_user(world.committee)
    response = client.post(URL, {"unit": world.town_a.pk, "year": 2025}, follow=True)
    assert f"{world.town_a.name} 2025 年度暂无可计算的内容" in response.text
    assert not Job.objects.exists()
    page = client.get(reverse("assessments:score-list"), {"unit": world.town_a.pk, "year": 2025})
    assert URL not in page.text
    # One confirmed entry is enough to compute the year.
    entries(world.cadre_a, [(3, "JN04", 2)], by=world.clerk)
    assert client.post(URL, {"unit": world.town_a.pk, "year": 2025}).status_code == 302
    assert Job.objects.count() == 1


def test_only_the_committee_recomputes(world, as_user):
    for user in (world.reviewer, world.clerk, world.sysadmin, world.outsider):
        assert as_user(user).post(URL, {"unit": world.town_a.pk, "year": 2025}).status_code == 403
    assert not Job.objects.exists()


def test_it_answers_only_post(world, as_user):
    assert as_user(world.committee).get(URL).status_code == 405
