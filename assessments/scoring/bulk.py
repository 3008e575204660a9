"""One-statement bulk writes.

On PostgreSQL the rows travel as one array per column, each array sent as a single text parameter
in PostgreSQL's array syntax (``'{1.5,NULL,"办公室"}'``) and cast to the column's type (a JSON
column as one JSON array instead; a value every row shares is sent once):
``INSERT … SELECT … FROM unnest(%s::numeric(8, 1)[], …) ON CONFLICT … DO UPDATE`` and
``UPDATE … FROM unnest(…)``. One statement whatever the number of rows, no per-value preparation
by the ORM, and the server parses one literal per column instead of an ``ARRAY[…]`` expression of
one node per value (which, at 20,000 rows of 40 columns, took three times as long as the writing).
Elsewhere (the embedded SQLite demo) ``bulk_create`` with ``update_conflicts`` and ``bulk_update``
do it. ``Pipeline`` runs such writes (and queries) in the background on the same transaction;
``Beside`` runs a read on a second connection that sees what this transaction sees.
"""

import json
import queue
import threading
from concurrent.futures import Future
from datetime import date, datetime

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction

_NUMBER_TYPES = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "DecimalField",
    "FloatField",
    "ForeignKey",
    "IntegerField",
    "OneToOneField",
    "PositiveBigIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SmallIntegerField",
}


