from datetime import date, datetime
from decimal import Decimal

from django.db.models.fields.files import FieldFile

from . import context
from .models import Action, AuditEvent


def _jsonable(value):
    if isinstance(value, FieldFile):
        return value.name
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _masked(instance, attname, value):
    mask = instance.AUDIT_MASKED_FIELDS.get(attname)
    return mask(value) if mask and value else _jsonable(value)


def _actor_fields(user):
    if user is None or not getattr(user, "is_authenticated", False):
        return {"actor_id": None, "actor_name": ""}
    return {"actor_id": user.pk, "actor_name": user.get_username()}


def _unit_id(unit, instance):
    if unit is not None:
        return getattr(unit, "pk", unit)
    audit_unit_id = getattr(instance, "audit_unit_id", None)
    return audit_unit_id() if audit_unit_id else None


def build_event(*, action, instance=None, changes=None, user=None, success=True, note="", model="", unit=None):
    """An unsaved event. ``unit`` (a unit or its id) files it under that unit; without it, under the
    unit of ``instance`` (AuditedModel.audit_unit_id), or at county level."""
    ctx = context.current()
    actor = user if user is not None else ctx.user
    event = AuditEvent(
        action=action,
        changes=changes or {},
        ip=ctx.ip,
        request_id=ctx.request_id,
        source=ctx.source,
        success=success,
        note=note or ctx.note,
        model=model,
        unit_id=_unit_id(unit, instance),
        **_actor_fields(actor),
    )
    if instance is not None:
        event.model = instance._meta.label_lower
        event.object_id = str(instance.pk)
        event.object_repr = str(instance)[:200]
    if action == Action.DENIED and ctx.refusals is not None:
        ctx.refusals.append(event)
    return event


def audit_record(*, action, instance=None, changes=None, user=None, success=True, note="", model="", unit=None):
    event = build_event(
        action=action,
        instance=instance,
        changes=changes,
        user=user,
        success=success,
        note=note,
        model=model,
        unit=unit,
    )
    event.save()
    return event


def diff_for_save(instance, created):
    """The changed fields of ``instance`` as {field: [before, after]} (before is None on create)."""
    after = instance.audit_values()
    before = {} if created else getattr(instance, "_audit_loaded", {})
    changes = {}
    for attname, new in after.items():
        old = before.get(attname)
        if created or old != new:
            if not created and attname not in before:
                continue
            changes[attname] = [_masked(instance, attname, old), _masked(instance, attname, new)]
    return changes


def diff_for_delete(instance):
    return {k: [_masked(instance, k, v), None] for k, v in instance.audit_values().items()}


def audit_bulk_created(objects, *, note=""):
    """Audit rows written with bulk_create (which sends no signals): one event per row."""
    events = [
        build_event(action=Action.CREATE, instance=obj, changes=diff_for_save(obj, True), note=note) for obj in objects
    ]
    AuditEvent.objects.bulk_create(events, batch_size=1000)
    for obj in objects:
        obj._audit_loaded = obj.audit_values()
