"""One cadre's year: the components and weights of the score, grading notes, flags, and the committee's grade."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.html import escape

from assessments.models import AnnualSummary, ScoringScheme
from assessments.selectors_scores import GRADE_NOTES
from tests.factories import make_cadre
from tests.factories_scores import make_flag, make_summary


def url(cadre, year=2025):
    return reverse("assessments:summary-detail", kwargs={"cadre": cadre.pk, "year": year})


@pytest.fixture
def summary(world):
    return make_summary(world.cadre_a, grade_notes=["excellent_quota_used"])


def test_it_shows_how_the_score_was_made(world, as_user, summary):
    response = as_user(world.reviewer).get(url(world.cadre_a))
    assert response.status_code == 200
    rows = response.context["parts"]["rows"]
    # Default weights 40/40/20 over the three components present.
    assert [(r["value"], r["share"], r["points"]) for r in rows] == [
        (Decimal("90.25"), Decimal("0.4"), Decimal("36.10")),
        (Decimal("80"), Decimal("0.4"), Decimal("32.00")),
        (Decimal("88"), Decimal("0.2"), Decimal("17.60")),
    ]
    assert not response.context["parts"]["renormalised"]
    assert escape(str(GRADE_NOTES["excellent_quota_used"])) in response.text


def test_a_missing_component_shares_out_its_weight(world, as_user):
    scheme = ScoringScheme.objects.create(year=2025, name="乡镇方案", annual_mass_part=Decimal("0.2"))
    make_summary(world.cadre_a, mass_average=None, scheme=scheme)
    parts = as_user(world.committee).get(url(world.cadre_a)).context["parts"]
    assert parts["renormalised"]
    assert [r["share"] for r in parts["rows"]] == [Decimal("0.5"), Decimal("0.5"), None]


def test_without_a_score_the_breakdown_counts_nothing_and_says_why(world, as_user):
    cadre = make_cadre(world.town_a, name="试用", on_probation=True)
    make_summary(
        cadre,
        **{f"q{q}_{f}": v for q in (1, 2, 3, 4) for f, v in (("grade", ""), ("score", None))},
        quarter_average=None,
        mass_average=None,
        ledger_normalised=Decimal("18.52"),
        score=None,
        grade_notes=["on_probation", "no_approved_quarter"],
    )
    response = as_user(world.committee).get(url(cadre))
    parts = response.context["parts"]
    assert [(r["value"], r["weight"], r["share"], r["points"]) for r in parts["rows"]] == [
        (None, None, None, None),
        (Decimal("18.52"), None, None, None),
        (None, None, None, None),
    ]
    assert not parts["renormalised"]
    breakdown = response.text.split("得分构成</h2>")[1].split("</section>")[0]
    assert "18.52" in breakdown and "100%" not in breakdown
    assert escape(str(GRADE_NOTES["no_approved_quarter"])) in breakdown


def test_the_history_names_whoever_decided_as_the_rest_of_the_page_does(world, as_user, summary):
    client = as_user(world.committee)
    client.post(url(world.cadre_a), {"grade": "基本称职", "note": "全年两次通报"})
    response = client.get(url(world.cadre_a))
    name = world.committee.full_name
    [event] = response.context["history"]
    assert event.actor == name and f"· {name} ·" in response.text
    assert "· committee ·" not in response.text
    assert "委员会说明：" in response.text and "委员会说明:" not in response.text


def test_it_shows_the_flags_of_the_year_with_their_sentences(world, as_user, summary):
    make_flag(world.cadre_a)
    response = as_user(world.committee).get(url(world.cadre_a))
    assert "年度综合得分位列本类别前 10%（本类别最高）" in response.text
    assert reverse("assessments:review-detail", args=[11]) in response.text


def test_the_committee_sets_the_final_grade(world, as_user, summary):
    response = as_user(world.committee).post(url(world.cadre_a), {"grade": "基本称职", "note": "全年两次通报"})
    assert response.status_code == 302 and response.url == url(world.cadre_a)
    summary.refresh_from_db()
    assert (summary.final_grade, summary.final_note) == ("基本称职", "全年两次通报")
    page = as_user(world.committee).get(url(world.cadre_a))
    assert [e.grade_change for e in page.context["history"]] == [["", "基本称职"]]


def test_a_grade_that_differs_without_a_note_shows_the_error(world, as_user, summary):
    response = as_user(world.committee).post(url(world.cadre_a), {"grade": "基本称职", "note": ""})
    assert response.status_code == 200 and response.context["form"].errors["note"]
    assert AnnualSummary.objects.get(pk=summary.pk).final_grade == ""


def test_a_probationer_gets_a_comment_only(world, as_user):
    cadre = make_cadre(world.town_a, name="试用", on_probation=True)
    summary = make_summary(cadre)
    client = as_user(world.committee)
    assert client.get(url(cadre)).context["form"].fields["grade"].choices[0][0] == ""
    assert client.post(url(cadre), {"grade": "", "note": "按期转正"}).status_code == 302
    summary.refresh_from_db()
    assert (summary.final_grade, summary.final_note) == ("", "按期转正") and summary.decided_at


def test_a_reviewer_reads_but_may_not_decide(world, as_user, summary):
    client = as_user(world.reviewer)
    response = client.get(url(world.cadre_a))
    assert not response.context["can_decide"] and 'name="note"' not in response.text
    assert client.post(url(world.cadre_a), {"grade": "称职", "note": ""}).status_code == 403


def test_a_cadre_outside_the_scope_is_not_found(world, as_user):
    make_summary(world.cadre_b)
    assert as_user(world.reviewer).get(url(world.cadre_b)).status_code == 404
    assert as_user(world.committee).get(url(world.cadre_a, 2019)).status_code == 404


def test_other_roles_are_refused(world, as_user, summary):
    for user in (world.clerk, world.sysadmin, world.outsider):
        assert as_user(user).get(url(world.cadre_a)).status_code == 403


def test_it_answers_only_get_and_post(world, as_user, summary):
    assert as_user(world.committee).delete(url(world.cadre_a)).status_code == 405


def test_a_cadre_who_moved_out_of_scope_is_shown_without_links_to_their_pages(world, as_user):
    make_summary(world.cadre_b, unit=world.town_a, review_ids=[21, 22, 23, 24])
    response = as_user(world.reviewer).get(url(world.cadre_b))
    assert response.status_code == 200
    assert reverse("records:cadre-detail", args=[world.cadre_b.pk]) not in response.text
    assert reverse("assessments:review-detail", args=[21]) not in response.text


def test_the_cadre_page_and_reviews_are_linked_when_in_scope(world, as_user):
    make_summary(world.cadre_a, review_ids=[21, 22, 23, 24])
    response = as_user(world.reviewer).get(url(world.cadre_a))
    assert reverse("records:cadre-detail", args=[world.cadre_a.pk]) in response.text
    assert reverse("assessments:review-detail", args=[21]) in response.text
