"""The cadre page's annual summaries and flags, and the navigation link to the annual pages."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import FlagState
from tests.factories_scores import make_flag, make_summary


def url(cadre):
    return reverse("records:cadre-detail", args=[cadre.pk])


def test_it_shows_the_cadres_years_and_flags(world, as_user):
    make_summary(world.cadre_a, year=2024, final_grade="优秀")
    make_summary(world.cadre_a, year=2025)
    make_flag(world.cadre_a)
    make_flag(world.cadre_a, kind="talk_reminder", state=FlagState.WITHDRAWN, decision="dismissed")
    response = as_user(world.committee).get(url(world.cadre_a))
    assert [s.year for s in response.context["score_summaries"]] == [2025, 2024]
    assert len(response.context["score_flags"]) == 2
    text = response.text
    assert reverse("assessments:summary-detail", kwargs={"cadre": world.cadre_a.pk, "year": 2024}) in text
    assert "年度综合得分位列本类别前 10%（本类别最高）" in text
    assert 'class="flag-withdrawn muted"' in text


def test_a_clerk_does_not_see_scores_on_the_cadre_page(world, as_user):
    make_summary(world.cadre_a)
    response = as_user(world.clerk).get(url(world.cadre_a))
    assert response.status_code == 200 and not response.context["score_section"]
    assert 'id="scores"' not in response.text


def test_the_section_costs_two_queries_whatever_the_years(world, as_user):
    client = as_user(world.reviewer)
    make_summary(world.cadre_a, year=2024)
    make_flag(world.cadre_a, year=2024)
    client.get(url(world.cadre_a))
    with CaptureQueriesContext(connection) as few:
        client.get(url(world.cadre_a))
    for year in (2020, 2021, 2022, 2023):
        make_summary(world.cadre_a, year=year)
        make_flag(world.cadre_a, year=year)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url(world.cadre_a))
    assert len(response.context["score_summaries"]) == 5
    assert len(many) == len(few)


def test_reviewers_and_the_committee_get_the_navigation_link(world, as_user):
    link = f'href="{reverse("assessments:score-list")}"'
    assert link in as_user(world.reviewer).get(url(world.cadre_a)).text
    assert link in as_user(world.committee).get(url(world.cadre_a)).text
    assert link not in as_user(world.clerk).get(url(world.cadre_a)).text
