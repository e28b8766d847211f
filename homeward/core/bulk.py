"""Saving many new rows of one model at once, for the bulk services (imported lists).

`insert_new` is `bulk_create` without reading anything back: on PostgreSQL the rows go in
one COPY, whose rows psycopg formats in compiled code, where `bulk_create` sends one array
per column that psycopg builds item by item in Python (the larger part of an import's
writing time). Objects with an automatic id keep no id: callers must not need it.
"""

from django.db import connection, connections


def insert_new(objs: list) -> list:
    """Insert new objects of one model; returns them, saved."""
    if not objs:
        return objs
    model = type(objs[0])
    if connection.vendor != "postgresql":
        return model.objects.bulk_create(objs)
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not (f.primary_key and f.db_returning)]
    # The connection itself, not the proxy `connection`, whose every attribute is looked
    # up again through thread-local storage (fields read it several times per value).
    wrapper = connections[connection.alias]

    def rows():
        for obj in objs:
            obj._prepare_related_fields_for_save(operation_name="bulk_create")
            yield [f.get_db_prep_save(f.pre_save(obj, True), wrapper) for f in fields]

    copy_rows(meta.db_table, [f.column for f in fields], rows())
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias
    return objs


def copy_rows(table: str, columns: list[str], rows) -> None:
    """COPY plain rows (sequences of Python values, in `columns` order) into a table
    (PostgreSQL only)."""
    qn = connection.ops.quote_name
    sql = f"COPY {qn(table)} ({', '.join(qn(c) for c in columns)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)
