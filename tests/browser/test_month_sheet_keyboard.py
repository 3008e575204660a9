import pytest
from playwright.sync_api import expect

from records.models import LedgerEntry
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def _invalid(page, selector):
    return page.eval_on_selector(selector, "e => !e.validity.valid")


def test_a_clerk_enters_rows_with_the_keyboard_and_mistakes_are_stopped_before_sending(
    live_world, page, login, screenshot
):
    w = live_world
    login(w.clerk.username, PASSWORD)
    page.goto(f"/units/{w.town_a.pk}/sheet/")
    expect(page.locator("#id_cadre")).to_be_focused()

    page.keyboard.type("A0001")
    page.keyboard.press("Tab")
    page.keyboard.type("JN04")
    page.keyboard.press("Tab")
    expect(page.locator("[data-rule-hint]")).to_contain_text("+1.0 ~ +3.0")
    page.keyboard.type("5")
    page.keyboard.press("Tab")
    page.keyboard.type("完成产业园道路攻坚")
    page.keyboard.press("Enter")
    # Outside the rule's range, and JN04 needs a 文号: the browser refuses at once.
    assert _invalid(page, "#id_points") and _invalid(page, "#id_document_no")
    screenshot("1-range-and-document-refused")

    page.fill("#id_points", "2")
    assert not _invalid(page, "#id_points") and _invalid(page, "#id_document_no")
    page.fill("#id_document_no", "青政〔2026〕31号")
    page.press("#id_document_no", "Enter")
    page.wait_for_load_state()
    assert LedgerEntry.objects.filter(cadre=w.cadre_a, points=2).exists()

    # Back on the sheet: the saved row is said in sight and the cursor is ready for the next row.
    expect(page.locator(".messages .msg-success")).to_be_in_viewport()
    expect(page.locator("#id_cadre")).to_be_focused()
    expect(page.locator(f"#cadre-{w.cadre_a.pk}")).to_contain_text("JN04")
    screenshot("2-saved-ready-for-the-next-row")
