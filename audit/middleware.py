import ipaddress
import uuid

from django.conf import settings

from . import context
from .models import Action
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


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request.headers.get("X-Request-ID", "")[:64] or uuid.uuid4().hex
        request.request_id = request_id
        token = context.set_for_request(
            context.AuditContext(
                user=getattr(request, "user", None),
                ip=client_ip(request),
                request_id=request_id,
                source="web",
            )
        )
        try:
            response = self.get_response(request)
            if request.method in UNSAFE_METHODS and response.status_code == 403:
                # A refused write is an event too: who tried to change what.
                audit_record(action=Action.DENIED, success=False, note=f"{request.method} {request.path}"[:500])
            response["X-Request-ID"] = request_id
            return response
        finally:
            context.reset(token)
