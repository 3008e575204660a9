"""Pages and messages that come from Django itself read as the rest of the portal does."""

import pytest
from django.test import Client
from django.utils import translation

from records.forms_ledger import EntryForm


def test_an_expired_form_gets_a_chinese_page_that_says_nothing_was_done(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.clerk)

    response = client.post(f"/cadres/{world.cadre_a.pk}/entries/new/", {"points": "1"})

    assert response.status_code == 403
    text = response.content.decode()
    assert "页面已过期" in text and "未执行任何操作" in text
    assert "CSRF" not in text


@pytest.mark.parametrize(
    ("points", "message"),
    [("1.25", "确认小数不超过 1 位。"), ("123456.5", "确认总共不超过 6 个数字。")],
)
def test_number_messages_end_with_a_chinese_full_stop(world, points, message):
    with translation.override("zh-hans"):
        form = EntryForm(data={"points": points})
        form.is_valid()
        assert message in form.errors["points"]
