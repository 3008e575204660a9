"""One-statement bulk upserts.

On PostgreSQL the rows travel as one array per column (``INSERT … SELECT … FROM unnest(…) ON
CONFLICT … DO UPDATE``): one statement whatever the number of rows, and no per-value preparation by
the ORM. Elsewhere (the embedded SQLite demo) ``bulk_create`` with ``update_conflicts`` does it.
"""

import json

from django.db import connection


def _prepared(field, value):
    if value is None:
        return None
    if field.get_internal_type() == "JSONField":
        return json.dumps(value, ensure_ascii=False)
    return value


def upsert(model, rows, *, unique, update):
    """Insert ``rows`` (dicts of column → value covering every NOT NULL column) into ``model``'s
    table; on a conflict of the ``unique`` columns, overwrite the ``update`` columns only."""
    if not rows:
        return 0
    fields = {f.column: f for f in model._meta.concrete_fields if not f.primary_key}
    columns = list(rows[0])
    if connection.vendor != "postgresql":
        objs = [model(**{fields[c].attname: r[c] for c in columns}) for r in rows]
        model.objects.bulk_create(
            objs,
            update_conflicts=bool(update),
            ignore_conflicts=not update,
            unique_fields=[fields[c].name for c in unique] if update else None,
            update_fields=[fields[c].name for c in update] if update else None,
            batch_size=2000,
        )
        return len(rows)
    arrays = [[_prepared(fields[c], r[c]) for r in rows] for c in columns]
    types = [fields[c].db_type(connection) for c in columns]
    quoted = [connection.ops.quote_name(c) for c in columns]
    unnest = ", ".join(f"%s::{t}[]" for t in types)
    conflict = (
        "DO UPDATE SET "
        + ", ".join(f"{connection.ops.quote_name(c)} = EXCLUDED.{connection.ops.quote_name(c)}" for c in update)
        if update
        else "DO NOTHING"
    )
    # Only quoted names and types from the model are interpolated; every value is a parameter.
    table = connection.ops.quote_name(model._meta.db_table)
    keys = ", ".join(connection.ops.quote_name(c) for c in unique)
    sql = f"INSERT INTO {table} ({', '.join(quoted)}) SELECT * FROM unnest({unnest}) ON CONFLICT ({keys}) {conflict}"  # noqa: S608, E501
    with connection.cursor() as cursor:
        cursor.execute(sql, arrays)
    return len(rows)


def defaults(model):
    """Column → default value of every non-key column (what a new row gets unless told otherwise)."""
    return {f.column: f.get_default() for f in model._meta.concrete_fields if not f.primary_key}
