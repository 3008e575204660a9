"""The rule book, scoring schemes, category caps and sanction measures hold for the whole county: a
system administrator of one township reads them but does not change them for every other township."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from assessments.models import ScoringScheme
from assessments.services import scheme_default, scheme_update
from audit.models import Action, AuditEvent
from records.models import CategoryCap, PointRule
from records.services.rules import rule_revise
from tests.factories import rule
from tests.test_rule_book_views import _rule_form
from tests.test_scheme_views import edit_form


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime(2026, 11, 21, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


def test_a_township_system_admin_cannot_create_a_rule_and_the_refusal_is_audited(world, as_user, town_sysadmin):
    response = as_user(town_sysadmin).post(reverse("records:rule-new"), _rule_form())

    assert response.status_code == 403
    assert not PointRule.objects.filter(code="JN07").exists()
    assert AuditEvent.objects.filter(action=Action.DENIED, actor_name="sysadmin_a").exists()


def test_a_township_system_admin_cannot_revise_a_rule(world, town_sysadmin):
    with pytest.raises(PermissionDenied):
        rule_revise(actor=town_sysadmin, rule=rule("JN04"), valid_from=date(2026, 12, 1), max_points=4)

    assert PointRule.objects.filter(code="JN04").count() == 1


def test_a_township_system_admin_gets_403_on_the_rule_forms_and_sees_no_edit_links(world, as_user, town_sysadmin):
    client = as_user(town_sysadmin)

    assert client.get(reverse("records:rule-new")).status_code == 403
    assert client.get(reverse("records:rule-revise", args=["JN04"])).status_code == 403
    assert client.get(reverse("records:rule-list")).context["can_edit"] is False
    assert client.get(reverse("records:rule-detail", args=["JN04"])).context["can_edit"] is False


def test_the_county_system_admin_still_keeps_the_rule_book(world, as_user):
    client = as_user(world.sysadmin)

    assert client.get(reverse("records:rule-list")).context["can_edit"] is True
    assert client.post(reverse("records:rule-new"), _rule_form()).status_code == 302
    assert PointRule.objects.filter(code="JN07").exists()


def test_a_township_system_admin_cannot_change_a_scoring_scheme(world, as_user, town_sysadmin):
    scheme = scheme_default(2026)
    client = as_user(town_sysadmin)

    assert client.get(reverse("assessments:scheme-list")).context["can_edit"] is False
    assert client.get(reverse("assessments:scheme-edit", args=[scheme.pk])).status_code == 403
    response = client.post(reverse("assessments:scheme-edit", args=[scheme.pk]), edit_form(scheme, good_min="95"))
    assert response.status_code == 403
    assert client.get(reverse("assessments:scheme-new")).status_code == 403
    with pytest.raises(PermissionDenied):
        scheme_update(actor=town_sysadmin, scheme=scheme, good_min=95)
    assert ScoringScheme.objects.get(pk=scheme.pk).good_min != 95


def test_the_county_system_admin_still_changes_a_scoring_scheme(world):
    scheme = scheme_default(2026)

    saved = scheme_update(actor=world.sysadmin, scheme=scheme, good_min=95)

    assert saved.good_min == 95


def test_a_township_system_admin_reads_but_does_not_change_the_category_caps(world, as_user, town_sysadmin):
    cap = CategoryCap.objects.first()
    client = as_user(town_sysadmin)

    assert client.get("/admin/records/categorycap/").status_code == 200
    response = client.post(
        f"/admin/records/categorycap/{cap.pk}/change/", {"category": cap.category, "monthly_cap": "1", "annual_cap": ""}
    )
    assert response.status_code == 403
    assert CategoryCap.objects.get(pk=cap.pk).monthly_cap == cap.monthly_cap
    assert client.get("/admin/records/sanctionmeasure/add/").status_code == 403
