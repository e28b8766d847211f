"""The travel API's lists and details read a fixed number of statements, however many
movements, bookings, ABNs or suspensions they return (no N+1)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from homeward.movements import services

from .travel import TODAY, book, movement, ready_case

pytestmark = pytest.mark.django_db


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _statements(client, url) -> tuple[int, object]:
    client.get(url)  # the actor's memberships are read once and kept with the user
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(queries), response.json()


def _results(body) -> list:
    return body["results"] if isinstance(body, dict) and "results" in body else body


def test_movement_list_and_board(world):
    officer = world.user("movement_officer", "niamey")
    client = _client(officer)
    first = movement(world)
    book(world, first, ready_case(world))
    one, _body = _statements(client, "/api/v1/movements/")
    board_one, _board = _statements(client, f"/api/v1/movements/{first.pk}/")
    for days in (15, 16, 17):
        book(world, movement(world, days=days), ready_case(world))
    for _ in range(3):
        book(world, first, ready_case(world))
    four, body = _statements(client, "/api/v1/movements/")
    board_four, board = _statements(client, f"/api/v1/movements/{first.pk}/")
    assert len(_results(body)) == 4 and four == one
    assert len(board["rows"]) == 4 and board_four == board_one


def test_abn_inbox(world):
    officer = world.user("movement_officer", "niamey")
    client = _client(world.user("reception_officer", "dakar"))

    def sent(days: int):
        mv = movement(world, days=days)
        book(world, mv, ready_case(world))
        services.abn_send(actor=officer, movement_id=mv.pk)

    sent(14)
    one, _body = _statements(client, "/api/v1/abns/")
    for days in (15, 16, 17):
        sent(days)
    four, body = _statements(client, "/api/v1/abns/")
    assert len(_results(body)) == 4 and four == one


def test_suspension_list(world):
    manager = world.user("programme_manager", "niamey")
    client = _client(manager)

    def suspend(index: int):
        services.suspension_create(
            actor=manager, country_id="SN", reason=f"Floods {index}", starts_on=TODAY
        )

    suspend(0)
    one, _body = _statements(client, "/api/v1/suspensions/")
    for index in range(1, 4):
        suspend(index)
    four, body = _statements(client, "/api/v1/suspensions/")
    assert len(_results(body)) == 4 and four == one


def test_import_batch_list(world):
    from homeward.movements.import_services import import_start

    from . import lists

    lists.ensure_areas()
    user = world.user("reception_officer", "dakar")
    client = _client(user)

    def imported(prefix: str):
        import_start(
            actor=user,
            content=lists.as_csv(lists.rows(2, prefix=prefix)),
            file_name=f"{prefix}.csv",
            office=world.dakar,
            programme=world.programme,
            scheme="forced",
        )

    imported("A")
    one, _body = _statements(client, "/api/v1/imports/")
    for prefix in ("B", "C", "D"):
        imported(prefix)
    four, body = _statements(client, "/api/v1/imports/")
    assert len(_results(body)) == 4 and four == one
