"""Saving many new rows of one model at once, for the bulk services (imported lists).

`insert_new` is `bulk_create` without reading anything back: on PostgreSQL the rows go in
one COPY, whose rows psycopg formats in compiled code, where `bulk_create` sends one array
per column that psycopg builds item by item in Python (the larger part of an import's
writing time). Objects with an automatic id keep no id: callers must not need it.
"""

import datetime
import uuid

from django.db import connection, connections, models


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
    relations = [f for f in fields if f.is_relation]
    for obj in objs:  # before writing: an unsaved related object is refused with nothing sent
        _prepare_related(obj, relations)
    readers = [_column_value(f, wrapper) for f in fields]
    rows = ([read(obj) for read in readers] for obj in objs)
    copy_rows(meta.db_table, [f.column for f in fields], rows)
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias
    return objs


# Field classes whose value, when of one of these exact types, Django writes to PostgreSQL
# unchanged: read as it is, it skips a chain of conversion calls (a third of the writing).
# A value of any other type, and every other field, takes Django's own path.
_WRITTEN_AS_IS = {
    models.CharField: (str,),
    models.TextField: (str,),
    models.IntegerField: (int,),
    models.BigIntegerField: (int,),
    models.SmallIntegerField: (int,),
    models.PositiveIntegerField: (int,),
    models.PositiveSmallIntegerField: (int,),
    models.PositiveBigIntegerField: (int,),
    models.AutoField: (int,),
    models.BigAutoField: (int,),
    models.BooleanField: (bool,),
    models.UUIDField: (uuid.UUID,),
    models.DateField: (datetime.date,),
    models.DateTimeField: (datetime.datetime,),
}


def _column_value(field, wrapper):
    """A function giving the value COPY writes for `field` of an object, as
    `field.get_db_prep_save(field.pre_save(obj, True))` would."""
    target = field.target_field if field.is_relation else field
    kinds = _WRITTEN_AS_IS.get(type(target))

    def converted(obj):
        return field.get_db_prep_save(field.pre_save(obj, True), wrapper)

    if kinds is None:
        return converted
    stamped = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    aware = type(target) is models.DateTimeField  # a naive time is converted (and warned of)
    attname = field.attname

    def as_is(obj):
        value = field.pre_save(obj, True) if stamped else getattr(obj, attname)
        if value is None or (type(value) in kinds and not (aware and value.tzinfo is None)):
            return value
        return field.get_db_prep_save(value, wrapper)

    return as_is


def _prepare_related(obj, relations) -> None:
    """`Model._prepare_related_fields_for_save`, run only when it would change or refuse
    something: a related object is unsaved, or its id is still missing on `obj`."""
    if obj._meta.private_fields or any(_needs_preparing(obj, f) for f in relations):
        obj._prepare_related_fields_for_save(operation_name="bulk_create")


def _needs_preparing(obj, field) -> bool:
    if not field.is_cached(obj):
        return False
    related = field.get_cached_value(obj)
    return related is not None and (
        related.pk is None or getattr(obj, field.attname) in field.empty_values
    )


def copy_rows(table: str, columns: list[str], rows) -> None:
    """COPY plain rows (sequences of Python values, in `columns` order) into a table
    (PostgreSQL only)."""
    qn = connection.ops.quote_name
    sql = f"COPY {qn(table)} ({', '.join(qn(c) for c in columns)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)
