import re

import pytest
from playwright.sync_api import expect

from assessments.models import QuarterlyReview, ReviewStatus
from assessments.services import review_cycle_open
from tests.conftest import PASSWORD
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.browser
DIMENSIONS = ("political", "responsibility", "problem_solving", "bottom_line", "results")


def _score_and_submit(page, review, value):
    page.goto(f"/reviews/{review.pk}/score/")
    form = page.locator("form.score-form")
    for name in DIMENSIONS:
        form.locator(f"input[name={name}]").fill(value)
    form.locator("textarea[name=comment]").fill("工作扎实，担当作为")
    form.locator("button[name=do][value=submit]").click()
    page.wait_for_load_state()
    expect(page).to_have_url(re.compile(r"/reviews/assess/"))


def _logout(page):
    page.locator("header form button[type=submit]").click()
    page.wait_for_load_state()


def test_an_assessor_submits_a_reviewer_approves_one_and_returns_one_with_its_reason(
    live_world, page, login, screenshot
):
    w = live_world
    approver = grant(UserFactory(username="approver"), "reviewer", w.county)
    review_cycle_open(year=2026, quarter=3, unit=w.county)
    first = QuarterlyReview.objects.get(cadre=w.cadre_a, year=2026, quarter=3)
    second = QuarterlyReview.objects.get(cadre=w.cadre_a_office, year=2026, quarter=3)

    login(w.reviewer.username, PASSWORD)
    page.goto("/reviews/assess/")
    expect(page.locator("body")).to_contain_text("李明")
    screenshot("1-assessor-queue")
    _score_and_submit(page, first, "95")
    _score_and_submit(page, second, "85")
    _logout(page)

    login(approver.username, PASSWORD)
    page.goto("/reviews/approve/")
    screenshot("2-approval-queue")
    page.locator(f"button[name=do][value='approve:{first.pk}']").click()
    page.wait_for_load_state()
    page.locator("form.review-form [name=reason]").fill("评语过于笼统，请补充具体事例")
    page.locator(f"button[name=do][value='return:{second.pk}']").click()
    page.wait_for_load_state()
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.grade) == (ReviewStatus.APPROVED, "好")
    assert second.status == ReviewStatus.RETURNED
    _logout(page)

    login(w.reviewer.username, PASSWORD)
    page.goto(f"/reviews/{second.pk}/score/")
    expect(page.locator("body")).to_contain_text("评语过于笼统，请补充具体事例")
    screenshot("3-assessor-sees-the-return")
