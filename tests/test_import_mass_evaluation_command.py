"""python manage.py import_mass_evaluation FILE [--dry-run] --user USERNAME"""

import re
from datetime import datetime
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command

from assessments.models import QuarterlyReview
from assessments.services import review_cycle_open
from audit.models import Action, AuditEvent
from tests.test_mass_import import OFFICE, mass_bytes, mass_row, review_of, score


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime(2026, 11, 21, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


@pytest.fixture
def cycle(world):
    review_cycle_open(unit=world.county, year=2026, quarter=3)


@pytest.fixture
def sheet(tmp_path):
    def write(*rows):
        path = tmp_path / "评议.xlsx"
        path.write_bytes(mass_bytes(*rows))
        return str(path)

    return write


def import_mass(*args):
    out, err = StringIO(), StringIO()
    call_command("import_mass_evaluation", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def scored():
    return QuarterlyReview.objects.filter(mass_score__isnull=False)


def test_it_records_the_scores_under_the_user_and_prints_the_counts(world, cycle, sheet):
    score(review_of(world.cadre_a), world.reviewer, "90")

    out, _err = import_mass(sheet(mass_row(), mass_row(**OFFICE, 群众评议得分=80)), "--user", "clerk_a")

    # Two reviews updated, none unchanged, one quarter score recomputed (in whatever order the language puts them).
    assert sorted(re.findall(r"\d+", out)) == ["0", "1", "2"]
    assert review_of(world.cadre_a).mass_score == Decimal("92.50")
    assert review_of(world.cadre_a_office).mass_score == Decimal("80.00")
    summary = AuditEvent.objects.get(action=Action.IMPORT)
    assert (summary.source, summary.actor_name, summary.note) == (
        "command:import_mass_evaluation",
        "clerk_a",
        "评议.xlsx",
    )
    updates = AuditEvent.objects.filter(action=Action.UPDATE, source="command:import_mass_evaluation")
    assert updates.count() == 2 and {e.actor_name for e in updates} == {"clerk_a"}


def test_a_reviewer_may_run_it(world, cycle, sheet):
    import_mass(sheet(mass_row()), "--user", "reviewer_a")

    assert review_of(world.cadre_a).mass_score == Decimal("92.50")


def test_it_prints_each_error_in_chinese_with_its_row_and_exits_1_writing_nothing(world, cycle, sheet):
    events = AuditEvent.objects.count()
    path = sheet(mass_row(), mass_row(**OFFICE, 群众评议得分=101), mass_row(干部编号="B0001", 姓名="赵强"))
    err = StringIO()

    with pytest.raises(CommandError) as raised:
        call_command("import_mass_evaluation", path, "--user", "clerk_a", stderr=err)

    assert raised.value.returncode == 1
    assert "2" in str(raised.value)
    lines = err.getvalue().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("第3行") and "群众评议得分" in lines[0]
    assert lines[1].startswith("第4行") and "干部编号" in lines[1] and "B0001" in lines[1]
    assert not scored().exists()
    assert AuditEvent.objects.count() == events


def test_a_dry_run_checks_and_writes_nothing(world, cycle, sheet):
    events = AuditEvent.objects.count()

    out, _err = import_mass(sheet(mass_row()), "--dry-run", "--user", "clerk_a")

    assert sorted(re.findall(r"\d+", out)) == ["0", "0", "1"]
    assert not scored().exists()
    assert AuditEvent.objects.count() == events


def test_a_dry_run_with_errors_also_exits_1(world, cycle, sheet):
    with pytest.raises(CommandError):
        import_mass(sheet(mass_row(季度=2)), "--dry-run", "--user", "clerk_a")


def test_the_user_is_required(world, cycle, sheet):
    with pytest.raises(CommandError):
        import_mass(sheet(mass_row()))


@pytest.mark.parametrize("username", ["committee", "sysadmin", "outsider"])
def test_it_refuses_a_user_who_is_neither_clerk_nor_reviewer(world, cycle, sheet, username):
    with pytest.raises(CommandError):
        import_mass(sheet(mass_row()), "--user", username)


def test_it_refuses_an_unknown_user(world, sheet):
    with pytest.raises(CommandError):
        import_mass(sheet(mass_row()), "--user", "nobody")


def test_it_refuses_a_file_that_is_not_a_workbook(world, tmp_path):
    path = tmp_path / "评议.xlsx"
    path.write_text("not a workbook")

    with pytest.raises(CommandError):
        import_mass(str(path), "--user", "clerk_a")


def test_it_refuses_a_missing_file(world, tmp_path):
    with pytest.raises(CommandError):
        import_mass(str(tmp_path / "missing.xlsx"), "--user", "clerk_a")


def test_the_help_names_the_columns(capsys):
    with pytest.raises(SystemExit):
        call_command("import_mass_evaluation", "--help")

    assert "群众评议得分" in capsys.readouterr().out
