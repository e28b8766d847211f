"""Querysets compiled once and run many times with a different key.

Compiling a queryset with many annotations (a dozen `Exists` and `Subquery`) costs the ORM
far more than the database spends running it: the registration checklist's summary took
about 20 ms to compile and 2 ms to run. `PreparedValues` compiles such a `values()`
queryset once per database vendor, with a sentinel in place of the key, and then runs the
same SQL with the real key, converting each column as the ORM would.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable

from django.db import connection
from django.db.models import QuerySet

# A key no row has: compiled into the SQL where the real key goes, then found in the
# parameters by value.
_SENTINEL = uuid.UUID("00000000-0000-4000-8000-00000000c0de")


class PreparedValues:
    """`build(key)` returns a `values()` queryset filtered on a UUID primary key; `one(key)`
    returns its first row as a dict, or None."""

    def __init__(self, build: Callable[[uuid.UUID], QuerySet]):
        self._build = build
        self._compiled: dict[str, tuple] = {}
        self._lock = threading.Lock()

    def one(self, key) -> dict | None:
        sql, params, position, field, columns = self._for_vendor(connection.vendor)
        params = list(params)
        params[position] = field.get_db_prep_value(key, connection)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        if row is None:
            return None
        return {
            name: _convert(value, column)
            for (name, column), value in zip(columns, row, strict=True)
        }

    def _for_vendor(self, vendor: str) -> tuple:
        compiled = self._compiled.get(vendor)
        if compiled is None:
            with self._lock:
                compiled = self._compiled.setdefault(vendor, self._compile())
        return compiled

    def _compile(self) -> tuple:
        queryset = self._build(_SENTINEL)
        field = queryset.model._meta.pk
        compiler = queryset.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        sentinel = field.get_db_prep_value(_SENTINEL, connection)
        positions = [i for i, value in enumerate(params) if value == sentinel]
        if len(positions) != 1:
            raise ValueError("The prepared queryset must use its key exactly once.")
        columns = [(alias, expr) for expr, _sql, alias in compiler.select]
        return sql, tuple(params), positions[0], field, columns


def _convert(value, column):
    for convert in connection.ops.get_db_converters(column) + column.get_db_converters(connection):
        value = convert(value, column, connection)
    return value
