"""The audit page shows each event's changes as recorded: a field's before → after for a write, the
plain values of an export or import; and names the cadre (and the flag's kind) behind an annual
summary or a flag instead of its ids."""

import re
from html import unescape

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import Action
from audit.services import audit_record
from tests.factories import make_cadre
from tests.factories_scores import make_flag, make_summary

LIST = reverse("audit:event-list")


def _changes(response):
    """Per event on the page, its change lines as a user reads them ("field: value")."""
    cells = re.findall(r'<td class="changes">(.*?)</td>', response.content.decode(), re.S)
    return [
        [unescape(re.sub(r"<[^>]+>", "", line)) for line in re.findall(r"<div>(.*?)</div>", cell, re.S)]
        for cell in cells
    ]


def test_a_raw_export_shows_its_values_as_they_are(world, as_user):
    as_user(world.reviewer).get(reverse("reports:raw-export"), {"what": "entries", "year": 2025})
    response = as_user(world.auditor).get(LIST, {"action": "export"})
    [changes] = _changes(response)
    assert sorted(changes) == ["list: entries", "rows: 0", "scope: 权限内全部单位", "unit_id: ∅", "year: 2025"]


def test_a_report_export_shows_scope_rows_and_its_parameters_as_key_value_text(world, as_user):
    audit_record(
        action=Action.EXPORT,
        user=world.committee,
        model="reports.candidates",
        changes={
            "report": "candidates",
            "params": {"kind": "candidates", "year": 2025, "unit_id": world.county.pk, "cadre_id": None},
            "scope": "青山县",
            "rows": 12,
        },
    )
    [changes] = _changes(as_user(world.auditor).get(LIST, {"action": "export"}))
    assert "report: candidates" in changes and "scope: 青山县" in changes and "rows: 12" in changes
    [params] = [line for line in changes if line.startswith("params: ")]
    assert sorted(params.removeprefix("params: ").split(", ")) == [
        "kind=candidates",
        f"unit_id={world.county.pk}",
        "year=2025",
    ]


def test_an_update_still_shows_before_and_after(world, as_user):
    world.cadre_a.position = "副镇长"
    world.cadre_a.save()
    response = as_user(world.auditor).get(LIST, {"action": "update", "model": "records.cadre"})
    [changes] = _changes(response)
    assert "position: 科员 → 副镇长" in changes


def test_a_create_shows_an_empty_before(world, as_user):
    response = as_user(world.auditor).get(
        LIST, {"action": "create", "model": "records.unit", "object_id": world.county.pk}
    )
    [changes] = _changes(response)
    assert "name: ∅ → 青山县" in changes


def test_summaries_and_flags_are_named_by_cadre_and_kind(world, as_user):
    make_summary(world.cadre_a)
    make_flag(world.cadre_b, kind="adjustment")
    response = as_user(world.auditor).get(LIST, {"model": "assessments."})
    html = response.content.decode()
    assert "<small>李明 2025</small>" in html
    assert "<small>赵强 2025 调整</small>" in html
    assert f"<small>{world.cadre_a.pk} 2025" not in html and f"<small>{world.cadre_b.pk} 2025" not in html


def test_naming_the_cadres_costs_the_same_queries_for_more_rows(world, as_user):
    client = as_user(world.auditor)
    make_flag(world.cadre_a)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(LIST, {"model": "assessments."}).status_code == 200
        return len(ctx.captured_queries)

    one = queries()
    for i in range(3):
        make_summary(make_cadre(world.town_a, name=f"甲{i}"))
    assert queries() == one
