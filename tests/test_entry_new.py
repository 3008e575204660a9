from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from records.models import EntryStatus, LedgerEntry, PointRule
from records.services.ledger import month_close
from tests.factories import make_entry

NOW = datetime(2026, 11, 21, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _url(cadre_or_pk):
    return reverse("records:entry-new", args=[getattr(cadre_or_pk, "pk", cadre_or_pk)])


def _data(**overrides):
    data = {
        "rule": "JN04 重点项目攻坚任务",
        "points": "2",
        "facts": "完成产业园道路攻坚",
        "document_no": "青政〔2026〕88号",
        "occurred_on": "2026-11-10",
    }
    data.update(overrides)
    return data


def test_it_shows_the_form_with_the_rule_book_and_the_running_month_total(world, as_en):
    make_entry(world.cadre_a, by=world.clerk, code="JN04", points="3", occurred_on=date(2026, 11, 2))
    response = as_en(world.clerk).get(_url(world.cadre_a))
    assert response.status_code == 200
    text = response.text
    assert '<option value="JN04 重点项目攻坚任务">' in text
    assert 'id="rule-data"' in text and "js/ledger.js" in text
    assert "2026-11 so far" in text and "+3.0" in text
    assert 'value="2026-11-21"' in text


def test_the_cursor_starts_in_the_rule_field_and_goes_to_the_field_in_error(world, as_en):
    client = as_en(world.clerk)
    form = client.get(_url(world.cadre_a)).context["form"]
    assert [n for n, f in form.fields.items() if f.widget.attrs.get("autofocus")] == ["rule"]
    form = client.post(_url(world.cadre_a), _data(document_no="")).context["form"]
    assert [n for n, f in form.fields.items() if f.widget.attrs.get("autofocus")] == ["document_no"]


def test_it_records_a_pending_entry_and_returns_to_the_cadre_page(world, as_en):
    client = as_en(world.clerk)
    response = client.post(_url(world.cadre_a), _data())
    assert response.status_code == 302
    assert response.url == reverse("records:cadre-detail", args=[world.cadre_a.pk]) + "#ledger"
    entry = LedgerEntry.objects.get(cadre=world.cadre_a)
    assert entry.status == EntryStatus.PENDING
    assert entry.rule_code == "JN04" and entry.points == Decimal("2")
    assert entry.entered_by == world.clerk and entry.month == date(2026, 11, 1)
    assert "recorded for 李明" in client.get(response.url).text


def test_it_accepts_the_rule_code_alone_in_any_case(world, as_en):
    response = as_en(world.clerk).post(_url(world.cadre_a), _data(rule=" jn04 "))
    assert response.status_code == 302
    assert LedgerEntry.objects.get(cadre=world.cadre_a).rule_code == "JN04"


@pytest.mark.parametrize(
    ("typed", "code"), [("攻坚", "JN04"), (" 签约 落地 ", "JN05"), ("ppp", "JN05"), ("参加", "JN02")]
)
def test_it_takes_the_one_rule_in_force_whose_name_contains_the_text(world, as_en, typed, code):
    PointRule.objects.filter(code="JN05").update(name="PPP项目签约 落地")
    PointRule.objects.filter(code="JN01").update(valid_to=date(2025, 12, 31))  # 参加…, no longer in force
    response = as_en(world.clerk).post(_url(world.cadre_a), _data(rule=typed))
    assert response.status_code == 302
    assert LedgerEntry.objects.get(cadre=world.cadre_a).rule_code == code


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("表彰", "Several rules match (BZ01、BZ02、BZ03、BZ04); choose one."),
        ("被", "Several rules match (CX01、CX02、WZ01、WZ02、YT01…); choose one."),
    ],
)
def test_part_of_a_name_that_fits_several_rules_is_refused_with_their_codes(world, as_en, typed, message):
    response = as_en(world.clerk).post(_url(world.cadre_a), _data(rule=typed))
    assert response.status_code == 200
    assert response.context["form"].errors["rule"] == [message]
    assert not LedgerEntry.objects.exists()


def test_it_returns_to_a_safe_next_url(world, as_en):
    sheet = reverse("records:month-sheet", args=[world.town_a.pk, "2026-11"])
    response = as_en(world.clerk).post(_url(world.cadre_a) + f"?next={sheet}", _data())
    assert response.url == sheet


