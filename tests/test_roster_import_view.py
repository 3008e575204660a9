"""The roster import page: upload, preview every row, confirm; clerks only, tokens bound to the session."""

from io import BytesIO
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import Action, AuditEvent
from records.imports import HEADERS
from records.models import Cadre
from tests.test_roster_import import roster_bytes, roster_row

URL = reverse("records:cadre-import")
TEMPLATE_URL = reverse("records:cadre-import-template")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def upload(client, content, name="名册.xlsx"):
    return client.post(URL, {"file": SimpleUploadedFile(name, content)})


def stashed_files():
    return list((Path(settings.MEDIA_ROOT) / "imports" / "roster").glob("*.xlsx"))


def test_it_shows_the_upload_form_the_template_link_and_the_columns(world, as_user):
    response = as_user(world.clerk).get(URL)

    assert response.status_code == 200
    assert TEMPLATE_URL in response.text
    assert all(header in response.text for header in HEADERS)


def test_the_preview_shows_every_row_and_a_commit_button(world, as_user):
    client = as_user(world.clerk)

    response = upload(client, roster_bytes(roster_row(), roster_row(干部编号="A0001", 姓名="李明", 职务="副镇长")))

    assert response.status_code == 200
    report = response.context["report"]
    assert [(o.row, o.staff_no, o.result) for o in report.rows] == [(2, "N0001", "new"), (3, "A0001", "update")]
    assert "N0001" in response.text and "陈新" in response.text and "A0001" in response.text
    assert f'name="token" value="{response.context["token"]}"' in response.text
    assert not Cadre.objects.filter(staff_no="N0001").exists()


def test_the_preview_shows_errors_with_row_and_column_and_no_commit_button(world, as_user):
    client = as_user(world.clerk)

    response = upload(client, roster_bytes(roster_row(), roster_row(干部编号="N0002", 手机号="12")))

    error = response.context["report"].errors[0]
    assert (error.row, error.column) == (3, "手机号")
    assert str(error) in response.content.decode()
    assert 'name="token"' not in response.text
    assert stashed_files() == []


def test_committing_writes_the_rows_and_redirects_with_counts(world, as_user):
    client = as_user(world.clerk)
    preview = upload(client, roster_bytes(roster_row(), roster_row(干部编号="A0001", 姓名="李明", 职务="副镇长")))

    response = client.post(URL, {"token": preview.context["token"]}, follow=True)

    assert response.redirect_chain == [(URL, 302)]
    assert Cadre.objects.filter(staff_no="N0001", unit=world.town_a).exists()
    world.cadre_a.refresh_from_db()
    assert world.cadre_a.position == "副镇长"
    message = str(list(response.context["messages"])[0])
    assert "1" in message
    summary = AuditEvent.objects.get(action=Action.IMPORT)
    assert (summary.actor_name, summary.changes["new"], summary.changes["update"]) == ("clerk_a", 1, 1)
    assert stashed_files() == []


def test_a_token_can_be_committed_only_once(world, as_user):
    client = as_user(world.clerk)
    token = upload(client, roster_bytes(roster_row())).context["token"]
    client.post(URL, {"token": token})

    response = client.post(URL, {"token": token})

    assert response.status_code == 302
    assert Cadre.objects.filter(staff_no="N0001").count() == 1


def test_another_clerk_cannot_commit_someone_elses_token(world, client):
    client.force_login(world.clerk)
    token = upload(client, roster_bytes(roster_row())).context["token"]
    client.force_login(world.county_clerk)

    response = client.post(URL, {"token": token})

    assert response.status_code == 302
    assert not Cadre.objects.filter(staff_no="N0001").exists()


def test_a_township_clerk_cannot_import_into_another_township(world, as_user):
    client = as_user(world.clerk)
    events = AuditEvent.objects.count()

    response = upload(client, roster_bytes(roster_row(单位编码="TB")))

    error = response.context["report"].errors[0]
    assert (error.row, error.column) == (2, "单位编码")
    assert 'name="token"' not in response.text
    assert not Cadre.objects.filter(staff_no="N0001").exists()
    assert AuditEvent.objects.count() == events


def test_it_rejects_a_file_that_is_not_xlsx(world, as_user):
    response = upload(as_user(world.clerk), b"a,b\n1,2\n", name="roster.csv")

    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert response.context["report"] is None


def test_it_rejects_a_corrupt_workbook(world, as_user):
    response = upload(as_user(world.clerk), b"PK\x03\x04 not really a zip", name="roster.xlsx")

    assert response.context["form"].errors["file"]


def test_it_rejects_a_file_over_the_size_limit(world, as_user, settings):
    settings.ROSTER_IMPORT_MAX_BYTES = 100

    response = upload(as_user(world.clerk), roster_bytes(roster_row()))

    assert response.context["form"].errors["file"]


def test_the_template_is_an_xlsx_with_headers_an_example_and_a_guide(world, as_user):
    response = as_user(world.clerk).get(TEMPLATE_URL)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    book = openpyxl.load_workbook(BytesIO(response.content))
    roster, guide = book.worksheets
    assert [c.value for c in roster[1]] == list(HEADERS)
    assert roster["E2"].value == "TA"
    assert guide.max_row == len(HEADERS) + 1


def test_the_template_uploads_back_as_a_valid_roster(world, as_user):
    client = as_user(world.clerk)

    response = upload(client, client.get(TEMPLATE_URL).content)

    report = response.context["report"]
    assert report.ok, [str(e) for e in report.errors]
    assert report.counts["new"] == 1


@pytest.mark.parametrize("url", [URL, TEMPLATE_URL])
def test_a_reviewer_gets_403(world, as_user, url):
    assert as_user(world.reviewer).get(url).status_code == 403


def test_a_reviewer_cannot_upload(world, as_user):
    response = upload(as_user(world.reviewer), roster_bytes(roster_row()))

    assert response.status_code == 403
    assert not Cadre.objects.filter(staff_no="N0001").exists()


@pytest.mark.parametrize("url", [URL, TEMPLATE_URL])
def test_an_anonymous_user_is_sent_to_login(client, db, url):
    response = client.get(url)

    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize(("method", "url"), [("put", URL), ("delete", URL), ("post", TEMPLATE_URL)])
def test_other_methods_get_405(world, as_user, method, url):
    assert getattr(as_user(world.clerk), method)(url).status_code == 405
