import pytest

from tests.conftest import PASSWORD
from tests.factories import make_entry

pytestmark = pytest.mark.browser

# The page is as wide as the screen: nothing sticks out sideways (wide tables scroll inside).
FITS = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"


def _right(page, selector):
    return page.eval_on_selector(selector, "e => e.getBoundingClientRect().right")


@pytest.mark.parametrize("width", [1366, 400])
def test_the_month_sheet_and_the_review_queue_fit_the_screen(live_world, page, login, screenshot, width):
    w = live_world
    make_entry(w.cadre_a, by=w.clerk, facts="完成产业园道路攻坚，协调征地拆迁四十余户，按期交地")
    page.set_viewport_size({"width": width, "height": 800})

    login(w.clerk.username, PASSWORD)
    page.goto(f"/units/{w.town_a.pk}/sheet/")
    assert page.evaluate(FITS)
    assert _right(page, "#id_occurred_on") <= _right(page, "#entry-form")
    assert _right(page, "header .mainnav") <= width
    screenshot(f"sheet-{width}")
    page.locator("header form button[type=submit]").click()
    page.wait_for_load_state()

    login(w.reviewer.username, PASSWORD)
    page.goto("/review/")
    assert page.evaluate(FITS)
    assert _right(page, "button[name=do][value=return]") <= width
    screenshot(f"review-{width}")
