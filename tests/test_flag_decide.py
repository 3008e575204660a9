"""flag_decide: the committee accepts or dismisses a raised flag; a recompute never undoes it."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assessments.models import CandidateFlag, FlagState
from assessments.services_committee import flag_decide
from audit.models import AuditEvent
from tests.factories import UserFactory, grant
from tests.factories_scores import make_flag, talk_data


@pytest.fixture
def flag(world):
    return make_flag(world.cadre_a)


def test_the_committee_accepts_a_flag_with_its_name_and_time(world, flag):
    flag_decide(actor=world.committee, flag=flag, decision="accepted", note="列入后备干部")
    flag.refresh_from_db()
    assert (flag.decision, flag.decision_note, flag.decided_by) == ("accepted", "列入后备干部", world.committee)
    assert flag.decided_at is not None


def test_dismissing_needs_a_note(world, flag):
    with pytest.raises(ValidationError) as exc:
        flag_decide(actor=world.committee, flag=flag, decision="dismissed", note="  ")
    assert "note" in exc.value.message_dict
    flag.refresh_from_db()
    assert flag.decision == ""


def test_deciding_again_changes_the_decision_and_both_are_audited(world, flag):
    flag_decide(actor=world.committee, flag=flag, decision="accepted", note="")
    flag_decide(actor=world.committee, flag=flag, decision="dismissed", note="已于上年提拔")
    flag.refresh_from_db()
    assert (flag.decision, flag.decision_note) == ("dismissed", "已于上年提拔")
    events = AuditEvent.objects.filter(model="assessments.candidateflag", object_id=str(flag.pk), action="update")
    assert [e.changes["decision"] for e in events.order_by("at", "id")] == [["", "accepted"], ["accepted", "dismissed"]]
    assert {e.actor_name for e in events} == {"committee"}


def test_a_withdrawn_flag_keeps_its_decision_but_takes_no_new_one(world, flag):
    flag_decide(actor=world.committee, flag=flag, decision="accepted", note="")
    CandidateFlag.objects.filter(pk=flag.pk).update(state=FlagState.WITHDRAWN)
    with pytest.raises(ValidationError):
        flag_decide(actor=world.committee, flag=flag, decision="dismissed", note="不再符合")
    flag.refresh_from_db()
    assert (flag.state, flag.decision) == ("withdrawn", "accepted")


def test_a_blocked_flag_is_not_decided(world):
    flag = make_flag(world.cadre_a, state=FlagState.BLOCKED)
    with pytest.raises(ValidationError):
        flag_decide(actor=world.committee, flag=flag, decision="accepted", note="")


def test_an_unknown_decision_is_refused(world, flag):
    with pytest.raises(ValidationError) as exc:
        flag_decide(actor=world.committee, flag=flag, decision="", note="")
    assert "decision" in exc.value.message_dict


def test_only_the_committee_decides(world, flag):
    for user in (world.reviewer, world.clerk, world.sysadmin, world.outsider):
        with pytest.raises(PermissionDenied):
            flag_decide(actor=user, flag=flag, decision="accepted", note="")


def test_a_committee_of_another_township_may_not_decide(world):
    flag = make_flag(world.cadre_b)
    committee_a = grant(UserFactory(username="committee_a"), "committee", world.town_a)
    with pytest.raises(PermissionDenied):
        flag_decide(actor=committee_a, flag=flag, decision="accepted", note="")


def test_the_decision_survives_a_rewrite_of_the_computed_fields(world, flag):
    """The engine rewrites state, data, unit and changed_at in bulk; the decision stays."""
    flag_decide(actor=world.committee, flag=flag, decision="dismissed", note="已谈话")
    flag.refresh_from_db()
    flag.state, flag.data, flag.unit = FlagState.RAISED, {**talk_data(), "kind": "promotion"}, world.town_b
    CandidateFlag.objects.bulk_update([flag], ["state", "data", "unit", "changed_at"])
    flag.refresh_from_db()
    assert (flag.decision, flag.decision_note, flag.decided_by) == ("dismissed", "已谈话", world.committee)
    assert flag.unit == world.town_b


def test_a_decision_from_a_stale_copy_leaves_the_newer_computed_fields_alone(world, flag):
    stale = CandidateFlag.objects.get(pk=flag.pk)
    newer = {**talk_data(entry_ids=(555,)), "kind": "promotion"}
    CandidateFlag.objects.filter(pk=flag.pk).update(data=newer)
    flag_decide(actor=world.committee, flag=stale, decision="accepted", note="")
    flag.refresh_from_db()
    assert flag.data == newer and flag.decision == "accepted"


def test_dismissing_a_card_refreshes_the_cadres_flags_after_commit(
    world, django_capture_on_commit_callbacks, monkeypatch
):
    from assessments import tasks

    queued = []
    monkeypatch.setattr(tasks.refresh_cadre_scores, "delay", lambda ids, year: queued.append((ids, year)))
    card = make_flag(world.cadre_a, kind="yellow_card")
    with django_capture_on_commit_callbacks(execute=True):
        flag_decide(actor=world.committee, flag=card, decision="dismissed", note="已核实为误报")
    assert queued == [([world.cadre_a.pk], 2025)]
