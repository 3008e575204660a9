import uuid

from . import context
from .models import Action
from .services import audit_record

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def client_ip(request):
    # Behind the compose proxy the real address arrives in X-Forwarded-For; trust only its first hop.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    return forwarded.split(",")[0].strip() or request.META.get("REMOTE_ADDR") or None


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
