from django.contrib.staticfiles import finders
from django.urls import reverse

ICON = "/static/favicon.svg"


def test_every_page_links_the_icon(client, db):
    response = client.get(reverse("accounts:login"))
    assert f'<link rel="icon" href="{ICON}" type="image/svg+xml">' in response.text


def test_it_redirects_for_good_to_the_icon(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response.url == ICON


def test_the_icon_is_a_static_svg_in_the_portals_colour():
    with open(finders.find("favicon.svg"), encoding="utf-8") as icon:
        assert 'fill="#a61b1b"' in icon.read()


def test_it_answers_405_to_post(client, db):
    assert client.post("/favicon.ico").status_code == 405
