import io
import re

import openpyxl
import pytest
from playwright.sync_api import expect

from records.models import EntryStatus, LedgerEntry
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

HEADERS = ["干部编号", "姓名", "月份", "积分项目代码", "分值", "事由", "文号", "发生日期"]


def _ledger_file(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    sheet.append(["A0002", "王芳", "2026-03", "ZD01", 1.5, "按期完成春耕备耕督导", "青办〔2026〕21号", "2026-03-20"])
    path = tmp_path / "ledger.xlsx"
    buffer = io.BytesIO()
    workbook.save(buffer)
    path.write_bytes(buffer.getvalue())
    return path


def _enter(page, cadre, *, rule, points, facts, document_no, day):
    page.goto(f"/cadres/{cadre.pk}/entries/new/")
    form = page.locator("form[data-entry-form]")
    form.locator("input[name=rule]").fill(rule)
    form.locator("input[name=points]").fill(points)
    form.locator("textarea[name=facts]").fill(facts)
    form.locator("input[name=document_no]").fill(document_no)
    form.locator("input[name=occurred_on]").fill(day)
    form.locator("button[type=submit].primary").click()
    page.wait_for_load_state()
    expect(page).to_have_url(re.compile(rf"/cadres/{cadre.pk}/"))


def _logout(page):
    page.locator("header form button[type=submit]").click()
    page.wait_for_load_state()


def test_a_clerk_enters_and_imports_a_reviewer_decides_and_the_clerk_sees_the_return(
    live_world, page, login, screenshot, tmp_path
):
    w = live_world
    page.on("dialog", lambda dialog: dialog.accept())  # data-confirm forms ask first

    login(w.clerk.username, PASSWORD)
    _enter(
        page,
        w.cadre_a,
        rule="JN04",
        points="2",
        facts="完成征地拆迁攻坚",
        document_no="青重办〔2026〕3号",
        day="2026-03-10",
    )
    _enter(
        page,
        w.cadre_a,
        rule="JN03",
        points="1.5",
        facts="化解信访积案一件",
        document_no="青信〔2026〕8号",
        day="2026-03-18",
    )
    expect(page.locator("#ledger table.ledger-entries tbody tr")).to_have_count(2)
    screenshot("1-two-entries")

    page.goto("/ledger/import/")
    page.set_input_files("input[type=file]", str(_ledger_file(tmp_path)))
    page.locator("form[enctype] button[type=submit].primary").click()
    page.wait_for_load_state()
    screenshot("2-import-preview")
    page.locator("input[name=token] ~ button[type=submit]").click()
    page.wait_for_load_state()
    imported = LedgerEntry.objects.get(cadre=w.cadre_a_office)
    assert (imported.status, imported.entered_by) == (EntryStatus.PENDING, w.clerk)
    _logout(page)

    first, second = LedgerEntry.objects.filter(cadre=w.cadre_a).order_by("id")
    login(w.reviewer.username, PASSWORD)
    page.goto("/review/")
    expect(page.locator("table.review tbody tr")).to_have_count(3)
    screenshot("3-review-queue")
    page.locator(f"button[name=do][value='confirm:{first.pk}']").click()
    page.wait_for_load_state()
    page.locator("form.review-form textarea, form.review-form input[name=reason]").first.fill(
        "文号与事由不符，请核实后重报"
    )
    page.locator(f"button[name=do][value='return:{second.pk}']").click()
    page.wait_for_load_state()
    screenshot("4-after-decisions")
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (EntryStatus.CONFIRMED, EntryStatus.RETURNED)
    _logout(page)

    login(w.clerk.username, PASSWORD)
    page.goto(f"/cadres/{w.cadre_a.pk}/")
    returned = page.locator(f"#entry-{second.pk}")
    expect(returned.locator(".return-reason")).to_contain_text("文号与事由不符，请核实后重报")
    expect(page.locator(f"#entry-{first.pk}")).not_to_contain_text("文号与事由不符")
    screenshot("5-clerk-sees-the-return")
