"""The rule book's usage counts stay inside the reader's subtree (DOMAIN §10), the system admin's too."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from tests.factories import make_entry


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime(2026, 11, 21, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


def used(client, code="JN04"):
    response = client.get(reverse("records:rule-detail", args=[code]))
    assert response.status_code == 200
    return [v.used for v in response.context["versions"]]


def test_a_township_system_admin_counts_only_their_townships_entries(world, as_user, town_sysadmin):
    make_entry(world.cadre_a, by=world.clerk, code="JN04")
    make_entry(world.cadre_a_office, by=world.clerk, code="JN04")
    make_entry(world.cadre_b, by=world.county_clerk, code="JN04")

    assert used(as_user(town_sysadmin)) == [2]


def test_a_county_system_admin_counts_the_whole_county(world, as_user):
    make_entry(world.cadre_a, by=world.clerk, code="JN04")
    make_entry(world.cadre_b, by=world.county_clerk, code="JN04")

    assert used(as_user(world.sysadmin)) == [2]


def test_a_township_reader_with_no_entries_in_scope_sees_zero(world, as_user, town_sysadmin):
    make_entry(world.cadre_b, by=world.county_clerk, code="JN04")

    assert used(as_user(town_sysadmin)) == [0]
    assert used(as_user(world.clerk)) == [0]
