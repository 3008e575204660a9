from django.db import IntegrityError, migrations, transaction

from records.document_numbers import canonical_document_no

SOURCE = "migration records.0005"


def forward(apps, schema_editor):
    """Rewrite every ledger entry's document number (文号) in its canonical form.

    A row whose canonical form would repeat a fact already recorded under it (the database's
    ``ledger_same_fact_once``) is left as it is: it is that fact scored twice, for a person to
    resolve (withdraw, or reverse), and a migration must not fail on it. Each row is rewritten in
    its own savepoint, so the clash is found by the database under the constraint's own condition,
    and the earlier entry (by id) keeps the canonical form. Every rewrite gets its audit event.
    """
    db = schema_editor.connection.alias
    LedgerEntry = apps.get_model("records", "LedgerEntry")
    AuditEvent = apps.get_model("audit", "AuditEvent")
    max_length = LedgerEntry._meta.get_field("document_no").max_length
    rows = LedgerEntry.objects.using(db).exclude(document_no="").order_by("pk")
    # Read to the end before writing: SQLite must not update a table a cursor is still reading.
    changes = [
        (pk, unit_id, old, new)
        for pk, unit_id, old in rows.values_list("pk", "unit_id", "document_no").iterator(chunk_size=5000)
        if (new := canonical_document_no(old)) != old and len(new) <= max_length
    ]
    events = []
    for pk, unit_id, old, new in changes:
        try:
            with transaction.atomic(using=db):
                LedgerEntry.objects.using(db).filter(pk=pk).update(document_no=new)
        except IntegrityError:
            continue
        events.append(
            AuditEvent(
                action="update",
                model="records.ledgerentry",
                object_id=str(pk),
                object_repr=new,
                unit_id=unit_id,
                changes={"document_no": [old, new]},
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
