"""The cadre page's quarter history: assessments.selectors_page.cadre_quarter_history and its fragment."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import QuarterlyReview
from assessments.selectors_page import cadre_quarter_history
from assessments.services import review_approve, review_cycle_open, review_score, review_submit
from tests.factories import UserFactory, grant


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime(2026, 11, 21, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


@pytest.fixture
def history(world):
    approver = grant(UserFactory(username="reviewer_2"), "reviewer", world.county)
    for year, quarter in ((2025, 4), (2026, 1), (2026, 3)):
        review_cycle_open(year=year, quarter=quarter, unit=world.town_a)
    review = QuarterlyReview.objects.get(cadre=world.cadre_a, year=2026, quarter=1)
    v = Decimal("93")
    review_score(
        actor=world.reviewer, review=review, political=v, responsibility=v, problem_solving=v, bottom_line=v, results=v
    )
    review_approve(actor=approver, review=review_submit(actor=world.reviewer, review=review))
    return review


def test_it_gives_one_row_per_year_newest_first_with_a_slot_per_quarter(world, history):
    rows = cadre_quarter_history(world.cadre_a)
    assert [r["year"] for r in rows] == [2026, 2025]
    q1, q2, q3, q4 = rows[0]["quarters"]
    assert (q1.grade, q1.score, q1.status) == ("好", Decimal("93.00"), "approved")
    assert q2 is None and q4 is None and q3.status == "draft"
    assert [r is None for r in rows[1]["quarters"]] == [True, True, True, False]


def test_it_reads_in_one_query(world, history):
    with CaptureQueriesContext(connection) as ctx:
        rows = cadre_quarter_history(world.cadre_a)
        [r.grade for row in rows for r in row["quarters"] if r]
    assert len(ctx.captured_queries) == 1


def test_the_fragment_links_each_review_with_its_grade_and_status(world, history):
    html = render_to_string("records/_quarters_section.html", {"quarter_reviews": cadre_quarter_history(world.cadre_a)})
    assert reverse("assessments:review-detail", args=[history.pk]) in html
    assert "93.00" in html and "好" in html
    assert 'id="quarters"' in html


def test_a_cadre_without_reviews_gets_a_note(world):
    assert cadre_quarter_history(world.cadre_b) == []
    html = render_to_string("records/_quarters_section.html", {"quarter_reviews": []})
    assert "<table" not in html
