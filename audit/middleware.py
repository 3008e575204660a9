import ipaddress
import uuid

from django.conf import settings

from . import context
from .models import Action, AuditEvent
from .services import audit_record

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def _address(value):
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request):
    """The address the audit log and the login lockout record.

    A client writes whatever it likes into X-Forwarded-For, and each proxy appends the address it was
    called from: only the last ``TRUSTED_PROXY_COUNT`` entries are our proxies' words. Without proxies
    in front the header is the client's own claim, and only the socket's address counts.
    """
    remote = _address(request.META.get("REMOTE_ADDR") or "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) < proxies:
        return remote
    return _address(hops[-proxies]) or remote


def _refused_write(request, response):
    """A write the portal refused: 403 for what the user may not change, or 404 for what lies outside
    their scope (answered as missing, so nothing is revealed, but an attempt all the same). An anonymous
    visitor's 404 is no one's attempt on a record: login-required pages send them to the login first.
    """
    if request.method not in UNSAFE_METHODS:
        return False
    if response.status_code == 403:
        return True
    user = getattr(request, "user", None)
    return response.status_code == 404 and user is not None and user.is_authenticated


def _audited(refusals):
    """Whether a refusal built while serving the request is in the log: one rolled back is not."""
    saved = [event.pk for event in refusals if event.pk is not None]
    return bool(saved) and AuditEvent.objects.filter(pk__in=saved).exists()


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request.headers.get("X-Request-ID", "")[:64] or uuid.uuid4().hex
        request.request_id = request_id
        refusals = []
        token = context.set_for_request(
            context.AuditContext(
                user=getattr(request, "user", None),
                ip=client_ip(request),
                request_id=request_id,
                source="web",
                refusals=refusals,
            )
        )
        try:
            response = self.get_response(request)
            if _refused_write(request, response) and not _audited(refusals):
                # A refused write is an event too: who tried to change what. The method, address and
                # answer only, nothing read from an object the user was refused.
                note = f"{request.method} {request.path} ({response.status_code})"
                audit_record(action=Action.DENIED, success=False, note=note[:500])
            response["X-Request-ID"] = request_id
            return response
        finally:
            context.reset(token)
