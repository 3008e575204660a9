from datetime import date

from django.urls import reverse

from audit.models import AuditEvent
from records.models import Cadre, Posting
from tests.factories import valid_id_number


def _form(cadre, **changes):
    data = {
        "staff_no": cadre.staff_no,
        "name": cadre.name,
        "gender": cadre.gender,
        "birth_date": cadre.birth_date.isoformat(),
        "ethnicity": cadre.ethnicity,
        "education": cadre.education,
        "political_status": cadre.political_status,
        "unit": cadre.unit_id,
        "position": cadre.position,
        "leadership_level": cadre.leadership_level,
        "rank": cadre.rank,
        "category": cadre.category,
        "management_tier": cadre.management_tier,
        "status": cadre.status,
        "post_since": cadre.post_since.isoformat(),
        "rank_since": cadre.rank_since.isoformat(),
        "id_number": cadre.id_number,
        "mobile": cadre.mobile,
    }
    data.update(changes)
    return data


def test_a_clerk_edits_a_cadre_and_the_change_is_audited(world, as_user):
    url = reverse("records:cadre-edit", args=[world.cadre_a.pk])
    response = as_user(world.clerk).post(url, _form(world.cadre_a, position="副镇长", leadership_level="副科"))
    assert response.status_code == 302
    cadre = Cadre.objects.get(pk=world.cadre_a.pk)
    assert cadre.position == "副镇长"
    assert Posting.objects.get(cadre=cadre, end__isnull=True).position == "副镇长"
    event = AuditEvent.objects.filter(model="records.cadre", action="update", object_id=str(cadre.pk)).latest("id")
    assert event.actor_name == "clerk_a"
    assert event.changes["position"] == ["科员", "副镇长"]
    assert event.request_id


def test_it_rejects_a_bad_id_check_digit_and_keeps_the_stored_value(world, as_user):
    url = reverse("records:cadre-edit", args=[world.cadre_a.pk])
    bad = valid_id_number()[:17] + ("0" if valid_id_number()[17] != "0" else "1")
    response = as_user(world.clerk).post(url, _form(world.cadre_a, id_number=bad))
    assert response.status_code == 200
    assert "校验位" in response.text
    assert Cadre.objects.get(pk=world.cadre_a.pk).id_number == world.cadre_a.id_number


def test_it_rejects_a_bad_mobile(world, as_user):
    url = reverse("records:cadre-edit", args=[world.cadre_a.pk])
    response = as_user(world.clerk).post(url, _form(world.cadre_a, mobile="1234"))
    assert response.status_code == 200
    assert "11" in response.text


def test_the_unit_cannot_be_changed_by_editing(world, as_user):
    url = reverse("records:cadre-edit", args=[world.cadre_a.pk])
    as_user(world.clerk).post(url, _form(world.cadre_a, unit=world.office_a.pk))
    assert Cadre.objects.get(pk=world.cadre_a.pk).unit == world.town_a


def test_a_reviewer_may_not_edit(world, as_user):
    url = reverse("records:cadre-edit", args=[world.cadre_a.pk])
    assert as_user(world.reviewer).get(url).status_code == 403
    assert as_user(world.reviewer).post(url, _form(world.cadre_a, name="篡改")).status_code == 403
    assert Cadre.objects.get(pk=world.cadre_a.pk).name == "李明"


def test_a_refused_write_is_audited_as_a_failure(world, as_user):
    url = reverse("records:cadre-edit", args=[world.cadre_a.pk])
    as_user(world.reviewer).post(url, _form(world.cadre_a, name="篡改"))
    event = AuditEvent.objects.get(action="denied")
    assert event.actor_name == "reviewer_a" and event.success is False and url in event.note


def test_editing_a_cadre_outside_scope_answers_404(world, as_user):
    url = reverse("records:cadre-edit", args=[world.cadre_b.pk])
    assert as_user(world.clerk).get(url).status_code == 404


def test_it_answers_405_to_put(world, as_user):
    url = reverse("records:cadre-edit", args=[world.cadre_a.pk])
    assert as_user(world.clerk).put(url).status_code == 405


def test_a_clerk_registers_a_cadre_with_a_first_posting(world, as_user):
    data = _form(world.cadre_a, staff_no="A0099", name="陈静", unit=world.office_a.pk, post_since="2024-03-01")
    response = as_user(world.clerk).post(reverse("records:cadre-new"), data)
    assert response.status_code == 302
    cadre = Cadre.objects.get(staff_no="A0099")
    posting = Posting.objects.get(cadre=cadre)
    assert (posting.unit, posting.start, posting.end) == (world.office_a, date(2024, 3, 1), None)
    assert AuditEvent.objects.filter(model="records.cadre", action="create", object_id=str(cadre.pk)).exists()
    assert AuditEvent.objects.filter(model="records.posting", action="create").exists()


def test_a_clerk_cannot_register_a_cadre_in_another_township(world, as_user):
    data = _form(world.cadre_a, staff_no="A0098", unit=world.town_b.pk)
    response = as_user(world.clerk).post(reverse("records:cadre-new"), data)
    assert response.status_code == 200
    assert not Cadre.objects.filter(staff_no="A0098").exists()


def test_a_duplicate_staff_number_is_refused(world, as_user):
    data = _form(world.cadre_a, staff_no="B0001")
    response = as_user(world.clerk).post(reverse("records:cadre-new"), data)
    assert response.status_code == 200
    assert Cadre.objects.filter(staff_no="B0001").count() == 1


def test_a_committee_member_may_not_register_cadres(world, as_user):
    assert as_user(world.committee).get(reverse("records:cadre-new")).status_code == 403
