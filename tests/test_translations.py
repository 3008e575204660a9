import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

PO = Path(__file__).resolve().parent.parent / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="needs gettext's msgfmt (Debian package gettext)")
def test_every_message_has_a_chinese_translation():
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(PO)], capture_output=True, text=True, check=True
    )
    assert "translated message" in result.stderr
    assert "untranslated" not in result.stderr
    assert "fuzzy" not in result.stderr


def test_pages_speak_chinese_by_default(world, as_user):
    text = as_user(world.clerk).get(reverse("records:cadre-list")).text
    assert "干部名册" in text and "姓名或干部编号" in text


def test_an_english_browser_still_gets_chinese(world, as_user):
    text = as_user(world.clerk).get(reverse("records:cadre-list"), HTTP_ACCEPT_LANGUAGE="en-US,en").text
    assert "干部名册" in text


def test_english_is_available_from_the_switcher(world, as_user):
    client = as_user(world.clerk)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Cadre roster" in client.get(reverse("records:cadre-list")).text


@pytest.mark.parametrize(
    ("page", "role"),
    [
        ("assessments:score-list", "committee"),
        ("assessments:snapshot-new", "committee"),
        ("assessments:quota-list", "sysadmin"),
    ],
)
def test_the_empty_option_of_a_required_dropdown_is_chinese(world, as_user, page, role):
    text = as_user(getattr(world, role)).get(reverse(page)).text
    assert ">- 请选择 -</option>" in text
    assert "Select an option" not in text
