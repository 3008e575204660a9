"""python manage.py import_ledger FILE [--dry-run] --user USERNAME"""

from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command

from audit.models import Action, AuditEvent
from records.models import EntryStatus, LedgerEntry
from tests.test_ledger_import import ledger_bytes, ledger_row


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime(2026, 11, 21, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


@pytest.fixture
def sheet(tmp_path):
    def write(*rows):
        path = tmp_path / "纪实.xlsx"
        path.write_bytes(ledger_bytes(*rows))
        return str(path)

    return write


def import_ledger(*args):
    out, err = StringIO(), StringIO()
    call_command("import_ledger", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_imports_pending_entries_by_the_user_and_prints_the_count(world, sheet):
    out, _err = import_ledger(sheet(ledger_row(), ledger_row(文号="青政〔2026〕2号")), "--user", "clerk_a")

    assert "2" in out
    assert list(LedgerEntry.objects.values_list("status", "entered_by")) == [(EntryStatus.PENDING, world.clerk.pk)] * 2
    summary = AuditEvent.objects.get(action=Action.IMPORT)
    assert (summary.source, summary.actor_name, summary.note) == ("command:import_ledger", "clerk_a", "纪实.xlsx")
    created = AuditEvent.objects.filter(action=Action.CREATE, model="records.ledgerentry")
    assert created.count() == 2 and {e.source for e in created} == {"command:import_ledger"}


def test_it_prints_each_error_in_chinese_with_its_row_and_exits_1_writing_nothing(world, sheet):
    events = AuditEvent.objects.count()
    path = sheet(
        ledger_row(),
        ledger_row(分值=9, 文号="青政〔2026〕2号"),
        ledger_row(干部编号="B0001", 姓名="赵强", 文号="青政〔2026〕3号"),
    )
    err = StringIO()

    with pytest.raises(CommandError) as raised:
        call_command("import_ledger", path, "--user", "clerk_a", stderr=err)

    assert raised.value.returncode == 1
    lines = err.getvalue().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("第3行") and "分值" in lines[0] and "JN04" in lines[0]
    assert lines[1].startswith("第4行") and "干部编号" in lines[1]
    assert not LedgerEntry.objects.exists()
    assert AuditEvent.objects.count() == events


def test_a_dry_run_checks_and_writes_nothing(world, sheet):
    events = AuditEvent.objects.count()

    out, _err = import_ledger(sheet(ledger_row()), "--dry-run", "--user", "clerk_a")

    assert "1" in out
    assert not LedgerEntry.objects.exists()
    assert AuditEvent.objects.count() == events


def test_a_dry_run_with_errors_also_exits_1(world, sheet):
    with pytest.raises(CommandError):
        import_ledger(sheet(ledger_row(分值=9)), "--dry-run", "--user", "clerk_a")


def test_the_user_is_required(world, sheet):
    with pytest.raises(CommandError):
        import_ledger(sheet(ledger_row()))


def test_it_refuses_a_user_who_is_not_a_clerk(world, sheet):
    with pytest.raises(CommandError):
        import_ledger(sheet(ledger_row()), "--user", "reviewer_a")


def test_it_refuses_an_unknown_user(world, sheet):
    with pytest.raises(CommandError):
        import_ledger(sheet(ledger_row()), "--user", "nobody")


def test_it_refuses_a_file_that_is_not_a_workbook(world, tmp_path):
    path = tmp_path / "ledger.xlsx"
    path.write_text("not a workbook")

    with pytest.raises(CommandError):
        import_ledger(str(path), "--user", "clerk_a")


def test_it_refuses_a_missing_file(world, tmp_path):
    with pytest.raises(CommandError):
        import_ledger(str(tmp_path / "missing.xlsx"), "--user", "clerk_a")


def test_the_help_explains_why_the_user_is_needed(capsys):
    with pytest.raises(SystemExit):
        call_command("import_ledger", "--help")

    assert "entered" in capsys.readouterr().out
