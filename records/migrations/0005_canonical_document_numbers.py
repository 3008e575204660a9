from django.db import IntegrityError, migrations, transaction

from records.document_numbers import canonical_document_no

SOURCE = "migration records.0005"


# (model, its document number field, the unit its events are filed under)
REWRITTEN = (
    ("LedgerEntry", "document_no", "unit_id"),
    ("Sanction", "document_no", "cadre__unit_id"),
    ("FaultToleranceRuling", "filing_document_no", "entry__unit_id"),
)


def forward(apps, schema_editor):
    """Rewrite every document number (文号) of ledger entries, sanctions and rulings' filings in its
    canonical form.

    A row whose canonical form would repeat one recorded already (a ledger entry's fact under
    ``ledger_same_fact_once``, a sanction under ``unique_sanction_per_document``) is left as it is:
    it is that fact recorded twice, for a person to resolve (withdraw, or reverse), and a migration
    must not fail on it. Each row is rewritten in its own savepoint, so the clash is found by the
    database under the constraint's own condition, and the earlier row (by id) keeps the canonical
    form. Every rewrite gets its audit event.
    """
    db = schema_editor.connection.alias
    AuditEvent = apps.get_model("audit", "AuditEvent")
    events = []
    for name, field, unit in REWRITTEN:
        model = apps.get_model("records", name)
        max_length = model._meta.get_field(field).max_length
        rows = model.objects.using(db).exclude(**{field: ""}).order_by("pk")
        # Read to the end before writing: SQLite must not update a table a cursor is still reading.
        changes = [
            (pk, unit_id, old, new)
            for pk, unit_id, old in rows.values_list("pk", unit, field).iterator(chunk_size=5000)
            if (new := canonical_document_no(old)) != old and len(new) <= max_length
        ]
        for pk, unit_id, old, new in changes:
            try:
                with transaction.atomic(using=db):
                    model.objects.using(db).filter(pk=pk).update(**{field: new})
            except IntegrityError:
                continue
            events.append(
                AuditEvent(
                    action="update",
                    model=f"records.{name.lower()}",
                    object_id=str(pk),
                    object_repr=new,
                    unit_id=unit_id,
                    changes={field: [old, new]},
                    source=SOURCE,
                )
            )
    AuditEvent.objects.using(db).bulk_create(events, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0004_entry_attachments"),
        ("audit", "0004_auditevent_unit_id"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
