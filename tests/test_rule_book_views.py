from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from audit.models import AuditEvent
from records.models import PointRule
from records.services.rules import rule_revise
from tests.factories import make_entry, rule

LIST = reverse("records:rule-list")
NEW = reverse("records:rule-new")


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime(2026, 11, 21, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


def detail_url(code):
    return reverse("records:rule-detail", args=[code])


def revise_url(code):
    return reverse("records:rule-revise", args=[code])


def _rule_form(**changes):
    data = {
        "code": "JN07",
        "name": "参加森林防火扑救",
        "category": "急难险重",
        "min_points": "1",
        "max_points": "3",
        "monthly_cap": "5",
        "annual_cap": "",
        "requires_document": "on",
        "valid_from": "2026-12-01",
        "note": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


# --- reading ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["clerk", "reviewer", "committee", "sysadmin"])
def test_every_record_role_and_the_system_admin_read_the_rule_book(world, as_user, role):
    response = as_user(getattr(world, role)).get(LIST)
    assert response.status_code == 200
    assert len(response.context["rules"]) == 27
    assert "重点项目攻坚任务" in response.text
    assert as_user(getattr(world, role)).get(detail_url("JN04")).status_code == 200


@pytest.mark.parametrize("role", ["secadmin", "auditor", "outsider"])
def test_other_roles_get_403(world, as_user, role):
    assert as_user(getattr(world, role)).get(LIST).status_code == 403
    assert as_user(getattr(world, role)).get(detail_url("JN04")).status_code == 403


def test_only_the_system_admin_sees_the_edit_links(world, as_user):
    assert NEW not in as_user(world.reviewer).get(LIST).text
    assert NEW in as_user(world.sysadmin).get(LIST).text
    assert revise_url("JN04") not in as_user(world.clerk).get(detail_url("JN04")).text
    assert revise_url("JN04") in as_user(world.sysadmin).get(detail_url("JN04")).text


def test_it_filters_by_category_and_searches_by_code_or_name(world, as_user):
    client = as_user(world.clerk)
    codes = [r.code for r in client.get(LIST, {"category": "通报批评"}).context["rules"]]
    assert codes == ["TB01", "TB02"]
    assert [r.code for r in client.get(LIST, {"q": "jn0"}).context["rules"]][:2] == ["JN01", "JN02"]
    assert [r.code for r in client.get(LIST, {"q": "招商"}).context["rules"]] == ["JN05"]


def test_a_bad_filter_is_shown_next_to_its_field(world, as_user):
    response = as_user(world.clerk).get(LIST, {"category": "bogus"})
    assert response.status_code == 200
    assert response.context["form"].errors["category"]
    assert '<small class="error">' in response.text


def test_it_lists_the_version_in_force_and_the_scheduled_one(world, as_user):
    rule_revise(actor=world.sysadmin, rule=rule("JN04"), valid_from=date(2027, 1, 1), max_points="4")
    response = as_user(world.clerk).get(LIST, {"q": "JN04"})
    assert [(r.code, r.version) for r in response.context["rules"]] == [("JN04", 1)]
    assert [(r.code, r.version) for r in response.context["scheduled"]] == [("JN04", 2)]


def test_the_detail_page_shows_every_version_with_what_changed_and_its_use(world, as_user):
    make_entry(world.cadre_a, by=world.clerk, code="JN04")
    rule_revise(actor=world.sysadmin, rule=rule("JN04"), valid_from=date(2026, 6, 1), max_points="4")
    response = as_user(world.reviewer).get(detail_url("JN04"))
    versions = response.context["versions"]
    assert [(v.version, v.used) for v in versions] == [(2, 0), (1, 1)]
    assert [str(label) for label in versions[0].changed] == [str(PointRule._meta.get_field("max_points").verbose_name)]
    assert versions[1].changed is None
    assert response.context["in_force"].version == 2
    assert "2026-05-31" in response.text


def test_entry_counts_stay_within_the_readers_scope(world, as_user):
    make_entry(world.cadre_a, by=world.clerk, code="JN04")
    make_entry(world.cadre_b, by=world.county_clerk, code="JN04")
    assert as_user(world.reviewer).get(detail_url("JN04")).context["versions"][0].used == 1
    assert as_user(world.committee).get(detail_url("JN04")).context["versions"][0].used == 2
    assert as_user(world.sysadmin).get(detail_url("JN04")).context["versions"][0].used == 2


def test_an_unknown_code_is_404(world, as_user):
    assert as_user(world.clerk).get(detail_url("XX99")).status_code == 404
    assert as_user(world.sysadmin).get(revise_url("XX99")).status_code == 404


# --- creating ------------------------------------------------------------------------------------


def test_the_system_admin_creates_a_rule(world, as_user):
    client = as_user(world.sysadmin)
    assert client.get(NEW).status_code == 200
    response = client.post(NEW, _rule_form(code="jn07"))
    assert response.status_code == 302 and response.url == detail_url("JN07")
    created = PointRule.objects.get(code="JN07")
    assert (created.version, created.sign, created.monthly_cap, created.annual_cap) == (1, 1, 5, None)
    assert created.requires_document
    assert AuditEvent.objects.filter(model="records.pointrule", action="create", object_id=str(created.pk)).exists()


def test_a_deduction_rule_needs_a_negative_range(world, as_user):
    response = as_user(world.sysadmin).post(NEW, _rule_form(category="群众投诉", min_points="1", max_points="2"))
    assert response.status_code == 200
    assert response.context["form"].errors["max_points"]
    assert not PointRule.objects.filter(code="JN07").exists()


def test_a_range_upside_down_is_refused(world, as_user):
    response = as_user(world.sysadmin).post(NEW, _rule_form(min_points="3", max_points="1"))
    assert response.context["form"].errors["max_points"]


def test_an_existing_code_is_refused_with_the_services_message(world, as_user):
    response = as_user(world.sysadmin).post(NEW, _rule_form(code="JN04"))
    assert response.status_code == 200
    assert response.context["form"].errors["code"]


@pytest.mark.parametrize("role", ["clerk", "reviewer", "committee", "secadmin", "outsider"])
def test_only_the_system_admin_creates_rules(world, as_user, role):
    client = as_user(getattr(world, role))
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, _rule_form()).status_code == 403
    assert not PointRule.objects.filter(code="JN07").exists()


# --- revising ------------------------------------------------------------------------------------


def test_the_system_admin_revises_a_rule_from_a_date(world, as_user):
    client = as_user(world.sysadmin)
    form = client.get(revise_url("JN04")).context["form"]
    assert form["name"].value() == "重点项目攻坚任务"
    response = client.post(revise_url("JN04"), _rule_form(code=None, name="重点项目攻坚任务", max_points="4"))
    assert response.status_code == 302
    old, new = PointRule.objects.filter(code="JN04").order_by("version")
    assert old.valid_to == date(2026, 11, 30)
    assert (new.version, new.valid_from, new.max_points, new.valid_to) == (2, date(2026, 12, 1), 4, None)


def test_a_revision_that_would_change_existing_entries_shows_the_services_error(world, as_user):
    make_entry(world.cadre_a, by=world.clerk, code="JN04")
    response = as_user(world.sysadmin).post(
        revise_url("JN04"), _rule_form(code=None, name="重点项目攻坚任务", valid_from="2026-03-01")
    )
    assert response.status_code == 200
    assert "2026-03-10" in " ".join(response.context["form"].errors["valid_from"])
    assert PointRule.objects.filter(code="JN04").count() == 1


@pytest.mark.parametrize("role", ["clerk", "reviewer", "committee"])
def test_only_the_system_admin_revises_rules(world, as_user, role):
    client = as_user(getattr(world, role))
    assert client.get(revise_url("JN04")).status_code == 403
    assert client.post(revise_url("JN04"), _rule_form(code=None)).status_code == 403
    assert PointRule.objects.filter(code="JN04").count() == 1


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_the_list_and_detail_answer_405_to_writes(world, as_user, method):
    client = as_user(world.sysadmin)
    assert getattr(client, method)(LIST).status_code == 405
    assert getattr(client, method)(detail_url("JN04")).status_code == 405


@pytest.mark.parametrize("method", ["put", "delete"])
def test_new_and_revise_answer_405_to_other_methods(world, as_user, method):
    client = as_user(world.sysadmin)
    assert getattr(client, method)(NEW).status_code == 405
    assert getattr(client, method)(revise_url("JN04")).status_code == 405


@pytest.mark.parametrize(("view", "code"), [("records:rule-revise", "JN04"), ("records:rule-new", None)])
def test_a_start_date_past_2100_is_refused_with_a_chinese_message(world, as_user, view, code):
    url = reverse(view, args=[code] if code else [])
    response = as_user(world.sysadmin).post(url, _rule_form(code=None if code else "JN07", valid_from="9999-12-31"))
    assert response.status_code == 200
    assert "2000 年至 2100 年" in " ".join(response.context["form"].errors["valid_from"])
    assert PointRule.objects.filter(code=code or "JN07").count() == (1 if code else 0)
