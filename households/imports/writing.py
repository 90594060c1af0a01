"""Writing an import's rows: PostgreSQL COPY for new rows, and a writer that lets one
chunk's COPY run while the next chunk is read and checked.

The import is one transaction on one connection. Its Python side (reading and checking
cells) and PostgreSQL's side (COPY, indexes, history triggers) each keep one core busy;
run one after the other they add up. `ChunkWriter` overlaps them: a chunk's new rows are
copied in a thread, on the import's own psycopg2 connection, while the import's thread
checks the next chunk, which has read what it needs from the database before the copy
starts. A connection in the middle of a COPY must not be sent anything else (psycopg2
would hang), so while a copy runs every query of the import's thread first waits for it
to end: a query there costs the overlap, never the import. `wait()` re-raises the copy's
error, so the transaction fails as a whole, exactly as if the copy had run in the
import's thread. `audited_writes` is the frame every import's writing runs in.
"""

import io
import json
import threading
from contextlib import contextmanager

import pghistory
from django.db import connection


@contextmanager
def audited_writes(user, job_id):
    """pghistory context (who imported, which job) and immediate constraint checks, for
    the writes of one import job (inside the caller's transaction).

    Deferred foreign-key checks queue up inside one big transaction and make every history
    trigger slow (see households.demo); checking them per statement keeps it fast.
    """
    with pghistory.context(user=getattr(user, "pk", None), import_job=job_id):
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        yield
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _copy_text(value) -> str:
    if value is None:
        return ""
    if '"' in value:
        value = value.replace('"', '""')
    return f'"{value}"'  # quoted, so an empty string stays an empty string (not NULL)


def _copy_bool(value) -> str:
    return "" if value is None else ("t" if value else "f")


def _copy_decimal(value) -> str:
    return "" if value is None else format(value, "f")


def _copy_date(value) -> str:  # and datetimes
    return "" if value is None else value.isoformat()


def _copy_other(value) -> str:
    return "" if value is None else str(value)


def _copy_formatter(model_field):
    """How one column's values are written as COPY csv fields (an empty field is NULL)."""
    from django.db import models

    if isinstance(model_field, models.BooleanField):
        return _copy_bool
    if isinstance(model_field, models.DecimalField):
        return _copy_decimal
    if isinstance(model_field, models.DateField):  # and DateTimeField
        return _copy_date
    if isinstance(model_field, models.CharField | models.TextField):
        return _copy_text
    return _copy_other


def history_context() -> tuple[str, str]:
    """The current pghistory context (id, metadata) as the settings its triggers read.

    pghistory sets them on each statement Django runs; COPY goes to psycopg2 directly,
    and pghistory keeps its context per thread: NewRows.copy sets them, from these."""
    with pghistory.context() as history:
        return (
            str(history.id),
            json.dumps(history.metadata, cls=pghistory.config.json_encoder()),
        )


class NewRows:
    """New rows for PostgreSQL COPY: what bulk_create does, at a fraction of the cost.

    prepare() reserves the ids from the table's sequence (so the instances get their pk:
    members point at their household by it) and writes the rows as COPY text; copy() sends
    them. The two are apart so that the slow part, COPY, can run in ChunkWriter's thread
    with no Python work left in it. COPY fires the triggers like INSERT does, so
    django-pghistory still records every insert.
    """

    def __init__(self, model, instances):
        self.model, self.instances, self.text = model, instances, ""

    def prepare(self, cursor, now) -> None:
        """Give each instance its id and stamps, and write the COPY text (in the caller's
        thread: the instances are the caller's)."""
        meta = self.model._meta
        fields = meta.concrete_fields
        stamped = [
            f.attname
            for f in fields
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        ]
        stamp = _copy_date(now)  # every row gets the same: written once
        formats = [
            (f.attname, (lambda _: stamp) if f.attname in stamped else _copy_formatter(f))
            for f in fields
        ]
        # The sequence's name first: as an argument of nextval() pg_get_serial_sequence()
        # would be called again for every id (7 times slower).
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [meta.db_table, meta.pk.column])
        cursor.execute(
            "SELECT nextval(%s::regclass) FROM generate_series(1, %s)",
            [cursor.fetchone()[0], len(self.instances)],
        )
        ids = sorted(row[0] for row in cursor.fetchall())
        alias, pk_name = connection.alias, meta.pk.attname
        lines = []
        for instance, pk in zip(self.instances, ids, strict=True):
            values = instance.__dict__
            values[pk_name] = pk
            for attname in stamped:
                values[attname] = now
            lines.append(",".join([write(values[a]) for a, write in formats]))
            instance._state.adding = False
            instance._state.db = alias
        lines.append("")
        self.text = "\n".join(lines)
        quote = connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in fields)
        self.sql = f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN WITH (FORMAT csv)"

    def copy(self, cursor, history) -> None:
        """COPY the prepared rows; `history` comes from history_context(). Touches nothing
        but `cursor` (ChunkWriter's thread has no Django connection of its own)."""
        if not self.instances:
            return
        cursor.execute(
            "SELECT set_config('pghistory.context_id', %s, true),"
            " set_config('pghistory.context_metadata', %s, true)",
            list(history),
        )
        # One read of the whole text: psycopg2 takes the GIL for each read, and in a thread
        # would wait for it each time while the import's thread checks rows.
        cursor.copy_expert(self.sql, io.StringIO(self.text), size=max(len(self.text), 8192))


class ChunkWriter:
    """Runs one write at a time on the import's connection, in a thread.

    `start(write)` calls write(cursor) in a thread with a psycopg2 cursor of the current
    transaction and returns at once; `wait()` waits for it and raises its error. Until
    then, a query through Django on the connection first waits for the write (its error
    is then raised by that query's wait()).
    """

    def __init__(self):
        self._thread = None
        self._error = None

    def start(self, write) -> None:
        self.wait()
        connection.ensure_connection()
        raw = connection.connection

        def run():
            try:
                with raw.cursor() as cursor:
                    write(cursor)
            except BaseException as error:  # handed to wait(), in the import's thread
                self._error = error

        self._thread = threading.Thread(target=run, name="kuseaw-import-writer", daemon=True)
        connection.execute_wrappers.append(self._query_waits)
        self._thread.start()

    def _query_waits(self, execute, sql, params, many, context):
        self.wait()
        return execute(sql, params, many, context)

    def close(self) -> None:
        """Wait for the write in progress, dropping its error: for the way out of an import
        that already fails (the transaction is rolled back either way)."""
        self._join()
        self._error = None

    def wait(self) -> None:
        self._join()
        error, self._error = self._error, None
        if error is not None:
            with connection.wrap_database_errors:  # psycopg2's errors as Django's
                raise error

    def _join(self) -> None:
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join()
            connection.execute_wrappers.remove(self._query_waits)
