"""The reports page: who may use it, direct downloads, background files, raw list exports."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from core.models import JobStatus
from reports.models import ExportFile
from tests.factories_reports import body, freeze, make_flag, make_summary, open_book

INDEX = reverse("reports:index")
RAW = reverse("reports:raw-export")


@pytest.fixture
def summaries(world):
    for cadre in (world.cadre_a, world.cadre_a_office, world.cadre_b):
        make_summary(cadre)


@pytest.fixture(autouse=True)
def _remove_files(db):
    yield
    for export in ExportFile.objects.exclude(file=""):
        export.file.delete(save=False)


def post(client, **data):
    return client.post(INDEX, {"kind": "annual-summary", "year": 2025, **data})


def test_the_committee_and_reviewers_get_the_page(world, as_user):
    for user in (world.committee, world.reviewer):
        response = as_user(user).get(INDEX)
        assert response.status_code == 200
        assert "年度实绩考核汇总表" in response.text
        assert "<script>" not in response.text


@pytest.mark.parametrize("who", ["clerk", "auditor", "sysadmin", "outsider"])
def test_other_roles_are_refused(world, as_user, who):
    client = as_user(getattr(world, who))
    assert client.get(INDEX).status_code == 403
    assert post(client).status_code == 403
    assert client.get(RAW, {"what": "cadres"}).status_code == 403


def test_anonymous_users_are_sent_to_log_in(client):
    assert client.get(INDEX).status_code == 302


def test_other_methods_are_not_allowed(world, as_user):
    client = as_user(world.committee)
    assert client.put(INDEX).status_code == 405
    assert client.post(RAW).status_code == 405


def test_a_small_report_downloads_at_once_and_is_audited(world, as_user, summaries):
    response = post(as_user(world.reviewer))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    book = open_book(b"".join(response.streaming_content))
    assert book.sheetnames == ["等次分布", "东岭镇", "东岭镇党政办"]
    event = AuditEvent.objects.get(action="export", model="reports.annual-summary")
    assert event.actor_id == world.reviewer.pk
    assert event.changes["rows"] == 2
    assert event.changes["scope"] == "东岭镇（含下级单位）"
    assert event.changes["params"]["year"] == 2025


def refused(response, message):
    assert response.status_code == 200
    assert message in response.context["form"].non_field_errors()
    assert message in response.text
    assert not ExportFile.objects.exists()
    assert not AuditEvent.objects.filter(action="export").exists()
    return True


def test_it_refuses_a_year_without_summaries_before_building(world, as_user, summaries):
    client = as_user(world.committee)
    assert refused(post(client, year=2024), "2024 年度该范围内没有年度汇总，无可导出的内容。")
    assert refused(post(client, year=2024, background="on"), "2024 年度该范围内没有年度汇总，无可导出的内容。")


def test_it_refuses_a_scope_without_summaries(world, as_user):
    make_summary(world.cadre_b)  # township B only
    response = post(as_user(world.reviewer))  # township A's reviewer
    assert refused(response, "2025 年度该范围内没有年度汇总，无可导出的内容。")


def test_it_refuses_candidate_lists_without_candidates(world, as_user, summaries):
    client = as_user(world.committee)
    message = "2025 年度该范围内没有优先提拔、职级晋升、评先评优或交流轮岗参考人选，无可导出的内容。"
    assert refused(post(client, kind="promotion-candidates"), message)
    make_flag(world.cadre_a, kind="red_card", state="withdrawn")
    message = "2025 年度该范围内没有调整、约谈提醒或红黄牌参考人选，无可导出的内容。"
    assert refused(post(client, kind="adjustment-candidates"), message)


def test_it_refuses_a_snapshot_with_nothing_in_the_scope(world, as_user):
    make_summary(world.cadre_b)
    snapshot = freeze(year=2025, unit=world.county, by=world.committee)
    response = post(as_user(world.reviewer), snapshot=snapshot.pk)
    assert refused(response, f"快照 #{snapshot.pk}（2025 年度）该范围内没有年度汇总，无可导出的内容。")


def test_it_refuses_a_quarter_without_reviews(world, as_user):
    response = post(as_user(world.committee), kind="quarterly-results", quarter=2)
    assert refused(response, "2025 年第 2 季度该范围内没有季度考评，无可导出的内容。")


def test_a_candidate_list_with_candidates_still_downloads(world, as_user):
    make_flag(world.cadre_a, kind="rotation_due")
    response = post(as_user(world.committee), kind="promotion-candidates")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert [r[1] for r in body(open_book(b"".join(response.streaming_content))["交流轮岗"], 4)] == ["李明"]


def test_a_unit_outside_the_scope_is_not_offered(world, as_user, summaries):
    response = post(as_user(world.reviewer), unit=world.town_b.pk)
    assert response.status_code == 200
    assert "unit" in response.context["form"].errors
    assert not AuditEvent.objects.filter(action="export").exists()


def test_a_large_report_runs_in_the_background_for_its_requester_only(
    world, as_user, summaries, settings, eager_celery, django_capture_on_commit_callbacks
):
    settings.REPORTS_DIRECT_MAX_ROWS = 1
    client = as_user(world.committee)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client)
    export = ExportFile.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reports:export-detail", args=[export.pk])
    export.refresh_from_db()
    assert export.job.status == JobStatus.DONE and export.rows == 3
    assert export.expires_at > timezone.now() + timedelta(hours=23)
    page = client.get(response["Location"])
    assert reverse("reports:export-download", args=[export.pk]) in page.text
    download = client.get(reverse("reports:export-download", args=[export.pk]))
    assert download.status_code == 200
    assert len(body(open_book(b"".join(download.streaming_content))["西河镇"], 5)) == 2  # a cadre and the total
    assert AuditEvent.objects.filter(action="export", actor_id=world.committee.pk).count() == 1
    other = as_user(world.reviewer)
    assert other.get(reverse("reports:export-detail", args=[export.pk])).status_code == 404
    assert other.get(reverse("reports:export-download", args=[export.pk])).status_code == 404


def test_an_expired_file_is_gone(world, as_user):
    export = ExportFile.objects.create(
        requester=world.committee,
        kind="completion",
        filename="x.xlsx",
        expires_at=timezone.now() - timedelta(minutes=1),
    )
    client = as_user(world.committee)
    assert client.get(reverse("reports:export-detail", args=[export.pk])).status_code == 404
    assert client.get(reverse("reports:export-download", args=[export.pk])).status_code == 404


def test_raw_cadre_export_is_scoped_masked_and_typed(world, as_user):
    world.cadre_a.position = '=HYPERLINK("http://x")'
    world.cadre_a.save()
    response = as_user(world.reviewer).get(RAW, {"what": "cadres"})
    assert response.status_code == 200
    ws = open_book(b"".join(response.streaming_content)).active
    header = [c.value for c in ws[1]]
    rows = [dict(zip(header, r, strict=True)) for r in ws.iter_rows(min_row=2, values_only=True)]
    assert {r["姓名"] for r in rows} == {"李明", "王芳"}  # not 赵强 of township B
    li = next(r for r in rows if r["姓名"] == "李明")
    assert li["手机号码"] == "138****5678" and "*" in li["身份证号"]
    assert li["职务"].startswith("'=")  # a quote keeps it from being a formula
    assert ws.cell(row=2, column=header.index("出生日期") + 1).is_date
    assert AuditEvent.objects.get(action="export", model="reports.raw-cadres").changes["rows"] == 2


def test_raw_entry_export_keeps_points_as_numbers(world, as_user):
    from tests.factories import make_entry

    make_entry(world.cadre_a, by=world.clerk, points="2.5")
    response = as_user(world.committee).get(RAW, {"what": "entries", "year": 2026})
    ws = open_book(b"".join(response.streaming_content)).active
    header = [c.value for c in ws[1]]
    assert ws.cell(row=2, column=header.index("分值") + 1).value == 2.5


def test_a_raw_export_of_an_unknown_list_shows_the_form_again(world, as_user):
    response = as_user(world.committee).get(RAW, {"what": "passwords"})
    assert response.status_code == 200
    assert not AuditEvent.objects.filter(action="export").exists()


def test_a_file_still_being_built_shows_its_progress(world, as_user):
    from core.models import Job

    job = Job.objects.create(kind="report", params={}, created_by=world.committee, status="running", done=3, total=10)
    export = ExportFile.objects.create(
        requester=world.committee, kind="annual-summary", filename="x.xlsx", job=job,
        expires_at=timezone.now() + timedelta(hours=1),
    )  # fmt: skip
    response = as_user(world.committee).get(reverse("reports:export-detail", args=[export.pk]))
    assert f'data-job-status-url="{reverse("jobs:job-status", args=[job.pk])}"' in response.text
    assert "js/jobs.js" in response.text and "<progress" in response.text
    assert reverse("reports:export-download", args=[export.pk]) not in response.text
    assert as_user(world.committee).get(reverse("reports:export-download", args=[export.pk])).status_code == 404
