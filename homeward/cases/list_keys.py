"""The first read of a case list (`selectors.CaseRows`): the ids of the cases an actor may
see that match the list's filters, newest change first, as one written-out statement.

The same cases as `selectors.case_list_for` (`test_case_rows` compares them filter by
filter). Written out because every list and search page runs it: building and compiling it
with the ORM took longer than the database took to answer (about a millisecond a page).
"""

import re
import uuid

from django.db import connection

from homeward.accounts.access import access_for
from homeward.accounts.roles import Perm
from homeward.core.text import search_tokens

from .models import Case, category_group

REFERENCE_PATTERN = re.compile(r"^[A-Za-z]{2}-\d{4}-\d{1,9}$")
# The start or the number part of a reference, as people type them: "SN-2026-", "000072".
PARTIAL_REFERENCE = re.compile(r"^[A-Za-z]{2}-\d{0,4}-?\d*$|^\d{3,9}$")


def case_keys_sql(actor, filters) -> tuple[str, list]:
    """(statement, parameters) reading the ids, without LIMIT (the caller adds it)."""
    conditions, params = [], []

    def add(condition: str, *values) -> None:
        conditions.append(condition)
        params.extend(values)

    _in_offices(add, access_for(actor).offices_with(Perm.CASE_VIEW))
    _search(add, filters.q.strip())
    if filters.phase:
        add("c.phase = %s", filters.phase)
    if office := _uuid(filters.office):
        add("(c.host_office_id = %s OR c.origin_office_id = %s)", _key(office), _key(office))
    if programme := _uuid(filters.programme):
        add("c.programme_id = %s", _key(programme))
    if filters.scheme:
        add("c.scheme = %s", filters.scheme)
    if filters.assigned_to_me:
        add("c.assigned_to_id = %s", actor.pk)
    if filters.flag:
        _flagged(add, actor, filters.flag)
    sql = (
        "SELECT c.id FROM cases_case c WHERE "
        + " AND ".join(conditions)
        + " ORDER BY c.updated_at DESC"
    )
    return sql, params


def _in_offices(add, offices) -> None:
    """R-DAT-2: a case belongs to its host and its origin office."""
    if not offices:
        add("1 = 0")
        return
    keys = [_key(o) for o in offices]
    marks = ", ".join(["%s"] * len(keys))
    add(f"(c.host_office_id IN ({marks}) OR c.origin_office_id IN ({marks}))", *keys, *keys)


def _search(add, query: str) -> None:
    if REFERENCE_PATTERN.match(query):
        add("c.reference = %s", query.upper())
    elif PARTIAL_REFERENCE.match(query):
        add(f"c.reference {_like()}", _containing(query.upper()))
    else:
        for token in search_tokens(query):
            add(f"c.search_text {_like()}", _containing(token))


def _flagged(add, actor, category: str) -> None:
    """Only where the actor may read the flag's group: a sensitive flag never leaks
    through filtering in offices whose roles may not see it."""
    add("c.id IN (SELECT f.case_id FROM cases_vulnerabilityflag f WHERE f.category = %s)", category)
    _in_offices(add, offices_reading_flag(actor, category))


def offices_reading_flag(actor, category: str) -> list:
    """The actor's offices whose roles may read the field group of this flag."""
    group = category_group(category)
    access = access_for(actor)
    return [o for o in access.office_ids if group in access.readable_at([o])]


def _like() -> str:
    # PostgreSQL escapes LIKE patterns with a backslash by default; SQLite must be told.
    return "LIKE %s" if connection.vendor == "postgresql" else "LIKE %s ESCAPE '\\'"


def _containing(text: str) -> str:
    return f"%{connection.ops.prep_for_like_query(text)}%"


def _uuid(value: str):
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


def _key(value):
    """An office, programme or case key as this database stores it (SQLite: hex text)."""
    return Case._meta.pk.get_db_prep_value(value, connection)
