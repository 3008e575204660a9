import re

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def search(page, text):
    page.goto("/cadres/")
    page.fill("form.filters input[name=q]", text)
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state()


def test_it_lets_a_clerk_find_their_cadre_and_nothing_outside_their_units(live_world, page, login, screenshot):
    w = live_world

    login(w.clerk.username, PASSWORD)
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    screenshot("1-home")

    search(page, "李明")
    rows = page.locator("table.list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("A0001")
    screenshot("2-search-li-ming")

    rows.first.get_by_role("link", name="李明").click()
    expect(page).to_have_url(re.compile(rf"/cadres/{w.cadre_a.pk}/$"))
    expect(page.locator("h1")).to_contain_text("李明")
    screenshot("3-li-ming")

    response = page.goto(f"/cadres/{w.cadre_b.pk}/")
    assert response.status == 404
    expect(page.locator("body")).not_to_contain_text("赵强")
    screenshot("4-zhao-qiang-404")

    search(page, "赵强")
    expect(page.locator("table.list tbody")).not_to_contain_text("赵强")
    expect(page.locator("table.list tbody a")).to_have_count(0)
    screenshot("5-search-zhao-qiang")
