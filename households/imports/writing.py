"""Inserting many new rows with PostgreSQL COPY, history triggers and all."""

import io
import json

import pghistory
from django.db import connection


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


def copy_new(model, instances, now) -> None:
    """Insert new rows with PostgreSQL COPY: what bulk_create does, at a fraction of the cost.

    The ids are reserved from the table's sequence first, so the instances get their pk
    (members point at their household by it). COPY fires the row triggers like INSERT does,
    so django-pghistory still records every insert; only the context it attaches comes from
    settings that pghistory sets on each statement Django runs, and COPY goes to psycopg2
    directly: they are set here, for this transaction, from the current context.
    """
    meta = model._meta
    fields = meta.concrete_fields
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    stamped = [
        f.attname
        for f in fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    formats = [(f.attname, _copy_formatter(f)) for f in fields]
    alias = connection.alias
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(instances)],
        )
        ids = sorted(row[0] for row in cursor.fetchall())
        lines = []
        for instance, pk in zip(instances, ids, strict=True):
            values = instance.__dict__
            values[meta.pk.attname] = pk
            for attname in stamped:
                values[attname] = now
            lines.append(",".join([write(values[a]) for a, write in formats]))
            instance._state.adding = False
            instance._state.db = alias
        lines.append("")
        with pghistory.context() as history:
            cursor.execute(
                "SELECT set_config('pghistory.context_id', %s, true),"
                " set_config('pghistory.context_metadata', %s, true)",
                [
                    str(history.id),
                    json.dumps(history.metadata, cls=pghistory.config.json_encoder()),
                ],
            )
        with connection.wrap_database_errors:
            cursor.cursor.copy_expert(
                f"COPY {connection.ops.quote_name(meta.db_table)} ({columns})"
                " FROM STDIN WITH (FORMAT csv)",
                io.StringIO("\n".join(lines)),
            )
