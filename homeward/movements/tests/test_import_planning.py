"""R-ARR-3 on PostgreSQL: a list's lookups are planned for their values, its writes are not.

Forcing a plan per statement suits the lookups of a chunk (arrays of keys against tables
whose statistics lag behind the import) but, left on for the whole transaction, made
PostgreSQL plan again the foreign-key check of every row written (about three times its
cost)."""

import pytest
from django.db import connection

from . import lists
from .test_imports import _check, _start

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db]


@pytest.fixture
def plan_modes(world):
    """(statement, plan_cache_mode in force when it ran) of every statement sent."""
    lists.ensure_areas()
    seen = []

    def record(execute, sql, params, many, context):
        raw = context["connection"].connection
        seen.append((" ".join(sql.split()), raw.execute("SHOW plan_cache_mode").fetchone()[0]))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        yield world, seen


def _modes(seen, start: str) -> set[str]:
    return {mode for sql, mode in seen if sql.startswith(start)}


def test_r_arr_3_lookups_are_planned_for_their_values_and_writes_are_not(plan_modes):
    world, seen = plan_modes
    content = lists.as_csv(lists.rows(12))
    _check(world, content)
    _start(world, content)
    assert _modes(seen, "SELECT person, holder") == {"force_custom_plan"}
    assert _modes(seen, 'SELECT r."row_key" FROM unnest(') == {"force_custom_plan"}
    writes = {mode for sql, mode in seen if sql.startswith(("INSERT", "UPDATE", "DELETE"))}
    assert writes == {"auto"}
    assert _modes(seen, 'INSERT INTO "people_matchtoken"') == {"auto"}
