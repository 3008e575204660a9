from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEvent
from records.models import EntryStatus, LedgerEntry
from records.services.attachments import attachment_add
from records.services.ledger import entry_reverse
from tests.factories import confirmed_entry, grant, make_entry

URL = reverse("records:review-queue")


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime(2026, 11, 21, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


def _status(entry):
    return LedgerEntry.objects.get(pk=entry.pk).status


def _levels(response):
    return [m.level_tag for m in get_messages(response.wsgi_request)]


def test_it_lists_pending_entries_in_the_reviewers_scope_only(world, as_user):
    make_entry(world.cadre_a, by=world.clerk, facts="东岭镇重点项目")
    make_entry(world.cadre_a_office, by=world.clerk, facts="党政办重点项目")
    make_entry(world.cadre_b, by=world.county_clerk, facts="西河镇重点项目")
    text = as_user(world.reviewer).get(URL).text
    assert "东岭镇重点项目" in text and "党政办重点项目" in text
    assert "西河镇重点项目" not in text


def test_it_shows_the_facts_document_and_who_entered_each_entry(world, as_user):
    make_entry(world.cadre_a, by=world.clerk, document_no="青政〔2026〕88号", points="3")
    text = as_user(world.reviewer).get(URL).text
    assert "青政〔2026〕88号" in text
    assert "+3.0" in text and "+1.0 ~ +3.0" in text
    assert str(world.clerk) in text


def _attach(world, entry, name):
    upload = SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF")
    return attachment_add(actor=world.clerk, entry=entry, upload=upload)


def test_it_links_the_evidence_of_each_entry_so_it_is_read_before_confirming(world, as_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    entry = make_entry(world.cadre_a, by=world.clerk)
    attachment = _attach(world, entry, "县级表彰通知.pdf")
    make_entry(world.cadre_a_office, by=world.clerk, facts="党政办重点项目")
    text = as_user(world.reviewer).get(URL).text
    assert reverse("records:attachment-download", args=[attachment.pk]) in text
    assert "县级表彰通知.pdf" in text
    assert text.count("暂无佐证材料。") == 1


def test_a_reversal_shows_what_it_reverses(world, as_user):
    original = confirmed_entry(world.cadre_a, by=world.clerk, reviewer=world.reviewer, document_no="青政〔2026〕7号")
    entry_reverse(actor=world.clerk, entry=original, reason="文号录错")
    response = as_user(world.reviewer).get(URL)
    rows = list(response.context["page"])
    assert [e.reverses_id for e in rows] == [original.pk]
    assert "青政〔2026〕7号" in response.text
    assert "2026-03" in response.text


def test_a_reviewer_confirms_several_entries_at_once(world, as_user):
    entries = [make_entry(world.cadre_a, by=world.clerk) for _ in range(3)]
    response = as_user(world.reviewer).post(URL, {"do": "confirm", "entries": [e.pk for e in entries]})
    assert response.status_code == 302
    assert _levels(response) == ["success"]
    for e in entries:
        e.refresh_from_db()
        assert e.status == EntryStatus.CONFIRMED
        assert e.decided_by == world.reviewer
    assert AuditEvent.objects.filter(model="records.ledgerentry", action="update").count() == 3


def test_it_returns_selected_entries_with_the_reason(world, as_user):
    entries = [make_entry(world.cadre_a, by=world.clerk) for _ in range(2)]
    response = as_user(world.reviewer).post(
        URL, {"do": "return", "entries": [e.pk for e in entries], "reason": "缺少文件依据"}
    )
    assert response.status_code == 302
    for e in entries:
        e.refresh_from_db()
        assert e.status == EntryStatus.RETURNED
        assert e.return_reason == "缺少文件依据"


def test_returning_without_a_reason_is_refused_and_keeps_the_selection(world, as_user):
    entries = [make_entry(world.cadre_a, by=world.clerk) for _ in range(2)]
    response = as_user(world.reviewer).post(URL, {"do": "return", "entries": [e.pk for e in entries], "reason": " "})
    assert response.status_code == 200
    assert response.context["decision"].errors["reason"]
    assert response.context["selected"] == {e.pk for e in entries}
    assert all(_status(e) == EntryStatus.PENDING for e in entries)


def test_a_row_button_confirms_that_entry_only(world, as_user):
    one, other = make_entry(world.cadre_a, by=world.clerk), make_entry(world.cadre_a, by=world.clerk)
    response = as_user(world.reviewer).post(URL, {"do": f"confirm:{one.pk}", "entries": [other.pk]})
    assert response.status_code == 302
    assert _status(one) == EntryStatus.CONFIRMED
    assert _status(other) == EntryStatus.PENDING


def test_a_row_button_returns_that_entry_with_the_reason(world, as_user):
    one = make_entry(world.cadre_a, by=world.clerk)
    as_user(world.reviewer).post(URL, {"do": f"return:{one.pk}", "reason": "分值偏高"})
    one.refresh_from_db()
    assert (one.status, one.return_reason) == (EntryStatus.RETURNED, "分值偏高")


def test_posting_nothing_selected_is_an_error_not_a_change(world, as_user):
    response = as_user(world.reviewer).post(URL, {"do": "confirm"})
    assert response.status_code == 200
    assert response.context["decision"].non_field_errors()


def test_a_reviewer_cannot_confirm_an_entry_they_entered(world, as_user):
    grant(world.reviewer, "clerk", world.town_a)
    own = make_entry(world.cadre_a, by=world.reviewer, facts="本人录入的纪实")
    client = as_user(world.reviewer)
    page = client.get(URL)
    assert list(page.context["page"]) == []
    assert [e.pk for e in page.context["own"]] == [own.pk]
    response = client.post(URL, {"do": f"confirm:{own.pk}"})
    assert response.status_code == 302
    assert _levels(response) == ["error"]
    assert _status(own) == EntryStatus.PENDING


def test_bulk_confirm_reports_the_entries_it_could_not_decide(world, as_user):
    grant(world.reviewer, "clerk", world.town_a)
    own = make_entry(world.cadre_a, by=world.reviewer)
    other = make_entry(world.cadre_a, by=world.clerk)
    response = as_user(world.reviewer).post(URL, {"do": "confirm", "entries": [own.pk, other.pk]})
    assert sorted(_levels(response)) == ["error", "success"]
    assert any("李明" in str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "error")
    assert (_status(own), _status(other)) == (EntryStatus.PENDING, EntryStatus.CONFIRMED)


def test_a_clerk_may_not_open_or_use_the_queue(world, as_user):
    entry = make_entry(world.cadre_a, by=world.county_clerk)
    client = as_user(world.clerk)
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"do": "confirm", "entries": [entry.pk]}).status_code == 403
    assert _status(entry) == EntryStatus.PENDING


