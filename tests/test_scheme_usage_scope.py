"""The scoring scheme pages count the reviews using a scheme inside the system admin's subtree only."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from assessments.models import ScoringScheme
from assessments.services import review_cycle_open, scheme_update

LIST = reverse("assessments:scheme-list")


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime(2026, 11, 21, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


@pytest.fixture
def scheme(world):
    """The year's default scheme, used by the reviews of all three cadres: two in township A, one in B."""
    review_cycle_open(year=2026, quarter=4, unit=world.county)
    return ScoringScheme.objects.get()


def detail(scheme):
    return reverse("assessments:scheme-detail", args=[scheme.pk])


def test_the_list_counts_only_the_reviews_in_the_admins_township(world, as_user, town_sysadmin, scheme):
    response = as_user(town_sysadmin).get(LIST)

    assert response.status_code == 200
    assert [s.used for s in response.context["schemes"]] == [2]


def test_the_detail_counts_only_the_reviews_in_the_admins_township(world, as_user, town_sysadmin, scheme):
    response = as_user(town_sysadmin).get(detail(scheme))

    assert response.status_code == 200
    assert response.context["used"] == 2
    assert [v.used for v in response.context["versions"]] == [2]


def test_every_version_in_the_history_is_counted_within_the_township(world, as_user, town_sysadmin, scheme):
    v2 = scheme_update(actor=world.sysadmin, scheme=scheme, good_quota="0.35")

    response = as_user(town_sysadmin).get(detail(v2))

    assert [(v.version, v.used) for v in response.context["versions"]] == [(2, 0), (1, 2)]
    assert response.context["used"] == 0


def test_a_county_system_admin_counts_every_review(world, as_user, scheme):
    client = as_user(world.sysadmin)

    assert [s.used for s in client.get(LIST).context["schemes"]] == [3]
    assert client.get(detail(scheme)).context["used"] == 3
