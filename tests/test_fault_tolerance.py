from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from records.models import FTStage, LedgerEntry
from records.services.ledger import (
    entry_return,
    entry_reverse,
    ruling_apply,
    ruling_determine,
    ruling_file,
    ruling_verify,
)
from tests.factories import UserFactory, confirmed_entry, grant

D = Decimal


@pytest.fixture
def deduction(world):
    return confirmed_entry(world.cadre_a, by=world.clerk, reviewer=world.reviewer, code="SW01", points="-3")


@pytest.fixture
def second_reviewer(world):
    return grant(UserFactory(username="reviewer_2"), "reviewer", world.town_a)


def _through_verification(world, entry):
    ruling = ruling_apply(actor=world.clerk, entry=entry, basis="trial", application="先行先试中的失误")
    return ruling_verify(actor=world.reviewer, ruling=ruling, findings="经核实属探索性失误")


@pytest.mark.parametrize(
    ("outcome", "reduced", "effective"),
    [("waived", None, D("0")), ("reduced", D("-1"), D("-1")), ("rejected", None, D("-3"))],
)
def test_the_outcome_sets_the_effective_points_and_the_entry_stays(world, deduction, outcome, reduced, effective):
    ruling = _through_verification(world, deduction)
    ruling_determine(actor=world.reviewer, ruling=ruling, outcome=outcome, reduced_points=reduced, determination="认定")
    entry = LedgerEntry.objects.get(pk=deduction.pk)
    assert (entry.points, entry.effective_points) == (D("-3"), effective)


def test_the_stages_run_in_order_and_end_filed(world, deduction):
    ruling = ruling_apply(actor=world.clerk, entry=deduction, basis="development", application="申请")
    with pytest.raises(ValidationError):
        ruling_determine(actor=world.reviewer, ruling=ruling, outcome="waived", determination="x")
    ruling = ruling_verify(actor=world.reviewer, ruling=ruling, findings="核实")
    ruling = ruling_determine(actor=world.reviewer, ruling=ruling, outcome="waived", determination="免责")
    ruling = ruling_file(actor=world.clerk, ruling=ruling, document_no="青纪报〔2026〕2号")
    assert ruling.stage == FTStage.FILED


def test_a_reduction_must_lie_between_the_points_and_zero(world, deduction):
    ruling = _through_verification(world, deduction)
    for bad in (D("-3"), D("-4"), D("0"), None):
        with pytest.raises(ValidationError):
            ruling_determine(
                actor=world.reviewer, ruling=ruling, outcome="reduced", reduced_points=bad, determination="x"
            )


def test_the_applicant_cannot_verify_their_own_application(world, deduction):
    both = grant(world.clerk, "reviewer", world.town_a)
    ruling = ruling_apply(actor=both, entry=deduction, basis="trial", application="x")
    with pytest.raises(ValidationError):
        ruling_verify(actor=both, ruling=ruling, findings="x")


def test_rulings_apply_to_confirmed_deductions_only(world):
    addition = confirmed_entry(world.cadre_a, by=world.clerk, reviewer=world.reviewer)
    with pytest.raises(ValidationError):
        ruling_apply(actor=world.clerk, entry=addition, basis="trial", application="x")


def test_a_reversed_deduction_gets_no_ruling(world, deduction):
    entry_reverse(actor=world.clerk, entry=deduction, reason="错录")
    with pytest.raises(ValidationError):
        ruling_apply(actor=world.clerk, entry=deduction, basis="trial", application="x")


def test_a_deduction_whose_reversal_was_returned_says_to_withdraw_the_reversal(world, deduction):
    reversal = entry_reverse(actor=world.clerk, entry=deduction, reason="错录")
    entry_return(actor=world.reviewer, entry=reversal, reason="不应冲销")
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        ruling_apply(actor=world.clerk, entry=deduction, basis="trial", application="x")
    assert refused.value.messages == ["该纪实的冲销已被退回，请先撤回该冲销。"]


def test_one_ruling_per_deduction(world, deduction):
    ruling_apply(actor=world.clerk, entry=deduction, basis="trial", application="x")
    with pytest.raises(ValidationError):
        ruling_apply(actor=world.clerk, entry=deduction, basis="trial", application="y")


def test_a_reviewer_outside_scope_cannot_determine(world, deduction):
    ruling = _through_verification(world, deduction)
    other = grant(UserFactory(), "reviewer", world.town_b)
    with pytest.raises(PermissionDenied):
        ruling_determine(actor=other, ruling=ruling, outcome="waived", determination="x")