@pytest.mark.parametrize("role", ["committee", "sysadmin", "auditor", "outsider"])
def test_other_roles_get_403(world, as_user, role):
    assert as_user(getattr(world, role)).get(URL).status_code == 403


def test_an_entry_outside_the_reviewers_scope_is_404(world, as_user):
    entry = make_entry(world.cadre_b, by=world.county_clerk)
    response = as_user(world.reviewer).post(URL, {"do": f"confirm:{entry.pk}"})
    assert response.status_code == 404
    assert _status(entry) == EntryStatus.PENDING


def test_out_of_scope_entries_in_a_bulk_request_are_left_alone(world, as_user):
    outside = make_entry(world.cadre_b, by=world.county_clerk)
    inside = make_entry(world.cadre_a, by=world.clerk)
    response = as_user(world.reviewer).post(URL, {"do": "confirm", "entries": [outside.pk, inside.pk]})
    assert response.status_code == 302
    assert (_status(outside), _status(inside)) == (EntryStatus.PENDING, EntryStatus.CONFIRMED)


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_other_methods_are_405(world, as_user, method):
    assert getattr(as_user(world.reviewer), method)(URL).status_code == 405


def test_anonymous_users_are_sent_to_log_in(client):
    assert client.get(URL).status_code == 302


def _rows(response):
    return [e.cadre.name for e in response.context["page"]]


