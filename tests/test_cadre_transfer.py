from datetime import date

from django.urls import reverse

from records.models import Cadre, Posting
from records.selectors import unit_on


def _url(cadre):
    return reverse("records:cadre-transfer", args=[cadre.pk])


def _data(unit, on="2025-07-01"):
    return {"unit": unit.pk, "position": "副主任", "leadership_level": "股级", "on": on, "note": "青组干〔2025〕12号"}


def test_a_transfer_closes_one_posting_and_opens_another(world, as_user):
    response = as_user(world.clerk).post(_url(world.cadre_a), _data(world.office_a))
    assert response.status_code == 302
    postings = list(Posting.objects.filter(cadre=world.cadre_a).order_by("start"))
    assert [(p.unit.code, p.start, p.end) for p in postings] == [
        ("TA", date(2020, 1, 1), date(2025, 6, 30)),
        ("TA1", date(2025, 7, 1), None),
    ]
    cadre = Cadre.objects.get(pk=world.cadre_a.pk)
    assert (cadre.unit, cadre.position, cadre.post_since) == (world.office_a, "副主任", date(2025, 7, 1))


def test_the_posting_history_answers_which_unit_on_a_date(world, as_user):
    as_user(world.clerk).post(_url(world.cadre_a), _data(world.office_a))
    assert unit_on(world.cadre_a, date(2025, 6, 30)) == world.town_a
    assert unit_on(world.cadre_a, date(2025, 7, 1)) == world.office_a
    assert unit_on(world.cadre_a, date(2019, 1, 1)) is None


def test_a_county_clerk_moves_a_cadre_between_townships(world, as_user):
    as_user(world.county_clerk).post(_url(world.cadre_a), _data(world.town_b))
    assert Cadre.objects.get(pk=world.cadre_a.pk).unit == world.town_b


def test_a_township_clerk_cannot_move_a_cadre_out_of_scope(world, as_user):
    response = as_user(world.clerk).post(_url(world.cadre_a), _data(world.town_b))
    assert response.status_code == 200
    assert Cadre.objects.get(pk=world.cadre_a.pk).unit == world.town_a


def test_a_transfer_dated_before_the_current_posting_is_refused(world, as_user):
    response = as_user(world.clerk).post(_url(world.cadre_a), _data(world.office_a, on="2019-12-31"))
    assert response.status_code == 200
    assert Posting.objects.filter(cadre=world.cadre_a).count() == 1


def test_a_reviewer_may_not_transfer(world, as_user):
    assert as_user(world.reviewer).post(_url(world.cadre_a), _data(world.office_a)).status_code == 403


def test_transfer_outside_scope_answers_404(world, as_user):
    assert as_user(world.clerk).get(_url(world.cadre_b)).status_code == 404


def test_it_answers_405_to_delete(world, as_user):
    assert as_user(world.clerk).delete(_url(world.cadre_a)).status_code == 405
