import pytest

from records.models import Unit, UnitClosure


def test_the_system_admin_manages_units_through_the_admin(world, as_user):
    client = as_user(world.sysadmin)
    response = client.post(
        "/admin/records/unit/add/",
        {"code": "TA2", "name": "东岭镇财政所", "kind": "乡镇街道", "parent": world.town_a.pk, "order": 2},
    )
    assert response.status_code == 302
    unit = Unit.objects.get(code="TA2")
    assert unit.depth == 2
    assert UnitClosure.objects.filter(ancestor=world.county, descendant=unit, distance=2).exists()


def test_moving_a_unit_in_the_admin_keeps_the_tree_consistent(world, as_user):
    client = as_user(world.sysadmin)
    client.post(
        f"/admin/records/unit/{world.office_a.pk}/change/",
        {"code": "TA1", "name": "东岭镇党政办", "kind": "乡镇街道", "parent": world.town_b.pk, "order": 0},
    )
    assert UnitClosure.objects.filter(ancestor=world.town_b, descendant=world.office_a).exists()
    assert not UnitClosure.objects.filter(ancestor=world.town_a, descendant=world.office_a).exists()


@pytest.mark.parametrize("role", ["clerk", "reviewer", "committee", "secadmin", "auditor", "outsider"])
def test_the_admin_is_closed_to_everyone_but_the_system_admin(world, as_user, role):
    client = as_user(getattr(world, role))
    assert client.get("/admin/").status_code == 302
    assert client.get("/admin/records/unit/").status_code == 302


def test_a_superuser_flag_alone_does_not_open_the_admin(world, as_user):
    world.outsider.is_superuser = world.outsider.is_staff = True
    world.outsider.save()
    assert as_user(world.outsider).get("/admin/").status_code == 302


def test_cadres_are_not_in_the_admin(world, as_user):
    assert as_user(world.sysadmin).get("/admin/records/cadre/").status_code == 404


def test_the_admin_cannot_delete_units(world, as_user):
    response = as_user(world.sysadmin).get(f"/admin/records/unit/{world.town_b.pk}/delete/")
    assert response.status_code == 403
