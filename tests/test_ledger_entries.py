from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from audit.models import AuditEvent
from records.models import EntryStatus, LedgerEntry
from records.services.ledger import (
    entries_confirm,
    entries_return,
    entry_confirm,
    entry_correct,
    entry_create,
    entry_return,
    entry_reverse,
    entry_update,
    entry_withdraw,
    month_close,
)
from tests.factories import confirmed_entry, make_entry, rule

D = Decimal


def _create(world, **overrides):
    data = {
        "actor": world.clerk,
        "cadre": world.cadre_a,
        "rule": rule("JN04"),
        "points": D("2"),
        "facts": "完成重点项目征地攻坚",
        "document_no": "青重办〔2026〕3号",
        "occurred_on": date(2026, 3, 10),
    }
    data.update(overrides)
    return entry_create(**data)


def _error_fields(exc_info):
    return set(exc_info.value.message_dict)


def test_an_entry_starts_pending_with_its_rule_version_and_month(world):
    entry = _create(world)
    assert entry.status == EntryStatus.PENDING
    assert entry.month == date(2026, 3, 1)
    assert (entry.rule_code, entry.category, entry.unit) == ("JN04", "急难险重", world.town_a)
    assert entry.effective_points == D("2")
    assert AuditEvent.objects.filter(model="records.ledgerentry", action="create", actor_name="clerk_a").exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"points": D("4")}, "points"),  # above the range 1–3
        ({"points": D("0.5")}, "points"),  # below it
        ({"points": D("-2")}, "points"),  # wrong sign for an add rule
        ({"points": D("0")}, "points"),
        ({"rule": "SW01", "points": D("2")}, "points"),  # a deduction entered as positive
        ({"document_no": ""}, "document_no"),  # JN04 needs a document number
        ({"occurred_on": date(2026, 12, 1)}, "occurred_on"),  # the future
    ],
)
def test_it_rejects_bad_facts_with_a_field_error(world, overrides, field):
    if isinstance(overrides.get("rule"), str):
        overrides["rule"] = rule(overrides["rule"])
    with time_machine.travel(date(2026, 11, 21), tick=False), pytest.raises(ValidationError) as exc:
        _create(world, **overrides)
    assert field in _error_fields(exc)
    assert not LedgerEntry.objects.exists()


def test_a_date_outside_the_month_is_rejected(world):
    with pytest.raises(ValidationError) as exc:
        _create(world, month=date(2026, 2, 1), occurred_on=date(2026, 3, 10))
    assert "occurred_on" in _error_fields(exc)


def test_a_rule_not_in_force_on_the_date_is_rejected(world):
    with pytest.raises(ValidationError) as exc:
        _create(world, occurred_on=date(2023, 12, 31))
    assert "rule" in _error_fields(exc)


def test_a_rule_without_document_requirement_accepts_no_number(world):
    entry = _create(world, rule=rule("JN01"), document_no="", points=D("1"))
    assert entry.document_no == ""


def test_a_fixed_rule_accepts_only_its_value(world):
    with pytest.raises(ValidationError):
        _create(world, rule=rule("TB01"), points=D("-1"))
    assert _create(world, rule=rule("TB01"), points=D("-2")).points == D("-2")


def test_the_same_fact_cannot_be_scored_twice_whoever_enters_it(world):
    _create(world)
    with pytest.raises(ValidationError) as exc:
        _create(world, actor=world.county_clerk)
    assert "document_no" in _error_fields(exc)


def test_the_same_fact_under_another_spelling_of_its_document_number_is_refused(world):
    first = _create(world, actor=world.county_clerk, document_no="青重办 (２０２６) 3号")
    assert first.document_no == "青重办〔2026〕3号"
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        _create(world, document_no="青重办【2026】3号")
    refused = "该事项（同一干部、积分项目 JN04、文号 青重办〔2026〕3号）已录入。"
    assert exc.value.message_dict["document_no"] == [refused]


def test_a_document_number_too_long_in_its_canonical_form_is_refused(world):
    # ⑴ is one character as typed and three, "(1)", in the canonical form.
    with pytest.raises(ValidationError) as exc:
        _create(world, document_no="青重办" + "⑴" * 20)
    assert "document_no" in _error_fields(exc)
    assert not LedgerEntry.objects.exists()