def _quoted(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _element_writer(field):
    """value → the element's text in an array literal (None → NULL) for this field's column (not a
    JSON column: those travel as one JSON array, see ``_unnest``)."""
    kind = field.get_internal_type()
    if kind in _NUMBER_TYPES:
        return lambda v: "NULL" if v is None else str(v)
    if kind == "BooleanField":
        return lambda v: "NULL" if v is None else ("t" if v else "f")

    written = {}  # text columns repeat their values (grades, categories, one timestamp): write each once

    def text(v):
        if v is None:
            return "NULL"
        element = written.get(v)
        if element is None:
            element = written[v] = _quoted(v.isoformat() if isinstance(v, date | datetime) else str(v))
        return element

    return text


def array_literal(field, values):
    """``values`` of ``field``'s column as one PostgreSQL array literal (text)."""
    write = _element_writer(field)
    return "{" + ",".join(map(write, values)) + "}"


def _columns(model):
    return {f.column: f for f in model._meta.concrete_fields}


def _same(values):
    """(value,) when every one of ``values`` is that value, else None."""
    first = values[0]
    if isinstance(first, dict | list) or any(v != first for v in values):
        return None
    return (first,)


# A JSON column travels as one JSON array (one call of the C encoder for the whole column instead
# of one per value, and no array-literal quoting), unpacked in order into ``jsonb[]``; a Python None
# is SQL NULL, as in the array literals.
_JSON_COLUMN = (
    "ARRAY(SELECT NULLIF(e, 'null'::jsonb) FROM jsonb_array_elements(%s::jsonb) WITH ORDINALITY AS j(e, i) ORDER BY i)"
)
_json_text = json.JSONEncoder(ensure_ascii=False).encode


def _unnest(fields, columns, rows):
    """A source of ``rows`` with the columns in order, and its parameters: ``(SELECT …, u.c, … FROM
    unnest(%s::type[], …) AS u(c, …))`` with one array literal per column (a JSON array for a JSON
    column), except that a column holding the same value in every row (a new summary's empty note,
    the run's timestamp) is one parameter in the SELECT. The first column always travels as an
    array (it gives the row count)."""
    q = connection.ops.quote_name
    selected, scalars, arrays, arguments, names = [], [], [], [], []
    for i, c in enumerate(columns):
        values = [r[c] for r in rows]
        shared = _same(values) if i else None
        kind = fields[c].db_type(connection)
        is_json = fields[c].get_internal_type() == "JSONField"
        if shared is None:
            selected.append(f"u.{q(c)}")
            if is_json:
                arrays.append(_json_text(values))
                arguments.append(_JSON_COLUMN)
            else:
                arrays.append(array_literal(fields[c], values))
                arguments.append(f"%s::{kind}[]")
            names.append(q(c))
        else:
            (value,) = shared
            if value is not None and is_json:
                value = _json_text(value)
            selected.append(f"%s::{kind} AS {q(c)}")
            scalars.append(value)
    # Only quoted names and types from the model are interpolated; every value is a parameter.
    source = f"unnest({', '.join(arguments)}) AS u({', '.join(names)})"
    return f"(SELECT {', '.join(selected)} FROM {source})", [*scalars, *arrays]  # noqa: S608


def upsert(model, rows, *, unique, update):
    """Insert ``rows`` (dicts of column → value covering every NOT NULL column) into ``model``'s
    table; on a conflict of the ``unique`` columns, overwrite the ``update`` columns only."""
    if not rows:
        return 0
    if connection.vendor != "postgresql":
        fields = _columns(model)
        columns = list(rows[0])
        objs = [model(**{fields[c].attname: r[c] for c in columns}) for r in rows]
        # No ``ignore_conflicts`` for "do nothing": on SQLite that is INSERT OR IGNORE, which would
        # also skip a row breaking a CHECK or NOT NULL constraint without a word. Setting a unique
        # column to the value it has is the same "do nothing" on a conflict, and errors still raise.
        model.objects.bulk_create(
            objs,
            update_conflicts=True,
            unique_fields=[fields[c].name for c in unique],
            update_fields=[fields[c].name for c in (update or unique[:1])],
            batch_size=2000,
        )
        return len(rows)
    _execute(*_upsert_statement(model, rows, unique, update))
    return len(rows)


def _upsert_statement(model, rows, unique, update):
    fields = _columns(model)
    columns = list(rows[0])
    q = connection.ops.quote_name
    source, params = _unnest(fields, columns, rows)
    conflict = "DO UPDATE SET " + ", ".join(f"{q(c)} = EXCLUDED.{q(c)}" for c in update) if update else "DO NOTHING"
    # Only quoted names and types from the model are interpolated; every value is a parameter.
    table = q(model._meta.db_table)
    keys = ", ".join(q(c) for c in unique)
    names = ", ".join(map(q, columns))
    sql = f"INSERT INTO {table} ({names}) SELECT * FROM {source} AS s ON CONFLICT ({keys}) {conflict}"  # noqa: S608
    return sql, params


def update(model, rows, columns):
    """Set ``columns`` of the rows named by their primary key (dicts of column → value, the key
    included), in one statement."""
    if not rows:
        return 0
    if connection.vendor != "postgresql":
        fields = _columns(model)
        pk = model._meta.pk.column
        attnames = {c: fields[c].attname for c in (pk, *columns)}
        objs = [model(**{attnames[c]: r[c] for c in (pk, *columns)}) for r in rows]
        model.objects.bulk_update(objs, [fields[c].name for c in columns], batch_size=1000)
        return len(rows)
    _execute(*_update_statement(model, rows, columns))
    return len(rows)


def _update_statement(model, rows, columns):
    fields = _columns(model)
    pk = model._meta.pk.column
    q = connection.ops.quote_name
    source, params = _unnest(fields, [pk, *columns], rows)
    assignments = ", ".join(f"{q(c)} = v.{q(c)}" for c in columns)
    table = q(model._meta.db_table)
    sql = f"UPDATE {table} SET {assignments} FROM {source} AS v WHERE {table}.{q(pk)} = v.{q(pk)}"  # noqa: S608
    return sql, params


def _execute(sql, params, db=None):
    with (db or connection).cursor() as cursor:
        cursor.execute(sql, params)


class Pipeline:
    """Work that runs on this transaction's connection from a second thread, one piece after
    another, while the caller goes on in Python (PostgreSQL only; elsewhere each piece runs at once):
    ``upsert`` and ``update`` as above, and ``call`` for a function that queries (its ORM and
    ``connection`` are the caller's connection there).

    The server's time then overlaps the caller's own: a recompute builds the cadres' rows while the
    ledger statement runs, and evaluates the flags while its summaries are written. Write statements
    are built in the caller's thread; the driver lets go of the interpreter while the server works.
    The foreign keys of the rows written are checked at once, in the background, instead of at the
    commit: ``SET CONSTRAINTS ALL IMMEDIATE`` before the first write and ``… DEFERRED`` (Django's
    setting for all of them) when the pipeline closes.

    Between the first piece and the end of the ``with`` block the caller must not use the database
    (the connection runs one statement at a time) except through ``Future.result()`` of a call.
    Leaving the block waits for the rest; the first piece that failed raises there (the transaction
    is then aborted and rolls back as usual).
    """

    def __init__(self):
        self._db = connections[DEFAULT_DB_ALIAS]  # this thread's connection, not the per-thread proxy
        self._background = self._db.vendor == "postgresql"
        self._queue = None
        self._thread = None
        self._error = None
        self._immediate = False

    def __enter__(self):
        return self

    def upsert(self, model, rows, *, unique, update):
        if not rows:
            return 0
        if not self._background:
            return upsert(model, rows, unique=unique, update=update)
        self._write(*_upsert_statement(model, rows, unique, update))
        return len(rows)

    def update(self, model, rows, columns):
        if not rows:
            return 0
        if not self._background:
            return update(model, rows, columns)
        self._write(*_update_statement(model, rows, columns))
        return len(rows)

    def call(self, function, *args, **kwargs):
        """``function(*args, **kwargs)`` in the background: a ``Future`` of its result."""
        future = Future()
        if not self._background:
            try:
                future.set_result(function(*args, **kwargs))
            except Exception as exc:
                future.set_exception(exc)
            return future
        self._put(function, args, kwargs, future)
        return future

    def _write(self, sql, params):
        if not self._immediate:
            self._immediate = True
            self._put(_execute, ("SET CONSTRAINTS ALL IMMEDIATE", None))
        self._put(_execute, (sql, params))

    def _put(self, function, args, kwargs=None, future=None):
        if self._thread is None:
            self._queue = queue.SimpleQueue()
            self._db.inc_thread_sharing()
            self._thread = threading.Thread(target=self._work, name="bulk-pipeline", daemon=True)
            self._thread.start()
        self._queue.put((function, args, kwargs or {}, future))

    def _work(self):
        connections[DEFAULT_DB_ALIAS] = self._db  # the caller's connection, in this thread too
        while (item := self._queue.get()) is not None:
            function, args, kwargs, future = item
            if self._error is not None:
                if future is not None:
                    future.set_exception(self._error)
                continue
            try:
                result = function(*args, **kwargs)
            except BaseException as exc:  # handed to the caller's thread
                self._error = exc
                if future is not None:
                    future.set_exception(exc)
            else:
                if future is not None:
                    future.set_result(result)

    def __exit__(self, exc_type, exc, tb):
        if self._thread is None:
            return False
        self._queue.put(None)
        self._thread.join()
        self._db.dec_thread_sharing()
        self._thread = None
        if exc is None:
            if self._error is not None:
                raise self._error
            if self._immediate:
                _execute("SET CONSTRAINTS ALL DEFERRED", None, db=self._db)
        return False


def defaults(model):
    """Column → default value of every non-key column (what a new row gets unless told otherwise)."""
    return {f.column: f.get_default() for f in model._meta.concrete_fields if not f.primary_key}


class Beside:
    """Reads that run on other connections, seeing exactly what this transaction sees, while this
    connection does other reads: each ``call`` gives a ``Future`` of the function's result (its ORM
    and ``connection`` are that call's own connection there). Then the server works on all at once.

    Only on PostgreSQL, in the outer block of a transaction that has written nothing yet: it
    exports its snapshot (``pg_export_snapshot``) and each call's connection imports it (``SET
    TRANSACTION SNAPSHOT``, read-only, repeatable read), so all read the same committed rows. A
    transaction that has written holds rows no other connection can see, so there (and on SQLite,
    or outside a transaction) ``available`` is false and the caller does its reads on its own
    connection.
    Instrumentation of this connection (``execute_wrapper``) applies to the others too.

    Leaving the ``with`` block waits for the calls and closes their connections.
    """

    def __init__(self):
        self._db = connections[DEFAULT_DB_ALIAS]
        self._snapshot = None
        self._threads = []
        # A savepoint (a subtransaction) cannot export its snapshot; one opens in a transaction
        # that was already under way, which has likely written.
        if self._db.vendor == "postgresql" and self._db.in_atomic_block and not any(self._db.savepoint_ids):
            with self._db.cursor() as cursor:
                cursor.execute("SELECT pg_current_xact_id_if_assigned() IS NULL, pg_export_snapshot()")
                unwritten, snapshot = cursor.fetchone()
            if unwritten:
                self._snapshot = snapshot

    @property
    def available(self):
        return self._snapshot is not None

    def __enter__(self):
        return self

    def call(self, function, *args, **kwargs):
        """``function(*args, **kwargs)`` on a connection of its own, beside this one."""
        if not self.available:
            raise RuntimeError("no second connection for this call")
        future = Future()
        thread = threading.Thread(
            target=self._work, args=(function, args, kwargs, future), name="bulk-beside", daemon=True
        )
        thread.start()
        self._threads.append(thread)
        return future

    def _work(self, function, args, kwargs, future):
        db = None
        try:
            db = self._db.copy()
            db.execute_wrappers = list(self._db.execute_wrappers)
            connections[DEFAULT_DB_ALIAS] = db
            with transaction.atomic():
                with db.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                    cursor.execute("SET TRANSACTION SNAPSHOT %s", [self._snapshot])
                result = function(*args, **kwargs)
                transaction.set_rollback(True)
        except BaseException as exc:  # handed to the caller's thread
            future.set_exception(exc)
        else:
            future.set_result(result)
        finally:
            if db is not None:
                db.close()

    def __exit__(self, exc_type, exc, tb):
        for thread in self._threads:
            thread.join()
        self._threads = []
        return False
