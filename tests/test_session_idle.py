"""Sessions end after 15 idle minutes (MLPS). A job page polls its progress by itself every second:
that is no activity, or a page left open on a stuck job would keep the session alive for ever."""

from datetime import timedelta

import time_machine
from django.urls import reverse
from django.utils import timezone

from core.models import Job
from tests.conftest import PASSWORD

LOGIN = reverse("accounts:login")


def _signed_in(client, start):
    with time_machine.travel(start, tick=False):
        client.post(LOGIN, {"username": "reviewer_a", "password": PASSWORD})


def test_polling_a_jobs_progress_does_not_keep_the_session_alive(client, world):
    job = Job.objects.create(kind="open_review_cycle", params={}, created_by=world.reviewer)
    status = reverse("jobs:job-status", args=[job.pk])
    start = timezone.now()
    _signed_in(client, start)

    for minute in (5, 10, 14):
        with time_machine.travel(start + timedelta(minutes=minute), tick=False):
            assert client.get(status).status_code == 200

    with time_machine.travel(start + timedelta(minutes=16), tick=False):
        response = client.get(reverse("core:home"))
    assert response.status_code == 302 and LOGIN in response["Location"]


def test_opening_a_page_still_slides_the_window(client, world):
    start = timezone.now()
    _signed_in(client, start)

    with time_machine.travel(start + timedelta(minutes=10), tick=False):
        assert client.get(reverse("core:home")).status_code == 200
    with time_machine.travel(start + timedelta(minutes=24), tick=False):
        assert client.get(reverse("core:home")).status_code == 200