def test_the_database_itself_refuses_a_duplicate_fact(world):
    entry = _create(world)
    twin = LedgerEntry.objects.get(pk=entry.pk)
    twin.pk = None
    twin._state.adding = True
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()


def test_a_returned_fact_can_be_entered_again(world):
    entry = _create(world)
    entry_return(actor=world.reviewer, entry=entry, reason="文号有误")
    assert _create(world).status == EntryStatus.PENDING


def test_a_clerk_cannot_enter_points_outside_their_scope(world):
    with pytest.raises(PermissionDenied):
        _create(world, cadre=world.cadre_b)


@pytest.mark.parametrize("who", ["reviewer", "committee", "sysadmin", "outsider"])
def test_only_clerks_enter_points(world, who):
    with pytest.raises(PermissionDenied):
        _create(world, actor=getattr(world, who))


def test_a_closed_month_accepts_no_new_entries_for_the_unit_and_below(world):
    month_close(actor=world.county_clerk, unit=world.town_a, month=date(2026, 3, 1))
    with pytest.raises(ValidationError) as exc:
        _create(world, cadre=world.cadre_a_office)
    assert "occurred_on" in _error_fields(exc)
    # Other townships and other months stay open.
    assert _create(world, actor=world.county_clerk, cadre=world.cadre_b, document_no="x1")
    assert _create(world, occurred_on=date(2026, 4, 2))


def test_whoever_entered_an_entry_cannot_confirm_it(world):
    both = world.reviewer
    from tests.factories import grant

    grant(both, "clerk", world.town_a)
    entry = _create(world, actor=both)
    with pytest.raises(ValidationError):
        entry_confirm(actor=both, entry=entry)
    assert LedgerEntry.objects.get(pk=entry.pk).status == EntryStatus.PENDING


def test_a_reviewer_confirms_and_the_decision_is_audited(world):
    entry = _create(world)
    entry_confirm(actor=world.reviewer, entry=entry)
    entry.refresh_from_db()
    assert (entry.status, entry.decided_by) == (EntryStatus.CONFIRMED, world.reviewer)
    event = AuditEvent.objects.filter(model="records.ledgerentry", object_id=str(entry.pk), action="update").get()
    assert event.changes["status"] == ["pending", "confirmed"] and event.actor_name == "reviewer_a"


def test_a_reviewer_outside_the_scope_cannot_confirm(world):
    entry = _create(world, actor=world.county_clerk, cadre=world.cadre_b)
    with pytest.raises(ValidationError):
        entry_confirm(actor=world.reviewer, entry=entry)


def test_a_return_needs_a_reason_and_keeps_it(world):
    entry = _create(world)
    with pytest.raises(ValidationError):
        entry_return(actor=world.reviewer, entry=entry, reason=" ")
    entry_return(actor=world.reviewer, entry=entry, reason="事由不具体")
    entry.refresh_from_db()
    assert (entry.status, entry.return_reason) == (EntryStatus.RETURNED, "事由不具体")


def test_bulk_confirmation_decides_what_it_may_and_reports_the_rest(world):
    mine = [_create(world, document_no=f"d{i}") for i in range(5)]
    from tests.factories import grant

    grant(world.reviewer, "clerk", world.town_a)
    own = _create(world, actor=world.reviewer, document_no="own")
    done, problems = entries_confirm(actor=world.reviewer, entries=[*mine, own])
    assert done == 5 and set(problems) == {own.pk}
    assert LedgerEntry.objects.filter(status=EntryStatus.CONFIRMED).count() == 5
    assert AuditEvent.objects.filter(model="records.ledgerentry", action="update").count() == 5


def test_bulk_return_needs_a_reason(world):
    entry = _create(world)
    with pytest.raises(ValidationError):
        entries_return(actor=world.reviewer, entries=[entry], reason="")


def test_a_confirmed_entry_cannot_be_edited_or_withdrawn(world):
    entry = confirmed_entry(world.cadre_a, by=world.clerk, reviewer=world.reviewer)
    with pytest.raises(ValidationError):
        entry_update(
            actor=world.clerk,
            entry=entry,
            rule=entry.rule,
            points=D("3"),
            facts="x",
            document_no=entry.document_no,
            occurred_on=entry.occurred_on,
        )
    with pytest.raises(ValidationError):
        entry_withdraw(actor=world.clerk, entry=entry)
    assert LedgerEntry.objects.get(pk=entry.pk).points == entry.points


