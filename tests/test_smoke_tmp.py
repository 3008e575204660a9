import pytest
from django.urls import reverse

def test_smoke(world, as_user):
    c = as_user(world.clerk)
    for url in [reverse("core:home"), reverse("records:cadre-list"), reverse("records:unit-list"),
                reverse("records:cadre-detail", args=[world.cadre_a.pk]), reverse("records:cadre-new"),
                reverse("records:cadre-edit", args=[world.cadre_a.pk]), reverse("records:cadre-transfer", args=[world.cadre_a.pk]),
                "/api/v1/cadres/", f"/api/v1/cadres/{world.cadre_a.pk}/"]:
        r = c.get(url)
        assert r.status_code == 200, (url, r.status_code)
    assert c.get(reverse("records:cadre-detail", args=[world.cadre_b.pk])).status_code == 404
    c = as_user(world.secadmin); assert c.get(reverse("accounts:role-list")).status_code == 200
    c = as_user(world.auditor); assert c.get(reverse("audit:event-list")).status_code == 200
    c = as_user(world.sysadmin); r = c.get("/admin/records/unit/"); assert r.status_code == 200, r.status_code
    assert c.get("/admin/accounts/user/").status_code == 200
