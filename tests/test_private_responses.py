"""Pages and API answers of a signed-in user hold personal data: no cache keeps them."""

import pytest
from django.urls import reverse


@pytest.mark.parametrize(
    "name",
    ["core:home", "records:cadre-list", "records:cadre-detail", "api:cadre-detail"],
)
def test_it_forbids_caching_what_a_signed_in_user_is_shown(world, as_user, name):
    args = [world.cadre_a.pk] if name.endswith("detail") else []
    response = as_user(world.clerk).get(reverse(name, args=args))

    assert response.status_code == 200
    assert {"no-store", "private"} <= {part.strip() for part in response["Cache-Control"].split(",")}


def test_a_cadre_page_with_the_id_number_is_not_kept(world, as_user):
    response = as_user(world.clerk).get(reverse("records:cadre-detail", args=[world.cadre_a.pk]))

    assert world.cadre_a.id_number in response.text
    assert "no-store" in response["Cache-Control"]


def test_a_response_that_sets_its_own_caching_keeps_it(world, as_user):
    response = as_user(world.committee).get(reverse("reports:raw-export"), {"what": "cadres"})

    assert response["Cache-Control"] == "private, no-store"