def test_editing_a_returned_entry_sends_it_back_as_pending(world):
    entry = _create(world)
    entry_return(actor=world.reviewer, entry=entry, reason="分值偏高")
    entry_update(
        actor=world.clerk,
        entry=entry,
        rule=entry.rule,
        points=D("1"),
        facts=entry.facts,
        document_no=entry.document_no,
        occurred_on=entry.occurred_on,
    )
    entry.refresh_from_db()
    assert (entry.status, entry.points, entry.return_reason) == (EntryStatus.PENDING, D("1"), "")


def test_withdrawing_a_pending_entry_deletes_it_and_audits_the_values(world):
    entry = _create(world)
    entry_withdraw(actor=world.clerk, entry=entry)
    assert not LedgerEntry.objects.exists()
    event = AuditEvent.objects.get(model="records.ledgerentry", action="delete")
    assert event.changes["points"][0] == "2.0"


def test_a_reversal_cancels_a_confirmed_entry_and_both_are_kept(world):
    entry = confirmed_entry(world.cadre_a, by=world.clerk, reviewer=world.reviewer)
    reversal = entry_reverse(actor=world.clerk, entry=entry, reason="重复录入")
    assert reversal.points == -entry.points and reversal.reverses == entry
    assert reversal.status == EntryStatus.PENDING and reversal.month == entry.month
    with pytest.raises(ValidationError):
        entry_reverse(actor=world.clerk, entry=entry, reason="again")
    with pytest.raises(ValidationError):
        entry_reverse(actor=world.clerk, entry=reversal, reason="reverse the reversal")


def test_a_pending_entry_is_not_reversed(world):
    with pytest.raises(ValidationError):
        entry_reverse(actor=world.clerk, entry=_create(world), reason="x")


def test_a_correction_is_a_reversal_plus_a_linked_new_entry(world):
    reversal, correction = _corrected(world)
    entry = LedgerEntry.objects.get(pk=reversal.reverses_id)
    assert correction.corrects == entry and reversal.reverses == entry
    assert correction.document_no == entry.document_no
    assert LedgerEntry.objects.count() == 3


def test_a_reversal_in_a_closed_month_needs_the_month_reopened(world):
    entry = confirmed_entry(world.cadre_a, by=world.clerk, reviewer=world.reviewer)
    month_close(actor=world.clerk, unit=world.town_a, month=entry.month)
    with pytest.raises(ValidationError):
        entry_reverse(actor=world.clerk, entry=entry, reason="x")


def test_make_entry_helper_enters_through_the_service(world):
    assert make_entry(world.cadre_a, by=world.clerk).entered_by == world.clerk


def test_bulk_confirmation_costs_the_same_queries_for_2_or_20_entries(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def cost(n, prefix):
        entries = [_create(world, document_no=f"{prefix}{i}") for i in range(n)]
        with CaptureQueriesContext(connection) as ctx:
            assert entries_confirm(actor=world.reviewer, entries=entries)[0] == n
        return len(ctx.captured_queries)

    cost(1, "warm")  # the reviewer's roles are read once and cached
    assert cost(2, "a") == cost(20, "b")


def _corrected(world):
    entry = confirmed_entry(world.cadre_a, by=world.clerk, reviewer=world.reviewer, points="3")
    return entry_correct(
        actor=world.clerk,
        entry=entry,
        reason="分值录入错误",
        rule=entry.rule,
        points=D("2"),
        facts=entry.facts,
        document_no=entry.document_no,
        occurred_on=entry.occurred_on,
    )


def test_a_correction_is_not_confirmed_while_its_reversal_is_not(world):
    reversal, correction = _corrected(world)
    entry_return(actor=world.reviewer, entry=reversal, reason="冲销原因不充分")
    with pytest.raises(ValidationError):
        entry_confirm(actor=world.reviewer, entry=correction)
    correction.refresh_from_db()
    assert correction.status == EntryStatus.PENDING


def test_a_correction_is_confirmed_with_its_reversal_or_after_it(world):
    reversal, correction = _corrected(world)
    assert entries_confirm(actor=world.reviewer, entries=[correction, reversal]) == (2, {})
    again_reversal, again = _corrected(world)
    entry_confirm(actor=world.reviewer, entry=again_reversal)
    entry_confirm(actor=world.reviewer, entry=again)
    assert LedgerEntry.objects.filter(status=EntryStatus.CONFIRMED).count() == 6