def test_it_filters_by_unit_subtree_month_rule_and_category(world, as_user):
    make_entry(world.cadre_a, by=world.clerk, code="JN04", occurred_on=date(2026, 3, 10))
    make_entry(world.cadre_a_office, by=world.clerk, code="SW01", points="-2", occurred_on=date(2026, 4, 2))
    client = as_user(world.reviewer)
    assert _rows(client.get(URL, {"unit": world.office_a.pk})) == ["王芳"]
    assert sorted(_rows(client.get(URL, {"unit": world.town_a.pk}))) == ["李明", "王芳"]
    assert _rows(client.get(URL, {"month": "2026-03"})) == ["李明"]
    assert _rows(client.get(URL, {"rule_code": "SW01"})) == ["王芳"]
    assert _rows(client.get(URL, {"category": "急难险重"})) == ["李明"]


def test_a_unit_filter_outside_scope_is_ignored_not_obeyed(world, as_user):
    make_entry(world.cadre_b, by=world.county_clerk)
    response = as_user(world.reviewer).get(URL, {"unit": world.town_b.pk})
    assert _rows(response) == []
    assert response.context["form"].errors


def test_it_paginates(world, as_user):
    for _ in range(25):
        make_entry(world.cadre_a, by=world.clerk)
    client = as_user(world.reviewer)
    assert len(client.get(URL).context["page"].object_list) == 20
    assert len(client.get(URL, {"page": 2}).context["page"].object_list) == 5


def _count(client, method, *args, **kwargs):
    with CaptureQueriesContext(connection) as ctx:
        response = getattr(client, method)(*args, **kwargs)
    assert response.status_code in (200, 302)
    return len(ctx.captured_queries)


def test_its_query_count_does_not_grow_with_page_size(world, as_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    grant(world.reviewer, "clerk", world.town_a)
    make_entry(world.cadre_a, by=world.reviewer)
    for i in range(55):
        entry = make_entry(world.cadre_a if i % 2 else world.cadre_a_office, by=world.clerk)
        if i % 5 == 0:
            _attach(world, entry, f"佐证{i}.pdf")
    original = confirmed_entry(world.cadre_a, by=world.clerk, reviewer=world.reviewer)
    entry_reverse(actor=world.clerk, entry=original, reason="录错")
    client = as_user(world.reviewer)
    client.get(URL)
    assert _count(client, "get", URL, {"size": 20}) == _count(client, "get", URL, {"size": 100})


def _bulk_confirm_queries(world, client, n):
    entries = [make_entry(world.cadre_a, by=world.clerk) for _ in range(n)]
    return _count(client, "post", URL, {"do": "confirm", "entries": [e.pk for e in entries]})


def test_bulk_confirm_query_count_does_not_depend_on_the_number_of_entries(world, as_user):
    client = as_user(world.reviewer)
    client.get(URL)
    assert _bulk_confirm_queries(world, client, 2) == _bulk_confirm_queries(world, client, 12)


@pytest.mark.parametrize("value", ["99999999999999999999999", "²"])
def test_a_row_button_with_an_impossible_id_is_404_not_an_error(world, as_user, value):
    assert as_user(world.reviewer).post(URL, {"do": f"confirm:{value}"}).status_code == 404


@pytest.mark.parametrize("value", ["99999999999999999999999", "²"])
def test_impossible_ids_in_a_bulk_request_are_ignored(world, as_user, value):
    entry = make_entry(world.cadre_a, by=world.clerk)
    response = as_user(world.reviewer).post(URL, {"do": "confirm", "entries": [value, entry.pk]})
    assert response.status_code == 302
    assert _status(entry) == EntryStatus.CONFIRMED
