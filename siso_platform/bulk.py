"""Insert many new rows fast, returning their primary keys, inside the caller's transaction.

`bulk_create` spends most of an import's time building model instances and compiling SQL
per field and row. Here rows are plain dicts of column values, prepared once per field and
sent as PostgreSQL's COPY or one SQLite `executemany`. The primary keys are taken
beforehand: from the sequence on PostgreSQL; on SQLite, whose transactions here take the
write lock at BEGIN, after the largest ever given.
"""

from collections.abc import Callable

from django.db import connection, models
from django.utils import timezone

# Types whose Python value is already what the database driver takes.
_PLAIN = {
    "CharField",
    "TextField",
    "BooleanField",
    "IntegerField",
    "BigIntegerField",
    "PositiveIntegerField",
    "ForeignKey",
}


def _preparer(field: models.Field, now) -> Callable[[dict], object]:
    """A function from a row to the database value of `field`, as cheap as it can be."""
    name = field.attname
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        stamp = field.get_db_prep_save(now, connection)
        return lambda row: stamp
    default = field.get_default()  # "" for a blank text, None for a nullable field

    def get(row):
        return row.get(name, default)

    internal = field.get_internal_type()
    if internal == "DateField" and connection.vendor == "sqlite":
        return lambda row: None if (v := get(row)) is None else v.isoformat()
    if internal in _PLAIN or (internal == "DateField" and connection.vendor == "postgresql"):
        return get
    return lambda row: field.get_db_prep_save(get(row), connection)


def _reserve(model, count: int) -> list[int]:
    table, pk = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, pk, count],
            )
            return [row[0] for row in cursor.fetchall()]
        # AUTOINCREMENT never reuses a deleted key (audit events keep old ones): start after
        # the largest ever given, which sqlite_sequence remembers.
        cursor.execute(
            "SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "
            f'COALESCE(MAX("{pk}"), 0)) FROM "{table}"',
            [table],
        )
        start = cursor.fetchone()[0] + 1
        return list(range(start, start + count))


def insert(model, rows: list[dict]) -> list[int]:
    """Insert `rows` ({attname: value}, defaults filled in) of `model`; their keys, in order."""
    if not rows:
        return []
    if connection.vendor not in ("postgresql", "sqlite"):
        return [o.pk for o in model.objects.bulk_create(model(**row) for row in rows)]
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    prepare = [_preparer(f, now) for f in fields]
    ids = _reserve(model, len(rows))
    table = model._meta.db_table
    names = ", ".join(f'"{c}"' for c in [model._meta.pk.column, *(f.column for f in fields)])
    values = ([pk, *(p(row) for p in prepare)] for pk, row in zip(ids, rows, strict=True))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
                for value in values:
                    copy.write_row(value)
        else:
            marks = ", ".join(["%s"] * (len(fields) + 1))
            cursor.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', list(values))
    return ids
