"""A reviewer's bulk confirmation of several entries asks first; one row's button does not."""

import pytest
from playwright.sync_api import expect

from records.models import EntryStatus, LedgerEntry
from tests.conftest import PASSWORD
from tests.factories import make_entry

pytestmark = pytest.mark.browser


def test_confirming_several_selected_entries_asks_with_their_count(live_world, page, login):
    w = live_world
    make_entry(w.cadre_a, by=w.clerk, code="JN04", points="2", document_no="青重办〔2026〕3号")
    make_entry(w.cadre_a, by=w.clerk, code="JN03", points="1.5", document_no="青信〔2026〕8号")
    questions = []

    def answer(dialog, accept):
        questions.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    login(w.reviewer.username, PASSWORD)
    page.goto("/review/")
    page.locator("input[data-select-all=entries]").check()
    bulk = page.locator("button[name=do][value=confirm]")

    page.once("dialog", lambda dialog: answer(dialog, accept=False))
    bulk.click()
    assert questions == ["确认所选的 2 条纪实？确认后的纪实只能通过冲销更正。"]
    assert not LedgerEntry.objects.filter(status=EntryStatus.CONFIRMED).exists()  # cancelled: nothing sent

    page.once("dialog", lambda dialog: answer(dialog, accept=True))
    bulk.click()
    page.wait_for_load_state()
    expect(page.locator("table.review tbody tr td input[name=entries]")).to_have_count(0)
    assert LedgerEntry.objects.filter(status=EntryStatus.CONFIRMED).count() == 2
