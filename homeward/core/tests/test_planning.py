"""Statements planned for their own values inside a block only (PostgreSQL)."""

import pytest
from django.db import DatabaseError, connection, transaction

from homeward.core.planning import planned_for_these_values

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db]


def _settings() -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('plan_cache_mode'), current_setting('jit')")
        return cursor.fetchone()


def _set(mode: str, jit: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('plan_cache_mode', %s, true), set_config('jit', %s, true)",
            [mode, jit],
        )


def test_inside_the_block_statements_are_planned_for_their_values_then_settings_come_back():
    with transaction.atomic():
        _set("force_generic_plan", "on")
        with planned_for_these_values():
            assert _settings() == ("force_custom_plan", "off")
        assert _settings() == ("force_generic_plan", "on")


def test_a_nested_block_leaves_the_outer_one_planning_for_values():
    with transaction.atomic():
        before = _settings()
        with planned_for_these_values():
            with planned_for_these_values():
                assert _settings() == ("force_custom_plan", "off")
            assert _settings() == ("force_custom_plan", "off")
        assert _settings() == before


def test_an_error_in_python_still_brings_the_settings_back():
    with transaction.atomic():
        before = _settings()
        with pytest.raises(LookupError), planned_for_these_values():
            raise LookupError("not the database's")
        assert _settings() == before


def test_a_failed_statement_leaves_the_settings_to_the_rollback():
    with transaction.atomic():
        before = _settings()
        with (
            pytest.raises(DatabaseError),
            transaction.atomic(),  # a savepoint
            planned_for_these_values(),
            connection.cursor() as cursor,
        ):
            cursor.execute("SELECT 1 / 0")
        assert _settings() == before
