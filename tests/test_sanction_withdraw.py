"""Withdrawing a sanction entered by mistake: the service and its page."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from audit.models import Action, AuditEvent
from records.models import Sanction
from records.services.sanctions import sanction_withdraw
from tests.factories import make_sanction

NOW = datetime(2026, 11, 21, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _sanction(actor, cadre, *, decided_on=date(2026, 3, 15), document_no="青纪〔2026〕4号"):
    return make_sanction(cadre, by=actor, decided_on=decided_on, document_no=document_no)


@pytest.fixture
def sanction(world):
    return _sanction(world.clerk, world.cadre_a)


# --- the service -------------------------------------------------------------------------------


def test_withdrawing_deletes_the_sanction_and_audits_its_values_with_the_reason(world, sanction):
    sanction_withdraw(actor=world.clerk, sanction=sanction, reason="录入对象错误")

    assert not Sanction.objects.filter(pk=sanction.pk).exists()
    event = AuditEvent.objects.get(action=Action.DELETE, model="records.sanction", object_id=str(sanction.pk))
    assert event.note == "录入对象错误" and event.actor_id == world.clerk.pk
    assert event.changes["document_no"] == ["青纪〔2026〕4号", None]
    assert event.changes["promotion_barred_until"] == ["2027-03-14", None]
    assert event.changes["cadre_id"] == [world.cadre_a.pk, None]


@pytest.mark.parametrize("reason", ["", "  "])
def test_the_reason_is_required(world, sanction, reason):
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        sanction_withdraw(actor=world.clerk, sanction=sanction, reason=reason)
    assert exc.value.message_dict["reason"] == ["Say why the sanction is deleted as entered by mistake."]
    assert Sanction.objects.filter(pk=sanction.pk).exists()


def test_only_a_clerk_whose_scope_covers_the_cadre_withdraws(world, sanction):
    with pytest.raises(PermissionDenied):
        sanction_withdraw(actor=world.reviewer, sanction=sanction, reason="x")
    other = _sanction(world.county_clerk, world.cadre_b)
    with pytest.raises(PermissionDenied):
        sanction_withdraw(actor=world.clerk, sanction=other, reason="x")
    assert Sanction.objects.count() == 2


def test_the_scores_are_refreshed_for_the_years_the_sanction_touched(world, queued, django_capture_on_commit_callbacks):
    sanction = _sanction(world.clerk, world.cadre_a, decided_on=date(2025, 6, 1))  # barred until 2026-05-31
    with django_capture_on_commit_callbacks(execute=True):
        sanction_withdraw(actor=world.clerk, sanction=sanction, reason="重复录入")
    assert queued == [([world.cadre_a.pk], 2025), ([world.cadre_a.pk], 2026)]


def test_a_refused_withdrawal_queues_no_refresh(world, sanction, queued, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        sanction_withdraw(actor=world.clerk, sanction=sanction, reason="")
    assert queued == []


# --- the page ----------------------------------------------------------------------------------


def _url(sanction_or_pk):
    return reverse("records:sanction-withdraw", args=[getattr(sanction_or_pk, "pk", sanction_or_pk)])


def test_the_cadre_page_links_each_sanction_to_its_withdrawal_for_clerks_only(world, as_en, sanction):
    page = reverse("records:cadre-detail", args=[world.cadre_a.pk])
    assert _url(sanction) in as_en(world.clerk).get(page).text
    assert _url(sanction) not in as_en(world.committee).get(page).text


def test_it_asks_for_confirmation_and_a_reason_first(world, as_en, sanction):
    response = as_en(world.clerk).get(_url(sanction))
    assert response.status_code == 200
    assert "data-confirm=" in response.text and "青纪〔2026〕4号" in response.text
    assert 'name="reason"' in response.text
    assert Sanction.objects.filter(pk=sanction.pk).exists()


def test_it_withdraws_the_sanction(world, as_en, sanction):
    client = as_en(world.clerk)
    response = client.post(_url(sanction), {"reason": "录入对象错误"})
    assert response.status_code == 302
    assert response.url == reverse("records:cadre-detail", args=[world.cadre_a.pk]) + "#sanctions"
    assert not Sanction.objects.filter(pk=sanction.pk).exists()
    assert "The sanction entered by mistake was deleted." in client.get(response.url).text
    assert AuditEvent.objects.get(action=Action.DELETE, model="records.sanction").note == "录入对象错误"


def test_it_requires_a_reason(world, as_en, sanction):
    response = as_en(world.clerk).post(_url(sanction), {"reason": ""})
    assert response.status_code == 200 and response.context["form"].errors["reason"]
    assert Sanction.objects.filter(pk=sanction.pk).exists()


@pytest.mark.parametrize("role", ["reviewer", "committee"])
def test_it_answers_403_to_read_only_roles(world, as_en, sanction, role):
    client = as_en(getattr(world, role))
    assert client.get(_url(sanction)).status_code == 403
    assert client.post(_url(sanction), {"reason": "x"}).status_code == 403
    assert Sanction.objects.filter(pk=sanction.pk).exists()


def test_it_answers_404_outside_scope_and_for_unknown_sanctions(world, as_en):
    other = _sanction(world.county_clerk, world.cadre_b)
    client = as_en(world.clerk)
    assert client.post(_url(other), {"reason": "x"}).status_code == 404
    assert client.get(_url(99999)).status_code == 404
    assert Sanction.objects.filter(pk=other.pk).exists()


def test_it_answers_405_to_other_methods(world, as_en, sanction):
    assert as_en(world.clerk).delete(_url(sanction)).status_code == 405
