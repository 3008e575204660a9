"""The export_report command: KIND --year Y [--quarter Q] [--unit CODE] [--cadre NO] [--snapshot ID] --out FILE"""

import pytest
from django.core.management import CommandError, call_command

from audit.models import AuditEvent
from tests.factories_reports import body, freeze, make_summary, open_book


@pytest.fixture
def summaries(world):
    for cadre in (world.cadre_a, world.cadre_a_office, world.cadre_b):
        make_summary(cadre)


def test_it_writes_the_annual_summary_of_every_unit(world, summaries, tmp_path, capsys):
    out = tmp_path / "annual.xlsx"
    call_command("export_report", "annual-summary", "--year", "2025", "--out", str(out))
    assert open_book(str(out)).sheetnames == ["等次分布", "东岭镇", "东岭镇党政办", "西河镇"]
    assert "3 rows" in capsys.readouterr().out
    event = AuditEvent.objects.get(action="export")
    assert (event.actor_id, event.source, event.changes["scope"]) == (None, "command:export_report", "全部单位")


def test_a_unit_code_narrows_it_to_the_subtree(world, summaries, tmp_path):
    out = tmp_path / "b.xlsx"
    call_command("export_report", "annual-summary", "--year", "2025", "--unit", "TB", "--out", str(out))
    assert open_book(str(out)).sheetnames == ["等次分布", "西河镇"]


def test_a_snapshot_brings_its_own_year(world, summaries, tmp_path):
    snapshot = freeze(year=2025, unit=world.county, by=world.committee, title="干部工作领导小组")
    out = tmp_path / "snap.xlsx"
    call_command("export_report", "annual-summary", "--snapshot", str(snapshot.pk), "--out", str(out))
    ws = open_book(str(out))["东岭镇"]
    assert "《干部工作领导小组》" in ws["A3"].value and len(body(ws, 5)) == 2


def test_the_personal_file_by_staff_number(world, tmp_path):
    out = tmp_path / "file.xlsx"
    call_command("export_report", "cadre-file", "--year", "2025", "--cadre", "A0001", "--out", str(out))
    assert open_book(str(out))["基本信息"]["A2"].value == "个人实绩档案（李明）· 基本信息"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["annual-summary", "--year", "2025", "--unit", "NOPE"], "--unit NOPE: not found"),
        (["cadre-file", "--year", "2025"], "请选择干部"),
        (["quarterly-results", "--year", "2025"], "请选择季度"),
        (["annual-summary", "--year", "2025", "--snapshot", "999"], "--snapshot 999: not found"),
    ],
)
def test_it_explains_what_is_missing(world, tmp_path, args, message):
    with pytest.raises(CommandError) as exc:
        call_command("export_report", *args, "--out", str(tmp_path / "x.xlsx"))
    assert message.lower() in str(exc.value).lower()
    assert not (tmp_path / "x.xlsx").exists()


def test_it_writes_only_xlsx(world, tmp_path):
    with pytest.raises(CommandError):
        call_command("export_report", "completion", "--year", "2025", "--out", str(tmp_path / "x.csv"))
