"""One flag and the committee's decision on it."""

import pytest
from django.urls import reverse

from assessments.models import CandidateFlag, FlagDecision, FlagState
from audit.models import AuditEvent
from tests.factories import UserFactory, grant
from tests.factories_scores import make_flag


def url(flag):
    return reverse("assessments:flag-detail", args=[flag.pk])


@pytest.fixture
def flag(world):
    return make_flag(world.cadre_a)


def test_it_shows_the_flag_as_reference(world, as_user, flag):
    response = as_user(world.reviewer).get(url(flag))
    assert response.status_code == 200
    assert "年度综合得分位列本类别前 10%（本类别最高）；3 个季度等次为“好”" in response.text
    assert reverse("assessments:review-detail", args=[12]) in response.text
    assert not response.context["can_decide"]


def test_the_committee_accepts_it(world, as_user, flag):
    client = as_user(world.committee)
    response = client.post(url(flag), {"decision": "accepted", "note": "列入后备"})
    assert response.status_code == 302 and response.url == url(flag)
    flag.refresh_from_db()
    assert (flag.decision, flag.decision_note, flag.decided_by) == ("accepted", "列入后备", world.committee)


def test_dismissing_without_a_note_shows_the_error(world, as_user, flag):
    response = as_user(world.committee).post(url(flag), {"decision": "dismissed", "note": ""})
    assert response.status_code == 200 and response.context["form"].errors["note"]
    assert CandidateFlag.objects.get(pk=flag.pk).decision == ""


def test_deciding_again_shows_both_decisions_in_the_history(world, as_user, flag):
    client = as_user(world.committee)
    client.post(url(flag), {"decision": "accepted", "note": ""})
    client.post(url(flag), {"decision": "dismissed", "note": "已提拔"})
    history = client.get(url(flag)).context["history"]
    pending, accepted, dismissed = (str(d.label) for d in FlagDecision)
    assert [tuple(map(str, e.decision_change)) for e in history] == [(pending, accepted), (accepted, dismissed)]
    assert CandidateFlag.objects.get(pk=flag.pk).decision == "dismissed"


def test_the_history_names_whoever_decided_as_the_rest_of_the_page_does(world, as_user, flag):
    client = as_user(world.committee)
    client.post(url(flag), {"decision": "dismissed", "note": "已提拔"})
    response = client.get(url(flag))
    name = world.committee.full_name
    assert name and name != world.committee.username
    [event] = response.context["history"]
    assert event.actor == name
    assert f"· {name} ·" in response.text and "· committee ·" not in response.text


def test_the_history_keeps_the_logged_name_of_a_user_no_longer_there(world, as_user, flag):
    AuditEvent.objects.create(
        action="update",
        model="assessments.candidateflag",
        object_id=str(flag.pk),
        changes={"decision": ["", "accepted"]},
        actor_id=999_999,
        actor_name="gone_member",
    )
    [event] = as_user(world.committee).get(url(flag)).context["history"]
    assert event.actor == "gone_member"


def test_the_decision_note_reads_with_the_full_width_colon(world, as_user, flag):
    client = as_user(world.committee)
    client.post(url(flag), {"decision": "dismissed", "note": "已提拔"})
    text = client.get(url(flag)).text
    assert text.count("决定说明： 已提拔") == 2  # under the flag, and in the history
    assert "决定说明:" not in text


def test_the_decision_is_a_group_named_by_its_legend_and_no_label_points_nowhere(world, as_user, flag):
    text = as_user(world.committee).get(url(flag)).text
    assert 'for=""' not in text
    assert '<fieldset class="field">' in text and "<legend>决定<span" in text
    assert 'id="id_decision_0"' in text
    assert '<label for="id_note">决定说明</label>' in text


def test_a_withdrawn_flag_shows_its_old_decision_and_takes_no_new_one(world, as_user, flag):
    CandidateFlag.objects.filter(pk=flag.pk).update(
        state=FlagState.WITHDRAWN, decision="accepted", decision_note="列入后备"
    )
    client = as_user(world.committee)
    response = client.get(url(flag))
    assert not response.context["can_decide"] and "列入后备" in response.text
    assert client.post(url(flag), {"decision": "dismissed", "note": "x"}).status_code == 403


def test_a_reviewer_may_not_decide(world, as_user, flag):
    assert as_user(world.reviewer).post(url(flag), {"decision": "accepted", "note": ""}).status_code == 403
    assert CandidateFlag.objects.get(pk=flag.pk).decision == ""


def test_a_flag_outside_the_scope_is_not_found(world, as_user):
    other = make_flag(world.cadre_b)
    assert as_user(world.reviewer).get(url(other)).status_code == 404
    committee_a = grant(UserFactory(username="committee_a"), "committee", world.town_a)
    assert as_user(committee_a).post(url(other), {"decision": "accepted"}).status_code == 404
    assert as_user(world.committee).get(reverse("assessments:flag-detail", args=[99999])).status_code == 404


def test_other_roles_are_refused(world, as_user, flag):
    for user in (world.clerk, world.sysadmin, world.outsider):
        assert as_user(user).get(url(flag)).status_code == 403


def test_it_answers_only_get_and_post(world, as_user, flag):
    assert as_user(world.committee).put(url(flag)).status_code == 405


def test_a_cadre_who_moved_out_of_scope_keeps_the_facts_but_loses_the_links(world, as_user):
    # 赵强 was graded in township A before moving to B: A's reviewer still reads the flag, but the
    # reviews behind it now follow him to B and would answer 404.
    moved = make_flag(world.cadre_b, unit=world.town_a)
    client = as_user(world.reviewer)
    response = client.get(url(moved))
    assert response.status_code == 200
    assert "季度考评 #12" in response.text
    assert reverse("assessments:review-detail", args=[12]) not in response.text
    assert client.get(reverse("assessments:review-detail", args=[12])).status_code == 404
    assert reverse("records:cadre-detail", args=[world.cadre_b.pk]) not in response.text
