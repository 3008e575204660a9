"""The year of the 纪实完成情况 page is a bound form: a bad year is shown beside the field."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

URL = reverse("records:completion")


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime(2026, 11, 21, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


def _year_field(response):
    """The filter form's year field: its label, input and errors."""
    return re.search(r'<div class="field"><label for="id_year">.*?</div>', response.text, re.S).group(0)


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("abc", "Enter a whole number."),
        ("1999", "Ensure this value is greater than or equal to 2000."),
        ("2028", "Ensure this value is less than or equal to 2027."),
        ("99999999999999999999", "Ensure this value is less than or equal to 2027."),
    ],
)
def test_it_shows_a_bad_year_beside_the_field_and_keeps_this_year(world, as_en, value, error):
    response = as_en(world.reviewer).get(URL, {"year": value})
    assert response.status_code == 200
    assert response.context["year"] == 2026
    assert response.context["form"].errors["year"] == [error]
    assert f'<small class="error">{error}</small>' in _year_field(response)
    assert "Monthly record completion, 2026" in response.text


def test_it_shows_a_year_in_range(world, as_en):
    response = as_en(world.reviewer).get(URL, {"year": "2027"})
    assert response.context["year"] == 2027 and not response.context["form"].errors
    assert 'value="2027"' in _year_field(response)
    assert response.context["next_year"] is None


def test_an_empty_year_is_this_year_without_an_error(world, as_en):
    response = as_en(world.reviewer).get(URL, {"year": ""})
    assert response.context["year"] == 2026 and not response.context["form"].errors
    assert "error" not in _year_field(response)


def test_an_unbound_page_fills_in_this_year(world, as_en):
    field = _year_field(as_en(world.reviewer).get(URL))
    assert 'value="2026"' in field and 'min="2000"' in field and 'max="2027"' in field


def test_the_first_year_links_to_no_earlier_year(world, as_en):
    response = as_en(world.reviewer).get(URL, {"year": "2000"})
    assert response.context["previous_year"] is None
    assert "?year=1999" not in response.text
    assert "?year=2001" in response.text
