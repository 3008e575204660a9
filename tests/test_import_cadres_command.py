"""python manage.py import_cadres FILE [--dry-run] [--user USERNAME]"""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from audit.models import Action, AuditEvent
from records.models import Cadre
from tests.test_roster_import import roster_bytes, roster_row


@pytest.fixture
def roster(tmp_path):
    def write(*rows):
        path = tmp_path / "名册.xlsx"
        path.write_bytes(roster_bytes(*rows))
        return str(path)

    return write


def import_cadres(*args):
    out, err = StringIO(), StringIO()
    call_command("import_cadres", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_imports_and_prints_the_counts(world, roster):
    out, _err = import_cadres(roster(roster_row(), roster_row(干部编号="A0001", 姓名="李明", 职务="副镇长")))

    assert Cadre.objects.filter(staff_no="N0001").exists()
    assert "1" in out
    event = AuditEvent.objects.get(action=Action.IMPORT)
    assert (event.source, event.actor_name, event.note) == ("command:import_cadres", "", "名册.xlsx")


def test_it_prints_each_error_with_its_row_and_column_and_writes_nothing(world, roster):
    events = AuditEvent.objects.count()
    path = roster(roster_row(), roster_row(干部编号="N0002", 职级="科长"), roster_row(干部编号="N0003", 手机号="1"))
    err = StringIO()

    with pytest.raises(CommandError) as raised:
        call_command("import_cadres", path, stderr=err)

    assert raised.value.returncode == 1
    lines = err.getvalue().splitlines()
    assert len(lines) == 2
    assert "3" in lines[0] and "职级" in lines[0] and "科长" in lines[0]
    assert "4" in lines[1] and "手机号" in lines[1]
    assert not Cadre.objects.filter(staff_no="N0001").exists()
    assert AuditEvent.objects.count() == events


def test_a_dry_run_writes_nothing(world, roster):
    events = AuditEvent.objects.count()

    out, _err = import_cadres(roster(roster_row()), "--dry-run")

    assert out
    assert not Cadre.objects.filter(staff_no="N0001").exists()
    assert AuditEvent.objects.count() == events


def test_a_user_limits_the_units_and_is_named_in_the_audit(world, roster):
    with pytest.raises(CommandError):
        import_cadres(roster(roster_row(单位编码="TB")), "--user", "clerk_a")

    import_cadres(roster(roster_row(单位编码="TA1")), "--user", "clerk_a")

    created = AuditEvent.objects.get(action=Action.CREATE, model="records.cadre", object_repr__contains="N0001")
    assert (created.actor_name, created.source) == ("clerk_a", "command:import_cadres")


def test_it_refuses_a_user_who_is_not_a_clerk(world, roster):
    with pytest.raises(CommandError):
        import_cadres(roster(roster_row()), "--user", "reviewer_a")


def test_it_refuses_a_file_that_is_not_a_workbook(world, tmp_path):
    path = tmp_path / "roster.xlsx"
    path.write_text("not a workbook")

    with pytest.raises(CommandError):
        import_cadres(str(path))


def test_it_refuses_a_missing_file(world, tmp_path):
    with pytest.raises(CommandError):
        import_cadres(str(tmp_path / "missing.xlsx"))
