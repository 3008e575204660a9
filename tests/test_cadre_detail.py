from django.urls import reverse


def _url(cadre):
    return reverse("records:cadre-detail", args=[cadre.pk])


def test_it_shows_a_cadre_in_scope_with_postings(world, as_user):
    response = as_user(world.reviewer).get(_url(world.cadre_a))
    assert response.status_code == 200
    assert "李明" in response.text and "东岭镇" in response.text


def test_it_answers_404_for_a_cadre_outside_scope(world, as_user):
    assert as_user(world.clerk).get(_url(world.cadre_b)).status_code == 404


def test_it_answers_404_for_a_guessed_id(world, as_user):
    assert as_user(world.clerk).get(reverse("records:cadre-detail", args=[99999])).status_code == 404


def test_it_masks_identifiers_for_a_read_only_role(world, as_user):
    text = as_user(world.reviewer).get(_url(world.cadre_a)).text
    assert world.cadre_a.id_number not in text
    assert world.cadre_a.masked_id_number in text
    assert "138****5678" in text and "13812345678" not in text


def test_it_shows_identifiers_in_full_to_the_clerk(world, as_user):
    text = as_user(world.clerk).get(_url(world.cadre_a)).text
    assert world.cadre_a.id_number in text and "13812345678" in text


def test_it_answers_405_to_post(world, as_user):
    assert as_user(world.clerk).post(_url(world.cadre_a)).status_code == 405


def test_the_404_page_speaks_chinese_and_reveals_nothing(world, as_user):
    text = as_user(world.clerk).get(_url(world.cadre_b)).text
    assert "页面不存在" in text and "赵强" not in text
