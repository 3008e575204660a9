"""The mass evaluation import page: upload, preview every row, confirm; clerks and reviewers only,
tokens bound to the session."""

from datetime import datetime
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments.mass_import import HEADERS
from assessments.models import QuarterlyReview
from assessments.services import review_cycle_open, review_submit
from audit.models import Action, AuditEvent
from tests.test_mass_import import OFFICE, mass_bytes, mass_row, review_of, score

URL = reverse("assessments:mass-import")
TEMPLATE_URL = reverse("assessments:mass-import-template")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime(2026, 11, 21, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


@pytest.fixture
def cycle(world):
    review_cycle_open(unit=world.county, year=2026, quarter=3)


def upload(client, content, name="评议.xlsx"):
    return client.post(URL, {"file": SimpleUploadedFile(name, content)})


def stashed_files():
    return list((Path(settings.MEDIA_ROOT) / "imports" / "mass_evaluation").glob("*.xlsx"))


def two_rows():
    return mass_bytes(mass_row(), mass_row(**OFFICE, 季度="第三季度", 群众评议得分="85.5"))


def scored():
    return QuarterlyReview.objects.filter(mass_score__isnull=False)


def test_it_shows_the_upload_form_the_template_link_and_the_columns(world, as_user):
    response = as_user(world.clerk).get(URL)

    assert response.status_code == 200
    assert TEMPLATE_URL in response.text
    assert all(header in response.text for header in HEADERS)


def test_the_preview_shows_every_row_and_a_commit_button(world, as_user, cycle):
    client = as_user(world.clerk)

    response = upload(client, two_rows())

    assert response.status_code == 200
    report = response.context["report"]
    assert [(o.row, o.staff_no, o.name, o.year, o.quarter, o.after, o.result) for o in report.rows] == [
        (2, "A0001", "李明", "2026", "Q3", "92.50", "update"),
        (3, "A0002", "王芳", "2026", "Q3", "85.50", "update"),
    ]
    assert "92.50" in response.text and "85.50" in response.text
    assert f'name="token" value="{response.context["token"]}"' in response.text
    assert not scored().exists()
    assert len(stashed_files()) == 1


def test_the_preview_shows_errors_with_row_and_column_and_no_commit_button(world, as_user, cycle):
    client = as_user(world.clerk)

    response = upload(client, mass_bytes(mass_row(), mass_row(**OFFICE, 群众评议得分=101)))

    error = response.context["report"].errors[0]
    assert (error.row, error.column) == (3, "群众评议得分")
    assert str(error) in response.text
    assert "第3行" in response.text
    assert 'name="token"' not in response.text
    assert stashed_files() == []


def test_committing_writes_the_scores_and_redirects_with_counts(world, as_user, cycle):
    client = as_user(world.clerk)
    preview = upload(client, two_rows())

    response = client.post(URL, {"token": preview.context["token"]}, follow=True)

    assert response.redirect_chain == [(URL, 302)]
    assert review_of(world.cadre_a).mass_score == Decimal("92.50")
    assert review_of(world.cadre_a_office).mass_score == Decimal("85.50")
    message = str(list(response.context["messages"])[0])
    assert "2" in message
    summary = AuditEvent.objects.get(action=Action.IMPORT)
    assert (summary.actor_name, summary.changes) == ("clerk_a", {"updated": 2, "unchanged": 0})
    updates = AuditEvent.objects.filter(action=Action.UPDATE, model="assessments.quarterlyreview")
    assert updates.count() == 2 and {e.actor_name for e in updates} == {"clerk_a"}
    assert stashed_files() == []


def test_a_reviewer_may_import_too(world, as_user, cycle):
    client = as_user(world.reviewer)
    token = upload(client, two_rows()).context["token"]

    response = client.post(URL, {"token": token})

    assert response.status_code == 302
    assert scored().count() == 2


def test_a_commit_rechecks_and_writes_nothing_when_something_changed(world, as_user, cycle):
    client = as_user(world.clerk)
    token = upload(client, two_rows()).context["token"]
    review_submit(actor=world.reviewer, review=score(review_of(world.cadre_a), world.reviewer))

    response = client.post(URL, {"token": token})

    assert response.status_code == 200
    assert [(e.row, e.column) for e in response.context["report"].errors] == [(2, "群众评议得分")]
    assert not scored().exists()
    assert not AuditEvent.objects.filter(action=Action.IMPORT).exists()


def test_a_token_can_be_committed_only_once(world, as_user, cycle):
    client = as_user(world.clerk)
    token = upload(client, two_rows()).context["token"]
    client.post(URL, {"token": token})

    response = client.post(URL, {"token": token})

    assert response.status_code == 302
    assert AuditEvent.objects.filter(action=Action.IMPORT).count() == 1


def test_another_users_token_is_worthless(world, client, cycle):
    client.force_login(world.clerk)
    token = upload(client, two_rows()).context["token"]
    client.force_login(world.county_clerk)

    response = client.post(URL, {"token": token}, follow=True)

    assert response.redirect_chain == [(URL, 302)]
    assert list(response.context["messages"])
    assert not scored().exists()


def test_a_ledger_import_token_is_worthless_here(world, as_user, cycle):
    client = as_user(world.clerk)
    session = client.session
    session["ledger_uploads"] = {"x" * 43: "纪实.xlsx"}
    session.save()

    response = client.post(URL, {"token": "x" * 43})

    assert response.status_code == 302
    assert not scored().exists()


def test_a_township_clerk_cannot_import_for_another_township(world, as_user, cycle):
    response = upload(as_user(world.clerk), mass_bytes(mass_row(干部编号="B0001", 姓名="赵强")))

    error = response.context["report"].errors[0]
    assert (error.row, error.column) == (2, "干部编号")
    assert 'name="token"' not in response.text


def test_it_rejects_a_file_that_is_not_xlsx(world, as_user):
    response = upload(as_user(world.clerk), b"a,b\n1,2\n", name="评议.csv")

    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert response.context["report"] is None


def test_it_rejects_a_corrupt_workbook(world, as_user):
    response = upload(as_user(world.clerk), b"PK\x03\x04 not really a zip")

    assert response.context["form"].errors["file"]


def test_the_template_has_the_headers_an_open_review_as_example_and_a_guide(world, as_user, cycle):
    response = as_user(world.clerk).get(TEMPLATE_URL)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    book = openpyxl.load_workbook(BytesIO(response.content))
    sheet, guide = book.worksheets
    assert [c.value for c in sheet[1]] == list(HEADERS)
    assert [c.value for c in sheet[2]] == ["A0001", "李明", 2026, "Q3", 90]
    assert guide.max_row == len(HEADERS) + 1


def test_the_template_uploads_back_as_a_valid_file(world, as_user, cycle):
    client = as_user(world.clerk)

    report = upload(client, client.get(TEMPLATE_URL).content).context["report"]

    assert report.ok, [str(e) for e in report.errors]
    assert report.counts["update"] == 1


def test_without_an_open_cycle_the_template_still_has_an_example(world, as_user):
    response = as_user(world.clerk).get(TEMPLATE_URL)

    sheet = openpyxl.load_workbook(BytesIO(response.content)).worksheets[0]
    assert [c.value for c in sheet[2]] == ["A0001", "李明", 2026, "Q4", 90]


@pytest.mark.parametrize("url", [URL, TEMPLATE_URL])
@pytest.mark.parametrize("role", ["committee", "sysadmin", "auditor", "outsider"])
def test_other_roles_get_403(world, as_user, url, role):
    assert as_user(getattr(world, role)).get(url).status_code == 403


def test_a_committee_member_cannot_upload_or_commit(world, as_user, cycle):
    client = as_user(world.committee)

    assert upload(client, two_rows()).status_code == 403
    assert client.post(URL, {"token": "x" * 43}).status_code == 403
    assert not scored().exists()


@pytest.mark.parametrize("url", [URL, TEMPLATE_URL])
def test_an_anonymous_user_is_sent_to_login(client, db, url):
    response = client.get(url)

    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_an_unknown_path_below_the_import_is_404(world, as_user):
    assert as_user(world.clerk).get(URL + "nope/").status_code == 404


@pytest.mark.parametrize(("method", "url"), [("put", URL), ("delete", URL), ("patch", URL), ("post", TEMPLATE_URL)])
def test_other_methods_get_405(world, as_user, method, url):
    assert getattr(as_user(world.clerk), method)(url).status_code == 405
