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


def _unit_form(unit, parent):
    return {"code": unit.code, "name": unit.name, "kind": unit.kind, "parent": parent.pk if parent else "", "order": 0}


@pytest.mark.parametrize("target", ["town_a", "office_a"])
def test_moving_a_unit_under_itself_or_its_subunit_shows_the_error_on_the_form(world, as_user, target):
    response = as_user(world.sysadmin).post(
        f"/admin/records/unit/{world.town_a.pk}/change/", _unit_form(world.town_a, getattr(world, target))
    )
    assert response.status_code == 200
    assert "单位不能移到自身或其下级单位之下" in " ".join(response.context["adminform"].form.errors["parent"])
    world.town_a.refresh_from_db()
    assert world.town_a.parent == world.county and world.town_a.depth == 1


def test_a_new_unit_needs_a_parent_or_nobody_could_see_it(world, as_user):
    response = as_user(world.sysadmin).post(
        "/admin/records/unit/add/", {"code": "R2", "name": "另一个县", "kind": "党委", "parent": "", "order": 0}
    )
    assert response.status_code == 200
    assert "请选择上级单位" in " ".join(response.context["adminform"].form.errors["parent"])
    assert not Unit.objects.filter(code="R2").exists()


def test_a_unit_cannot_be_moved_to_the_top_level(world, as_user):
    response = as_user(world.sysadmin).post(
        f"/admin/records/unit/{world.town_b.pk}/change/", _unit_form(world.town_b, None)
    )
    assert response.status_code == 200 and response.context["adminform"].form.errors["parent"]
    world.town_b.refresh_from_db()
    assert world.town_b.parent == world.county


def test_the_top_level_unit_itself_is_still_edited_without_a_parent(world, as_user):
    data = _unit_form(world.county, None) | {"name": "青山县委"}
    response = as_user(world.sysadmin).post(f"/admin/records/unit/{world.county.pk}/change/", data)
    assert response.status_code == 302
    world.county.refresh_from_db()
    assert world.county.name == "青山县委" and world.county.parent is None
