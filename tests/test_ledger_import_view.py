"""The ledger import page: upload, preview every row, confirm; clerks only, tokens bound to the session."""

from datetime import date, datetime
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import Action, AuditEvent
from records.ledger_import import HEADERS
from records.models import EntryStatus, LedgerEntry
from records.services.ledger import month_close
from tests.test_ledger_import import ledger_bytes, ledger_row

URL = reverse("records:ledger-import")
TEMPLATE_URL = reverse("records:ledger-import-template")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime(2026, 11, 21, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


def upload(client, content, name="纪实.xlsx"):
    return client.post(URL, {"file": SimpleUploadedFile(name, content)})


def stashed_files():
    return list((Path(settings.MEDIA_ROOT) / "imports" / "ledger").glob("*.xlsx"))


def two_rows():
    return ledger_bytes(ledger_row(), ledger_row(干部编号="A0002", 姓名="王芳", 积分项目代码="TS01", 分值=-1))


def test_it_shows_the_upload_form_the_template_link_and_the_columns(world, as_user):
    response = as_user(world.clerk).get(URL)

    assert response.status_code == 200
    assert TEMPLATE_URL in response.text
    assert all(header in response.text for header in HEADERS)


def test_the_preview_shows_every_row_and_a_commit_button(world, as_user):
    client = as_user(world.clerk)

    response = upload(client, two_rows())

    assert response.status_code == 200
    report = response.context["report"]
    assert [(o.row, o.staff_no, o.name, o.month, o.points, o.result) for o in report.rows] == [
        (2, "A0001", "李明", "2026-03", "+2.0", "new"),
        (3, "A0002", "王芳", "2026-03", "-1.0", "new"),
    ]
    assert "JN04 重点项目攻坚任务" in response.text and "TS01 群众投诉经查属实" in response.text
    assert f'name="token" value="{response.context["token"]}"' in response.text
    assert not LedgerEntry.objects.exists()
    assert len(stashed_files()) == 1


def test_the_preview_shows_errors_with_row_and_column_and_no_commit_button(world, as_user):
    client = as_user(world.clerk)

    response = upload(client, ledger_bytes(ledger_row(), ledger_row(分值=9, 文号="青政〔2026〕2号")))

    error = response.context["report"].errors[0]
    assert (error.row, error.column) == (3, "分值")
    assert str(error) in response.content.decode()
    assert 'name="token"' not in response.text
    assert stashed_files() == []


def test_committing_writes_pending_entries_and_redirects_with_counts(world, as_user):
    client = as_user(world.clerk)
    preview = upload(client, two_rows())

    response = client.post(URL, {"token": preview.context["token"]}, follow=True)

    assert response.redirect_chain == [(URL, 302)]
    entries = LedgerEntry.objects.all()
    assert len(entries) == 2
    assert {(e.status, e.entered_by_id) for e in entries} == {(EntryStatus.PENDING, world.clerk.pk)}
    message = str(list(response.context["messages"])[0])
    assert "2" in message
    summary = AuditEvent.objects.get(action=Action.IMPORT)
    assert (summary.actor_name, summary.changes) == ("clerk_a", {"new": 2})
    created = AuditEvent.objects.filter(action=Action.CREATE, model="records.ledgerentry")
    assert {e.actor_name for e in created} == {"clerk_a"} and created.count() == 2
    assert stashed_files() == []


def test_a_commit_rechecks_and_writes_nothing_when_something_changed(world, as_user):
    client = as_user(world.clerk)
    token = upload(client, two_rows()).context["token"]
    month_close(actor=world.reviewer, unit=world.town_a, month=date(2026, 3, 1))

    response = client.post(URL, {"token": token})

    assert response.status_code == 200
    assert {e.column for e in response.context["report"].errors} == {"月份"}
    assert not LedgerEntry.objects.exists()
    assert not AuditEvent.objects.filter(action=Action.IMPORT).exists()


def test_a_token_can_be_committed_only_once(world, as_user):
    client = as_user(world.clerk)
    token = upload(client, two_rows()).context["token"]
    client.post(URL, {"token": token})

    response = client.post(URL, {"token": token})

    assert response.status_code == 302
    assert LedgerEntry.objects.count() == 2


def test_another_clerk_cannot_commit_someone_elses_token(world, client):
    client.force_login(world.clerk)
    token = upload(client, two_rows()).context["token"]
    client.force_login(world.county_clerk)

    response = client.post(URL, {"token": token}, follow=True)

    assert response.redirect_chain == [(URL, 302)]
    assert list(response.context["messages"])
    assert not LedgerEntry.objects.exists()


def test_a_roster_import_token_is_worthless_here(world, as_user):
    client = as_user(world.clerk)
    session = client.session
    session["roster_uploads"] = {"x" * 43: "名册.xlsx"}
    session.save()

    response = client.post(URL, {"token": "x" * 43})

    assert response.status_code == 302
    assert not LedgerEntry.objects.exists()


def test_a_township_clerk_cannot_import_for_another_township(world, as_user):
    client = as_user(world.clerk)
    events = AuditEvent.objects.count()

    response = upload(client, ledger_bytes(ledger_row(干部编号="B0001", 姓名="赵强")))

    error = response.context["report"].errors[0]
    assert (error.row, error.column) == (2, "干部编号")
    assert 'name="token"' not in response.text
    assert AuditEvent.objects.count() == events


def test_it_rejects_a_file_that_is_not_xlsx(world, as_user):
    response = upload(as_user(world.clerk), b"a,b\n1,2\n", name="ledger.csv")

    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert response.context["report"] is None


def test_it_rejects_a_corrupt_workbook(world, as_user):
    response = upload(as_user(world.clerk), b"PK\x03\x04 not really a zip", name="ledger.xlsx")

    assert response.context["form"].errors["file"]


def test_it_rejects_a_file_over_the_size_limit(world, as_user, settings):
    settings.ROSTER_IMPORT_MAX_BYTES = 100

    response = upload(as_user(world.clerk), two_rows())

    assert response.context["form"].errors["file"]


def test_the_template_has_headers_an_example_the_rules_in_force_and_a_guide(world, as_user):
    response = as_user(world.clerk).get(TEMPLATE_URL)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    book = openpyxl.load_workbook(BytesIO(response.content))
    entries, rules, guide = book.worksheets
    assert [c.value for c in entries[1]] == list(HEADERS)
    assert (entries["A2"].value, entries["B2"].value, entries["D2"].value) == ("A0001", "李明", "JN04")
    codes = [row[0] for row in rules.iter_rows(min_row=2, values_only=True)]
    assert len(codes) == 27 and "BZ01" in codes
    jn01 = next(row for row in rules.iter_rows(min_row=2, values_only=True) if row[0] == "JN01")
    assert jn01[1] == "参加疫情防控一线任务" and jn01[3] == "+1.0 ~ +3.0"
    assert guide.max_row == len(HEADERS) + 1


def test_the_template_uploads_back_as_a_valid_file(world, as_user):
    client = as_user(world.clerk)

    response = upload(client, client.get(TEMPLATE_URL).content)

    report = response.context["report"]
    assert report.ok, [str(e) for e in report.errors]
    assert report.counts["new"] == 1


@pytest.mark.parametrize("url", [URL, TEMPLATE_URL])
def test_a_reviewer_gets_403(world, as_user, url):
    assert as_user(world.reviewer).get(url).status_code == 403


def test_a_reviewer_cannot_upload_or_commit(world, as_user):
    client = as_user(world.reviewer)

    assert upload(client, two_rows()).status_code == 403
    assert client.post(URL, {"token": "x" * 43}).status_code == 403
    assert not LedgerEntry.objects.exists()


@pytest.mark.parametrize("url", [URL, TEMPLATE_URL])
def test_an_anonymous_user_is_sent_to_login(client, db, url):
    response = client.get(url)

    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_an_unknown_path_below_the_import_is_404(world, as_user):
    assert as_user(world.clerk).get(URL + "nope/").status_code == 404


@pytest.mark.parametrize(("method", "url"), [("put", URL), ("delete", URL), ("post", TEMPLATE_URL)])
def test_other_methods_get_405(world, as_user, method, url):
    assert getattr(as_user(world.clerk), method)(url).status_code == 405
