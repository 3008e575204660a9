"""Who is acting, from where: set per request by the middleware, or by commands and tasks."""

import contextlib
import uuid
from contextvars import ContextVar
from dataclasses import dataclass, field, replace


@dataclass(frozen=True)
class AuditContext:
    user: object = None
    ip: str | None = None
    request_id: str = ""
    source: str = ""
    # Why the writes in the block were made (a correction's or withdrawal's reason): the note of
    # the events they record.
    note: str = ""
    # The refusals (denied events) built while one request is served, shared by the contexts ``acting``
    # derives from its own: the middleware records a refused write only when nothing in the request
    # has. None outside a request.
    refusals: list | None = field(default=None, compare=False)


_current: ContextVar[AuditContext] = ContextVar("audit_context", default=AuditContext())  # noqa: B039


def current() -> AuditContext:
    return _current.get()


@contextlib.contextmanager
def acting(*, user=None, source="", ip=None, request_id=None, note=""):
    """Attribute the writes inside the block to ``user`` (e.g. in a management command or task),
    and give their audit events ``note``."""
    ctx = replace(
        current(),
        user=user if user is not None else current().user,
        source=source or current().source,
        ip=ip if ip is not None else current().ip,
        request_id=request_id or current().request_id or uuid.uuid4().hex,
        note=note or current().note,
    )
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)


def set_for_request(ctx: AuditContext):
    return _current.set(ctx)


def reset(token):
    _current.reset(token)
