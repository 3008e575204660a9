from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from records.models import EntryStatus, LedgerEntry
from tests.factories import UserFactory, confirmed_entry, grant, make_entry

NOW = datetime(2026, 11, 21, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def entry(world):
    return confirmed_entry(
        world.cadre_a, by=world.clerk, reviewer=world.reviewer, points="3", document_no="青政〔2026〕12号"
    )


def _url(entry_or_pk):
    return reverse("records:entry-correct", args=[getattr(entry_or_pk, "pk", entry_or_pk)])


def _data(**overrides):
    data = {
        "reason": "分值录入错误",
        "rule": "JN04",
        "points": "1",
        "facts": "完成重点项目攻坚",
        "document_no": "青政〔2026〕12号",
        "occurred_on": "2026-03-10",
    }
    data.update(overrides)
    return data


def test_it_prefills_the_original_values(world, as_en, entry):
    text = as_en(world.clerk).get(_url(entry)).text
    assert 'value="JN04 重点项目攻坚任务"' in text and 'value="3.0"' in text
    assert 'value="青政〔2026〕12号"' in text and "data-confirm=" in text


def test_it_records_a_reversal_and_a_linked_correction(world, as_en, entry):
    client = as_en(world.clerk)
    response = client.post(_url(entry), _data())
    assert response.status_code == 302
    reversal = LedgerEntry.objects.get(reverses=entry)
    correction = LedgerEntry.objects.get(corrects=entry)
    assert reversal.points == Decimal("-3") and correction.points == Decimal("1")
    assert reversal.status == correction.status == EntryStatus.PENDING
    text = client.get(response.url).text
    assert f'href="#entry-{entry.pk}">Correction</a>' in text
    assert f'<a href="#entry-{correction.pk}">new entry</a>' in text


def test_the_correction_stores_the_document_number_in_its_canonical_form(world, as_en, entry):
    response = as_en(world.clerk).post(_url(entry), _data(document_no="青政（２０２６） 12号"))
    assert response.status_code == 302
    assert LedgerEntry.objects.get(corrects=entry).document_no == "青政〔2026〕12号"


def test_it_keeps_nothing_when_the_new_values_are_wrong(world, as_en, entry):
    response = as_en(world.clerk).post(_url(entry), _data(points="9"))
    assert response.status_code == 200
    assert "Rule JN04 allows +1.0 ~ +3.0 points." in response.context["form"].errors["points"]
    assert LedgerEntry.objects.count() == 1


def test_it_keeps_the_correction_in_the_same_month(world, as_en, entry):
    response = as_en(world.clerk).post(_url(entry), _data(occurred_on="2026-04-02"))
    assert "A correction stays in the month" in response.context["form"].errors["occurred_on"][0]
    assert LedgerEntry.objects.count() == 1


def test_it_requires_a_reason(world, as_en, entry):
    response = as_en(world.clerk).post(_url(entry), _data(reason=""))
    assert response.context["form"].errors["reason"]
    assert LedgerEntry.objects.count() == 1


def test_it_refuses_a_pending_entry(world, as_en):
    pending = make_entry(world.cadre_a, by=world.clerk)
    as_en(world.clerk).post(_url(pending), _data())
    assert LedgerEntry.objects.count() == 1


@pytest.mark.parametrize("role", ["reviewer", "committee"])
def test_it_answers_403_to_read_only_roles(world, as_en, entry, role):
    client = as_en(getattr(world, role))
    assert client.get(_url(entry)).status_code == 403
    assert client.post(_url(entry), _data()).status_code == 403
    assert LedgerEntry.objects.count() == 1


def test_it_answers_404_for_an_entry_outside_scope(world, as_en):
    county_reviewer = grant(UserFactory(), "reviewer", world.county)
    other = confirmed_entry(world.cadre_b, by=world.county_clerk, reviewer=county_reviewer)
    assert as_en(world.clerk).get(_url(other)).status_code == 404


def test_it_answers_404_for_an_unknown_entry(world, as_en):
    assert as_en(world.clerk).get(_url(99999)).status_code == 404


def test_it_answers_405_to_other_methods(world, as_en, entry):
    assert as_en(world.clerk).delete(_url(entry)).status_code == 405


def _reverse(entry, world, *, confirm=True):
    from records.services.ledger import entry_confirm, entry_return, entry_reverse

    reversal = entry_reverse(actor=world.clerk, entry=entry, reason="分值有误")
    if confirm:
        entry_confirm(actor=world.reviewer, entry=reversal)
    else:
        entry_return(actor=world.reviewer, entry=reversal, reason="不应冲销")
    return reversal


def test_a_fact_entered_again_after_its_reversal_is_its_correction(world, entry, as_user):
    """The reversal and a new entry: the fact counts once, at its new value (DOMAIN)."""
    _reverse(entry, world)
    again = make_entry(world.cadre_a, by=world.clerk, points="2.5", document_no="青政〔2026〕12号")
    assert again.corrects_id == entry.pk and again.status == EntryStatus.PENDING
    # The same fact a third time is refused: the correction is the fact now.
    with pytest.raises(ValidationError) as exc:
        make_entry(world.cadre_a, by=world.clerk, points="2", document_no="青政〔2026〕12号")
    assert "已录入" in str(exc.value.message_dict["document_no"])


def test_a_fact_whose_reversal_was_returned_still_counts_and_is_refused_with_words(world, entry, as_user):
    _reverse(entry, world, confirm=False)
    response = as_user(world.clerk).post(
        reverse("records:entry-new", args=[world.cadre_a.pk]),
        {"rule": "JN04", "points": "2.5", "facts": "重新录入", "document_no": "青政〔2026〕12号",
         "occurred_on": "2026-03-10"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "该事项（同一干部、积分项目 JN04、文号 青政〔2026〕12号）已录入。" in response.text
    assert LedgerEntry.objects.filter(document_no="青政〔2026〕12号", reverses__isnull=True).count() == 1


def test_a_correction_whose_reversal_was_returned_says_to_withdraw_it(world, entry, as_en):
    reversal = _reverse(entry, world, confirm=False)
    response = as_en(world.clerk).get(_url(entry), follow=True)
    assert response.redirect_chain[-1][0] == reverse("records:entry-withdraw", args=[reversal.pk])
    assert "The reversal of this entry was returned; withdraw that reversal first." in response.text


def test_a_ledger_import_enters_a_reversed_fact_again_as_its_correction(world, entry):
    from records.ledger_import import ledger_import
    from tests.test_ledger_import import ledger_bytes, ledger_row

    _reverse(entry, world)
    data = ledger_bytes(ledger_row(分值="2.5", 文号="青政〔2026〕12号", 积分项目代码=entry.rule_code))
    report = ledger_import(data=data, file_name="re.xlsx", user=world.clerk, commit=True)
    assert not report.errors and report.committed
    again = LedgerEntry.objects.get(document_no="青政〔2026〕12号", reverses__isnull=True, corrects__isnull=False)
    assert again.corrects_id == entry.pk and again.points == Decimal("2.5")


def test_withdrawing_a_returned_reversal_takes_its_correction_along_and_the_entry_can_be_corrected_again(
    world, entry, as_en
):
    from records.services.ledger import entry_return

    client = as_en(world.clerk)
    client.post(_url(entry), _data(points="1", document_no="青政〔2026〕13号"))
    reversal = LedgerEntry.objects.get(reverses=entry)
    correction = LedgerEntry.objects.get(corrects=entry)
    entry_return(actor=world.reviewer, entry=reversal, reason="不应更正")

    response = client.post(reverse("records:entry-withdraw", args=[reversal.pk]), follow=True)

    assert "Reversal withdrawn, and with it the correction entered together with it." in response.text
    assert not LedgerEntry.objects.filter(pk__in=[reversal.pk, correction.pk]).exists()
    entry.refresh_from_db()
    assert entry.status == EntryStatus.CONFIRMED  # it counts, as before the correction
    # Corrected again, with another number this time: no 500.
    response = client.post(_url(entry), _data(points="2", document_no="青政〔2026〕14号"))
    assert response.status_code == 302
    assert LedgerEntry.objects.get(corrects=entry).points == Decimal("2")


def test_an_entry_left_with_a_correction_from_before_is_not_corrected_twice(world, entry, as_en):
    from records.services.ledger import entry_correct

    correction = make_entry(world.cadre_a, by=world.clerk, points="1", document_no="青政〔2026〕15号")
    LedgerEntry.objects.filter(pk=correction.pk).update(corrects=entry)  # as older data may hold it

    with pytest.raises(ValidationError, match=f"已有一条更正纪实（编号 {correction.pk}）"):
        entry_correct(
            actor=world.clerk,
            entry=entry,
            reason="r",
            rule=entry.rule,
            points=Decimal("2"),
            facts="f",
            document_no="青政〔2026〕16号",
            occurred_on=entry.occurred_on,
        )
