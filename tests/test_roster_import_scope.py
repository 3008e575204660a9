"""The roster import refuses a staff number of a cadre outside the clerk's units and says nothing
about that cadre (DOMAIN §10): not their name, unit, post or any other field."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from records.models import Cadre
from tests.factories import make_cadre, make_unit
from tests.test_roster_import import roster_bytes, roster_row, run

URL = reverse("records:cadre-import")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def hidden(world):
    """A cadre in township B whose every field is easy to spot on a page."""
    office = make_unit("西河镇纪委", parent=world.town_b, kind="乡镇街道", code="TB7")
    return make_cadre(
        office,
        name="欧阳秘",
        staff_no="B0777",
        position="西河镇纪委书记",
        birth_date=date(1971, 9, 23),
        mobile="13712345678",
    )


def secrets_of(cadre):
    # Not the unit code: three letters may turn up by chance in a page's CSRF token.
    return [cadre.name, cadre.unit.name, cadre.position, "1971-09-23", cadre.mobile, "西河镇"]


def upload(client, content):
    return client.post(URL, {"file": SimpleUploadedFile("名册.xlsx", content)})


def test_the_preview_refuses_the_row_without_naming_the_other_cadre(world, as_user, hidden):
    response = upload(as_user(world.clerk), roster_bytes(roster_row(干部编号="B0777", 姓名="陈新")))

    assert response.status_code == 200
    (error,) = response.context["report"].errors
    assert (error.row, error.column) == (2, "干部编号")
    assert str(error) in response.text
    assert [secret for secret in secrets_of(hidden) if secret in response.text] == []
    assert 'name="token"' not in response.text


def test_the_row_is_refused_alike_when_it_names_the_cadres_own_unit(world, as_user, hidden):
    row = roster_row(干部编号="B0777", 姓名="陈新", 单位编码="TB7")

    response = upload(as_user(world.clerk), roster_bytes(row))

    (error,) = response.context["report"].errors
    assert error.column == "干部编号"
    assert [secret for secret in [*secrets_of(hidden), "TB7"] if secret in str(error)] == []


def test_the_message_is_the_same_whoever_holds_the_number(world, hidden):
    first = run(roster_row(干部编号="B0777"), user=world.clerk).errors
    second = run(roster_row(干部编号="B0001"), user=world.clerk).errors

    assert [e.message for e in first] == [e.message for e in second]
    words = first[0].message + second[0].message
    assert [secret for secret in [*secrets_of(hidden), "TB7", "赵强"] if secret in words] == []


def test_a_commit_changes_nothing_about_the_other_cadre(world, hidden):
    report = run(roster_row(干部编号="B0777", 姓名="陈新", 职务="科员"), user=world.clerk, commit=True)

    assert not report.committed
    hidden.refresh_from_db()
    assert (hidden.name, hidden.position, hidden.unit.code) == ("欧阳秘", "西河镇纪委书记", "TB7")


def test_a_staff_number_inside_the_scope_still_updates_its_cadre(world):
    report = run(roster_row(干部编号="A0002", 姓名="王芳", 性别="女", 单位编码="TA1", 职务="副主任"), user=world.clerk)

    assert report.ok, [str(e) for e in report.errors]
    assert [(o.staff_no, o.result) for o in report.rows] == [("A0002", "update")]
    assert Cadre.objects.get(staff_no="A0002").position == "科员"  # a dry run
