import pytest

from audit.models import AuditEvent
from records.models import CategoryCap, PointRule, SanctionMeasure


def test_the_system_admin_edits_a_category_cap(world, as_user):
    cap = CategoryCap.objects.get(category="急难险重")
    client = as_user(world.sysadmin)
    assert client.get("/admin/records/categorycap/").status_code == 200
    response = client.post(
        f"/admin/records/categorycap/{cap.pk}/change/",
        {"category": "急难险重", "from_year": "2000", "monthly_cap": "8", "annual_cap": "24"},
    )
    assert response.status_code == 302
    cap.refresh_from_db()
    assert (cap.monthly_cap, cap.annual_cap) == (8, 24)
    event = AuditEvent.objects.filter(model="records.categorycap", object_id=str(cap.pk)).latest("id")
    assert event.actor_name == "sysadmin"


def test_a_category_cap_must_be_positive(world, as_user):
    cap = CategoryCap.objects.get(category="急难险重")
    response = as_user(world.sysadmin).post(
        f"/admin/records/categorycap/{cap.pk}/change/",
        {"category": "急难险重", "from_year": "2000", "monthly_cap": "-1", "annual_cap": ""},
    )
    assert response.status_code == 200
    cap.refresh_from_db()
    assert cap.monthly_cap == 6


def test_the_system_admin_edits_a_sanction_measure(world, as_user):
    measure = SanctionMeasure.objects.get(kind="诫勉", name="诫勉")
    response = as_user(world.sysadmin).post(
        f"/admin/records/sanctionmeasure/{measure.pk}/change/",
        {"kind": "诫勉", "name": "诫勉", "promotion_bar_months": "12", "post_bar_months": "0", "order": "9"},
    )
    assert response.status_code == 302
    measure.refresh_from_db()
    assert (measure.promotion_bar_months, measure.blocks_excellent) == (12, False)


def test_the_system_admin_adds_a_sanction_measure(world, as_user):
    response = as_user(world.sysadmin).post(
        "/admin/records/sanctionmeasure/add/",
        {"kind": "组织处理", "name": "调离岗位", "promotion_bar_months": "12", "post_bar_months": "0", "order": "11"},
    )
    assert response.status_code == 302
    assert SanctionMeasure.objects.filter(name="调离岗位").exists()


@pytest.mark.parametrize("model", ["categorycap", "sanctionmeasure", "pointrule"])
def test_nothing_is_deleted_from_the_admin(world, as_user, model):
    obj = {"categorycap": CategoryCap, "sanctionmeasure": SanctionMeasure, "pointrule": PointRule}[
        model
    ].objects.first()
    assert as_user(world.sysadmin).get(f"/admin/records/{model}/{obj.pk}/delete/").status_code == 403


def test_point_rules_are_listed_read_only(world, as_user):
    rule = PointRule.objects.get(code="JN04")
    client = as_user(world.sysadmin)
    listing = client.get("/admin/records/pointrule/")
    assert listing.status_code == 200 and "JN04" in listing.text
    assert client.get("/admin/records/pointrule/add/").status_code == 403
    response = client.post(
        f"/admin/records/pointrule/{rule.pk}/change/", {"name": "改名", "min_points": "1", "max_points": "9"}
    )
    assert response.status_code == 403
    rule.refresh_from_db()
    assert (rule.name, rule.max_points) == ("重点项目攻坚任务", 3)
    assert client.get(f"/admin/records/pointrule/{rule.pk}/change/").status_code == 200


@pytest.mark.parametrize("role", ["clerk", "reviewer", "committee", "secadmin", "auditor", "outsider"])
def test_the_ledger_settings_are_closed_to_everyone_but_the_system_admin(world, as_user, role):
    client = as_user(getattr(world, role))
    for model in ("categorycap", "sanctionmeasure", "pointrule"):
        assert client.get(f"/admin/records/{model}/").status_code == 302


def test_new_category_caps_from_a_year_on_are_a_new_row_and_the_year_cannot_be_taken_twice(world, as_user):
    client = as_user(world.sysadmin)
    response = client.post(
        "/admin/records/categorycap/add/",
        {"category": "急难险重", "from_year": "2026", "monthly_cap": "8", "annual_cap": "24"},
    )
    assert response.status_code == 302
    assert list(CategoryCap.objects.filter(category="急难险重").values_list("from_year", flat=True)) == [2000, 2026]
    again = client.post(
        "/admin/records/categorycap/add/",
        {"category": "急难险重", "from_year": "2026", "monthly_cap": "9", "annual_cap": ""},
    )
    assert again.status_code == 200  # the form again, with the error
    assert CategoryCap.objects.filter(category="急难险重").count() == 2
