"""Plain rows for the demo ledger and the fast way to write them."""

from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import partial

from django.core.management.color import no_style
from django.db import connection

from records.models import EntryStatus, FaultToleranceRuling, PointRule, Sanction, TalkRecord

BATCH = 2000


@dataclass(slots=True)
class Entry:
    """A ledger row as plain data with its id drawn in advance: reversals, corrections and rulings
    point at it before it is written, and model instances would cost more than the insert."""

    id: int
    cadre_id: int
    unit_id: int
    month: date
    rule: PointRule
    points: Decimal
    effective_points: Decimal
    facts: str
    document_no: str
    occurred_on: date
    entered_by_id: int
    entered_at: datetime
    status: str = EntryStatus.PENDING
    decided_by_id: int | None = None
    decided_at: datetime | None = None
    return_reason: str = ""
    reverses_id: int | None = None
    corrects_id: int | None = None

    @property
    def rule_id(self):
        return self.rule.pk

    @property
    def rule_code(self):
        return self.rule.code

    @property
    def category(self):
        return self.rule.category


@dataclass
class Batch:
    entries: list = field(default_factory=list)
    followups: list = field(default_factory=list)  # reversals and corrections, written after their originals
    rulings: list = field(default_factory=list)
    sanctions: list = field(default_factory=list)
    talks: list = field(default_factory=list)


def _adapter(field):
    kind = field.get_internal_type()
    if kind == "DateTimeField":
        return connection.ops.adapt_datetimefield_value
    if kind == "DateField":
        return connection.ops.adapt_datefield_value
    if kind == "DecimalField":
        return partial(
            connection.ops.adapt_decimalfield_value, max_digits=field.max_digits, decimal_places=field.decimal_places
        )
    return None


def insert_rows(model, rows):
    """INSERT ``rows`` (objects carrying the model's attnames, ids included) by executemany.

    bulk_create compiles each of the ~1.4 million values of a 70,000-entry year through the ORM, which
    was two thirds of the seeding time; here each value goes through the backend's adapter only.
    """
    ops, fields = connection.ops, model._meta.concrete_fields
    adapters = [(f.attname, _adapter(f)) for f in fields]
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - quoted identifiers, values as parameters
        ops.quote_name(model._meta.db_table),
        ", ".join(ops.quote_name(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(
                sql,
                [
                    [adapt(getattr(row, name)) if adapt else getattr(row, name) for name, adapt in adapters]
                    for row in rows[start : start + BATCH]
                ],
            )


def reset_sequence(model):
    """Move the table's id sequence past ids drawn by the seeder (a no-op on SQLite)."""
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [model]):
            cursor.execute(sql)


@contextmanager
def own_timestamps():
    """bulk_create stamps auto_now_add fields with the current time; the demo's history is in the past."""
    fields = [
        FaultToleranceRuling._meta.get_field("applied_at"),
        Sanction._meta.get_field("entered_at"),
        TalkRecord._meta.get_field("entered_at"),
    ]
    for f in fields:
        f.auto_now_add = False
    try:
        yield
    finally:
        for f in fields:
            f.auto_now_add = True