def test_it_ignores_a_next_url_on_another_site(world, as_en):
    response = as_en(world.clerk).post(_url(world.cadre_a), _data(next="https://evil.example/"))
    assert response.url.startswith(reverse("records:cadre-detail", args=[world.cadre_a.pk]))


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"points": "5"}, "points", "Rule JN04 allows +1.0 ~ +3.0 points."),
        ({"rule": "SW01", "points": "2"}, "points", "Rule SW01 deducts points: enter a negative number."),
        ({"occurred_on": "2026-11-25"}, "occurred_on", "The date cannot be in the future."),
        ({"document_no": "  "}, "document_no", "Rule JN04 needs the document number (文号)."),
        ({"rule": "XX99"}, "rule", "No rule has the code or name “XX99”."),
        ({"occurred_on": "2023-05-04"}, "rule", "Rule JN04 is not in force on 2023-05-04."),
    ],
)
def test_it_shows_each_rejection_on_its_field(world, as_en, overrides, field, message):
    response = as_en(world.clerk).post(_url(world.cadre_a), _data(**overrides))
    assert response.status_code == 200
    assert message in response.context["form"].errors[field]
    assert message in response.text
    assert not LedgerEntry.objects.exists()


def test_it_refuses_the_same_fact_twice(world, as_en):
    make_entry(world.cadre_a, by=world.county_clerk, document_no="青政〔2026〕88号", occurred_on=date(2026, 11, 3))
    response = as_en(world.clerk).post(_url(world.cadre_a), _data())
    assert response.status_code == 200
    assert "is already recorded" in response.context["form"].errors["document_no"][0]
    assert LedgerEntry.objects.count() == 1


@pytest.mark.parametrize("typed", ["青政(2026)88号", "青政（2026）88号", "青政 [2026] 88 号", "青政〔２０２６〕８８号"])
def test_it_refuses_the_same_fact_under_another_spelling_of_its_document_number(world, as_user, typed):
    make_entry(world.cadre_a, by=world.county_clerk, document_no="青政〔2026〕88号", occurred_on=date(2026, 11, 3))
    response = as_user(world.clerk).post(_url(world.cadre_a), _data(document_no=typed))
    assert response.status_code == 200
    errors = response.context["form"].errors["document_no"]
    assert errors == ["该事项（同一干部、积分项目 JN04、文号 青政〔2026〕88号）已录入。"]
    assert LedgerEntry.objects.count() == 1


def test_it_stores_the_document_number_in_its_canonical_form(world, as_en):
    response = as_en(world.clerk).post(_url(world.cadre_a), _data(document_no=" qzf（２０２６） 88 号 "))
    assert response.status_code == 302
    assert LedgerEntry.objects.get().document_no == "QZF〔2026〕88号"


def test_it_refuses_a_closed_month(world, as_en):
    month_close(actor=world.clerk, unit=world.town_a, month=date(2026, 10, 1))
    response = as_en(world.clerk).post(_url(world.cadre_a), _data(occurred_on="2026-10-08"))
    assert response.status_code == 200
    assert "2026-10 is closed for 东岭镇" in response.context["form"].errors["occurred_on"][0]
    assert not LedgerEntry.objects.exists()


@pytest.mark.parametrize("role", ["reviewer", "committee"])
def test_it_answers_403_to_read_only_roles(world, as_en, role):
    client = as_en(getattr(world, role))
    assert client.get(_url(world.cadre_a)).status_code == 403
    assert client.post(_url(world.cadre_a), _data()).status_code == 403
    assert not LedgerEntry.objects.exists()


def test_it_answers_404_for_a_cadre_outside_scope(world, as_en):
    client = as_en(world.clerk)
    assert client.get(_url(world.cadre_b)).status_code == 404
    assert client.post(_url(world.cadre_b), _data()).status_code == 404


def test_it_answers_404_for_an_unknown_cadre(world, as_en):
    assert as_en(world.clerk).get(_url(99999)).status_code == 404


def test_it_answers_405_to_other_methods(world, as_en):
    client = as_en(world.clerk)
    assert client.put(_url(world.cadre_a)).status_code == 405
    assert client.delete(_url(world.cadre_a)).status_code == 405


def test_it_sends_anonymous_visitors_to_the_login(world, client):
    response = client.get(_url(world.cadre_a))
    assert response.status_code == 302 and "login" in response.url
