import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from records.models import Unit, UnitClosure
from records.selectors import subtree_ids
from records.services import unit_update
from tests.factories import make_unit


def _subtree(unit):
    return set(Unit.objects.filter(id__in=subtree_ids([unit.pk])).values_list("code", flat=True))


def test_it_answers_a_subtree_with_the_unit_and_everything_below(world):
    assert _subtree(world.county) == {"C0", "TA", "TA1", "TB"}
    assert _subtree(world.town_a) == {"TA", "TA1"}
    assert _subtree(world.town_b) == {"TB"}


def test_it_rewires_the_whole_subtree_when_a_unit_moves(world):
    unit_update(unit=world.town_a, parent=world.town_b)
    assert _subtree(world.town_b) == {"TB", "TA", "TA1"}
    office = Unit.objects.get(code="TA1")
    assert office.depth == 3
    assert UnitClosure.objects.get(ancestor=world.county, descendant=office).distance == 3


def test_it_refuses_to_move_a_unit_under_its_own_subunit(world):
    with pytest.raises(ValidationError):
        unit_update(unit=world.town_a, parent=world.office_a)
    assert _subtree(world.town_a) == {"TA", "TA1"}


def test_it_finds_a_subtree_with_one_query(world, django_assert_num_queries):
    make_unit("深层单位", parent=world.office_a)
    with django_assert_num_queries(1):
        assert len(list(Unit.objects.filter(id__in=subtree_ids([world.town_a.pk])))) == 3


def test_the_tree_page_shows_only_units_in_scope(world, as_user):
    response = as_user(world.clerk).get(reverse("records:unit-list"))
    assert response.status_code == 200
    assert "东岭镇党政办" in response.text
    assert "西河镇" not in response.text


def test_the_tree_page_is_refused_to_a_user_without_a_role(world, as_user):
    assert as_user(world.outsider).get(reverse("records:unit-list")).status_code == 403


def test_the_tree_page_answers_405_to_post(world, as_user):
    assert as_user(world.clerk).post(reverse("records:unit-list")).status_code == 405
