from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from records.models import PointRule
from records.services.ledger import entry_create
from records.services.rules import rule_create, rule_revise
from tests.factories import make_entry, rule

D = Decimal


def test_the_default_rule_book_is_loaded(db):
    codes = set(PointRule.objects.values_list("code", flat=True))
    assert {"BZ01", "BZ04", "JN01", "SW01", "TB01", "JL01"} <= codes
    assert len(codes) >= 25
    national, county = rule("BZ01"), rule("BZ04")
    assert national.min_points > county.max_points  # national > provincial > city > county
    assert rule("SW01").sign == -1 and rule("SW01").max_points < 0


def test_a_revision_closes_the_old_version_and_opens_a_new_one(world):
    old = rule("JN04")
    new = rule_revise(actor=world.sysadmin, rule=old, valid_from=date(2026, 7, 1), max_points=D("4"))
    old.refresh_from_db()
    assert old.valid_to == date(2026, 6, 30)
    assert (new.version, new.valid_from, new.max_points, new.valid_to) == (2, date(2026, 7, 1), D("4"), None)


def test_an_entry_keeps_the_version_in_force_on_its_date(world):
    before = make_entry(world.cadre_a, by=world.clerk, occurred_on=date(2026, 3, 10))
    new = rule_revise(actor=world.sysadmin, rule=rule("JN04"), valid_from=date(2026, 7, 1), max_points=D("4"))
    before.refresh_from_db()
    assert before.rule.version == 1
    with pytest.raises(ValidationError):  # version 1 is over after June
        entry_create(
            actor=world.clerk,
            cadre=world.cadre_a,
            rule=before.rule,
            points=D("2"),
            facts="x",
            document_no="n1",
            occurred_on=date(2026, 8, 3),
        )
    after = entry_create(
        actor=world.clerk,
        cadre=world.cadre_a,
        rule=new,
        points=D("4"),
        facts="x",
        document_no="n2",
        occurred_on=date(2026, 8, 3),
    )
    assert after.rule.version == 2
    with pytest.raises(ValidationError):  # and version 2 does not reach back into March
        entry_create(
            actor=world.clerk,
            cadre=world.cadre_a,
            rule=new,
            points=D("4"),
            facts="x",
            document_no="n3",
            occurred_on=date(2026, 3, 3),
        )


def test_a_revision_may_not_reach_back_over_existing_entries(world):
    make_entry(world.cadre_a, by=world.clerk, occurred_on=date(2026, 9, 10))
    with pytest.raises(ValidationError):
        rule_revise(actor=world.sysadmin, rule=rule("JN04"), valid_from=date(2026, 9, 1), max_points=D("4"))
    assert PointRule.objects.filter(code="JN04").count() == 1


def test_only_the_current_version_is_revised(world):
    old = rule("JN04")
    rule_revise(actor=world.sysadmin, rule=old, valid_from=date(2026, 7, 1), max_points=D("4"))
    old.refresh_from_db()
    with pytest.raises(ValidationError):
        rule_revise(actor=world.sysadmin, rule=old, valid_from=date(2026, 9, 1))


@pytest.mark.parametrize("who", ["clerk", "reviewer", "secadmin", "committee"])
def test_only_the_system_admin_changes_the_rule_book(world, who):
    with pytest.raises(PermissionDenied):
        rule_revise(actor=getattr(world, who), rule=rule("JN04"), valid_from=date(2026, 7, 1))


def test_a_new_rule_takes_its_sign_from_its_category(world):
    new = rule_create(
        actor=world.sysadmin,
        code="SW09",
        name="安全生产事故",
        category="工作失误失责",
        min_points=D("-5"),
        max_points=D("-2"),
        valid_from=date(2026, 1, 1),
    )
    assert new.sign == -1


def test_a_range_that_contradicts_the_category_is_refused(world):
    with pytest.raises(ValidationError):
        rule_create(
            actor=world.sysadmin,
            code="SW10",
            name="错误",
            category="工作失误失责",
            min_points=D("1"),
            max_points=D("2"),
            valid_from=date(2026, 1, 1),
        )


def test_an_existing_code_is_revised_not_created_again(world):
    with pytest.raises(ValidationError):
        rule_create(
            actor=world.sysadmin,
            code="JN04",
            name="重复",
            category="急难险重",
            min_points=D("1"),
            max_points=D("2"),
            valid_from=date(2026, 1, 1),
        )


@pytest.mark.parametrize("day", [date(9999, 12, 31), date(2101, 1, 1)])
def test_a_revision_cannot_start_after_2100(world, day):
    with pytest.raises(ValidationError) as refused:
        rule_revise(actor=world.sysadmin, rule=rule("JN04"), valid_from=day, max_points=D("4"))
    assert "valid_from" in refused.value.message_dict
    assert PointRule.objects.filter(code="JN04").count() == 1


def test_a_revision_may_start_in_2100(world):
    new = rule_revise(actor=world.sysadmin, rule=rule("JN04"), valid_from=date(2100, 12, 31), max_points=D("4"))
    assert new.valid_from == date(2100, 12, 31)
