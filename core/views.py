from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.db.models import Count
from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts.models import RoleAssignment
from accounts.roles import can_read_records
from records.selectors import cadres_visible_to


@login_required
@require_http_methods(["GET"])
def home(request):
    assignments = RoleAssignment.objects.filter(user=request.user).select_related("scope").order_by("role")
    status_counts = []
    if can_read_records(request.user):
        status_counts = list(
            cadres_visible_to(request.user).values("status").annotate(n=Count("id")).order_by("status")
        )
    return render(request, "core/home.html", {"assignments": assignments, "status_counts": status_counts})


def _database_ok():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # noqa: BLE001 - any failure means "not healthy"
        return False


def _broker_ok():
    if not settings.CELERY_BROKER_URL:
        return None
    from cadre_portal.celery import app

    try:
        with app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:  # noqa: BLE001
        return False


@never_cache
@require_http_methods(["GET", "HEAD"])
def healthz(request):
    checks = {"database": _database_ok()}
    broker = _broker_ok()
    if broker is not None:
        checks["broker"] = broker
    healthy = all(checks.values())
    return JsonResponse({"status": "ok" if healthy else "unavailable", **checks}, status=200 if healthy else 503)


@require_http_methods(["GET", "HEAD"])
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page links; send them to the static icon."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))
