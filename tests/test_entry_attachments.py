import io
import zipfile

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from audit.models import AuditEvent
from records.models import EntryAttachment
from tests.factories import UserFactory, confirmed_entry, grant, make_entry

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


def _docx():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def entry(world):
    return make_entry(world.cadre_a, by=world.clerk)


def _upload(client, entry, name, content):
    url = reverse("records:entry-attachments", args=[entry.pk])
    return client.post(url, {"file": SimpleUploadedFile(name, content)})


def test_a_clerk_attaches_a_pdf_and_a_reviewer_in_scope_downloads_it(world, as_user, entry, client):
    assert _upload(as_user(world.clerk), entry, "表彰通知.pdf", PDF).status_code == 302
    attachment = EntryAttachment.objects.get()
    assert (attachment.original_name, attachment.extension, attachment.size) == ("表彰通知.pdf", ".pdf", len(PDF))
    assert "表彰通知" not in attachment.file.name  # stored under a random name
    response = as_user(world.reviewer).get(reverse("records:attachment-download", args=[attachment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf" and "attachment" in response["Content-Disposition"]
    assert AuditEvent.objects.filter(model="records.entryattachment", action="create").exists()


def test_an_office_file_is_accepted_when_its_content_is_one(world, as_user, entry):
    assert _upload(as_user(world.clerk), entry, "说明.docx", _docx()).status_code == 302


@pytest.mark.parametrize(
    ("name", "content"),
    [("run.exe", b"MZ..."), ("fake.pdf", b"<html>not a pdf</html>"), ("fake.docx", PDF), ("note.txt", b"hello")],
)
def test_other_types_and_mismatched_content_are_refused(world, as_user, entry, name, content):
    response = _upload(as_user(world.clerk), entry, name, content)
    assert response.status_code == 200
    assert not EntryAttachment.objects.exists()


@override_settings(ATTACHMENT_MAX_BYTES=10)
def test_a_file_over_the_size_limit_is_refused(world, as_user, entry):
    assert _upload(as_user(world.clerk), entry, "big.pdf", PDF).status_code == 200
    assert not EntryAttachment.objects.exists()


def test_the_entry_page_says_its_reversal_was_returned_and_links_to_withdraw_it(world, as_user):
    from records.services.ledger import entry_return, entry_reverse

    confirmed = confirmed_entry(world.cadre_a, by=world.clerk, reviewer=world.reviewer)
    reversal = entry_reverse(actor=world.clerk, entry=confirmed, reason="重复录入")
    url = reverse("records:entry-attachments", args=[confirmed.pk])
    assert f'#entry-{reversal.pk}">' in as_user(world.clerk).get(url).text
    entry_return(actor=world.reviewer, entry=reversal, reason="不应冲销")
    client = as_user(world.clerk)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    text = client.get(url).text
    assert "Reversal returned:</strong> 不应冲销" in text
    assert reverse("records:entry-withdraw", args=[reversal.pk]) in text


@override_settings(ATTACHMENT_MAX_BYTES=5 * 1024 * 1024)
def test_the_page_states_the_size_limit_of_the_setting(world, as_user, entry):
    client = as_user(world.clerk)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    text = client.get(reverse("records:entry-attachments", args=[entry.pk])).text
    assert "Up to 5.0\xa0MB." in text  # filesizeformat keeps the number and its unit together


def test_a_confirmed_entry_takes_no_new_evidence(world, as_user):
    done = confirmed_entry(world.cadre_a, by=world.clerk, reviewer=world.reviewer)
    _upload(as_user(world.clerk), done, "late.pdf", PDF)
    assert not EntryAttachment.objects.exists()


def test_evidence_outside_the_scope_is_not_found(world, as_user, entry):
    _upload(as_user(world.clerk), entry, "a.pdf", PDF)
    attachment = EntryAttachment.objects.get()
    other = grant(UserFactory(), "clerk", world.town_b)
    assert as_user(other).get(reverse("records:attachment-download", args=[attachment.pk])).status_code == 404
    assert as_user(other).get(reverse("records:entry-attachments", args=[entry.pk])).status_code == 404


def test_a_reviewer_may_not_attach_or_remove(world, as_user, entry):
    assert _upload(as_user(world.reviewer), entry, "a.pdf", PDF).status_code == 403
    _upload(as_user(world.clerk), entry, "a.pdf", PDF)
    attachment = EntryAttachment.objects.get()
    assert as_user(world.reviewer).post(reverse("records:attachment-delete", args=[attachment.pk])).status_code == 403


def test_a_clerk_removes_evidence_of_a_pending_entry(world, as_user, entry):
    client = as_user(world.clerk)
    _upload(client, entry, "a.pdf", PDF)
    attachment = EntryAttachment.objects.get()
    assert client.post(reverse("records:attachment-delete", args=[attachment.pk])).status_code == 302
    assert not EntryAttachment.objects.exists()


def test_the_evidence_views_answer_405(world, as_user, entry):
    client = as_user(world.clerk)
    assert client.put(reverse("records:entry-attachments", args=[entry.pk])).status_code == 405
    _upload(client, entry, "a.pdf", PDF)
    attachment = EntryAttachment.objects.get()
    assert client.post(reverse("records:attachment-download", args=[attachment.pk])).status_code == 405
    assert client.get(reverse("records:attachment-delete", args=[attachment.pk])).status_code == 405
