"""Per-unit 优秀 quotas: the service and the system administrator's page."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from assessments.models import UnitExcellentQuota
from assessments.services_committee import unit_quota_remove, unit_quota_set
from audit.models import AuditEvent
from tests.factories import UserFactory, grant

URL = reverse("assessments:quota-list")


def remove_url(quota):
    return reverse("assessments:quota-remove", args=[quota.pk])


def test_the_sysadmin_sets_and_changes_a_units_share(world):
    quota = unit_quota_set(actor=world.sysadmin, unit=world.town_a, year=2025, share=Decimal("0.25"), note="先进单位")
    again = unit_quota_set(actor=world.sysadmin, unit=world.town_a, year=2025, share="0.3", note="")
    assert again.pk == quota.pk and UnitExcellentQuota.objects.get().share == Decimal("0.3")
    changes = [e.action for e in AuditEvent.objects.filter(model="assessments.unitexcellentquota").order_by("id")]
    assert changes == ["create", "update"]


@pytest.mark.parametrize("share", ["1.5", "-0.1", "abc"])
def test_a_share_is_between_0_and_1(world, share):
    with pytest.raises(ValidationError) as exc:
        unit_quota_set(actor=world.sysadmin, unit=world.town_a, year=2025, share=share, note="")
    assert "share" in exc.value.message_dict


def test_only_the_sysadmin_of_the_unit_sets_quotas(world):
    for user in (world.committee, world.reviewer, world.secadmin):
        with pytest.raises(PermissionDenied):
            unit_quota_set(actor=user, unit=world.town_a, year=2025, share="0.25", note="")
    admin_b = grant(UserFactory(username="admin_b"), "sysadmin", world.town_b)
    with pytest.raises(PermissionDenied):
        unit_quota_set(actor=admin_b, unit=world.town_a, year=2025, share="0.25", note="")


def test_removing_a_quota_is_audited(world):
    quota = unit_quota_set(actor=world.sysadmin, unit=world.town_a, year=2025, share="0.25", note="")
    unit_quota_remove(actor=world.sysadmin, quota=quota)
    assert not UnitExcellentQuota.objects.exists()
    assert AuditEvent.objects.filter(model="assessments.unitexcellentquota", action="delete").count() == 1


def test_the_page_sets_a_quota_in_percent(world, as_user):
    client = as_user(world.sysadmin)
    assert client.get(URL).status_code == 200
    response = client.post(URL, {"unit": world.town_a.pk, "year": 2025, "percent": "25", "note": "先进单位"})
    assert response.status_code == 302
    quota = UnitExcellentQuota.objects.get()
    assert (quota.unit, quota.year, quota.share, quota.note) == (world.town_a, 2025, Decimal("0.25"), "先进单位")
    assert [q.pk for q in client.get(URL).context["page"]] == [quota.pk]


def test_the_page_calls_the_note_a_basis_not_a_fault_tolerance_basis(world, as_user):
    unit_quota_set(actor=world.sysadmin, unit=world.town_a, year=2025, share="0.25", note="先进单位")
    text = as_user(world.sysadmin).get(URL).text
    assert '<label for="id_note">依据</label>' in text and "<th>依据</th>" in text
    assert "容错依据" not in text


def test_the_page_refuses_a_share_over_100_percent(world, as_user):
    response = as_user(world.sysadmin).post(URL, {"unit": world.town_a.pk, "year": 2025, "percent": "120"})
    assert response.status_code == 200 and "percent" in response.context["form"].errors
    assert not UnitExcellentQuota.objects.exists()


def test_the_page_lists_only_quotas_in_scope_and_filters_by_year(world, as_user):
    unit_quota_set(actor=world.sysadmin, unit=world.town_a, year=2025, share="0.25", note="")
    unit_quota_set(actor=world.sysadmin, unit=world.town_b, year=2024, share="0.25", note="")
    admin_a = grant(UserFactory(username="admin_a"), "sysadmin", world.town_a)
    assert [q.unit for q in as_user(admin_a).get(URL).context["page"]] == [world.town_a]
    assert [q.unit for q in as_user(world.sysadmin).get(URL, {"year": 2024}).context["page"]] == [world.town_b]


def test_the_page_removes_a_quota(world, as_user):
    quota = unit_quota_set(actor=world.sysadmin, unit=world.town_b, year=2025, share="0.25", note="")
    admin_a = grant(UserFactory(username="admin_a"), "sysadmin", world.town_a)
    assert as_user(admin_a).post(remove_url(quota)).status_code == 404
    client = as_user(world.sysadmin)
    assert client.get(remove_url(quota)).status_code == 405
    assert client.post(remove_url(quota)).status_code == 302
    assert not UnitExcellentQuota.objects.exists()


def test_other_roles_are_refused(world, as_user):
    quota = unit_quota_set(actor=world.sysadmin, unit=world.town_a, year=2025, share="0.25", note="")
    for user in (world.committee, world.reviewer, world.clerk, world.outsider):
        client = as_user(user)
        assert client.get(URL).status_code == 403
        assert client.post(remove_url(quota)).status_code == 403
    assert UnitExcellentQuota.objects.exists()


def test_the_page_answers_only_get_and_post(world, as_user):
    assert as_user(world.sysadmin).delete(URL).status_code == 405


def test_the_page_costs_the_same_queries_for_more_quotas(world, as_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import make_unit

    client = as_user(world.sysadmin)
    unit_quota_set(actor=world.sysadmin, unit=world.town_a, year=2025, share="0.25", note="")
    client.get(URL)
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for i in range(8):
        unit = make_unit(f"乡镇{i}", parent=world.county)
        unit_quota_set(actor=world.sysadmin, unit=unit, year=2025, share="0.25", note="")
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(URL).context["page"]) == 9
    assert len(many) == len(few)
