"""The travel pages: list with worklist, board, booking steps, travel documents, ABN inbox
and answer, suspensions; inline errors and bounded query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from homeward.cases.models import Phase, VulnerabilityFlag
from homeward.movements.models import AbnStatus, Booking, Movement, Suspension

from .travel import TODAY, book, booked_case, departure, movement, ready_case

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


def test_movement_list_plans_a_movement_and_shows_the_worklist(world, client):
    login(client, world.user("movement_officer"))
    page = client.get(reverse("web:movement_list"))
    assert page.status_code == 200
    data = {
        "form": "movement",
        "host_office": world.niamey.pk,
        "origin_office": world.dakar.pk,
        "means": "bus",
        "departs_at": departure(12).strftime("%Y-%m-%dT%H:%M"),
        "departure_place": "Niamey",
        "arrival_place": "Dakar",
        "luggage_allowance": "20 kg",
    }
    answer = client.post(reverse("web:movement_list"), data)
    mv = Movement.objects.get()
    assert answer.status_code == 302 and answer.url == reverse("web:movement_board", args=[mv.pk])
    book(world, mv, ready_case(world))
    page = client.get(reverse("web:movement_list"))
    assert b"Send the ABN" in page.content and b'data-deadline="due"' in page.content


def test_movement_form_errors_inline(world, client):
    login(client, world.user("movement_officer"))
    answer = client.post(reverse("web:movement_list"), {"form": "movement", "means": "bus"})
    assert answer.status_code == 400 and b"field--error" in answer.content


def test_board_books_sends_abn_and_shows_refusal_reasons(
    world, client, django_assert_max_num_queries
):
    login(client, world.user("movement_officer"))
    mv = movement(world)
    url = reverse("web:movement_board", args=[mv.pk])
    missing = world.case(phase=Phase.PRE_DEPARTURE)
    answer = client.post(url, {"form": "book", "reference": missing.reference})
    assert answer.status_code == 409 and b"R-TRV-1" in answer.content
    case = ready_case(world)
    assert client.post(url, {"form": "book", "reference": case.reference}).status_code == 302
    assert client.post(url, {"form": "abn"}).status_code == 302
    assert mv.abns.count() == 1
    for _ in range(4):
        flagged = ready_case(world)
        VulnerabilityFlag.objects.create(case=flagged, category="elderly")
        book(world, mv, flagged)
    with django_assert_max_num_queries(25):
        page = client.get(url)
    assert page.status_code == 200 and page.content.count(b"data-ready=") == 5


def test_booking_page_steps_and_ticket_after_confirmation(world, client):
    login(client, world.user("movement_officer"))
    mv = movement(world)
    booking = book(world, mv, ready_case(world))
    url = reverse("web:movement_booking", args=[booking.pk])
    page = client.get(url)
    assert b"R-TRV-2" in page.content
    answer = client.post(
        url,
        {
            "form": "ticket",
            "version": booking.version,
            "ticket_number": "T9",
            "issued_on": "2026-11-23",
        },
    )
    assert answer.status_code == 409
    answer = client.post(url, {"form": "informed", "informed_on": "1999-01-01"})
    assert answer.status_code == 400
    answer = client.post(
        url, {"form": "final", "held_on": "2026-11-23", "travel_details_confirmed": "on"}
    )
    assert answer.status_code == 400 and b"field--error" in answer.content
    abn = __import__("homeward.movements.services", fromlist=["abn_send"]).abn_send(
        actor=world.user("movement_officer"), movement_id=mv.pk
    )
    reception = world.user("reception_officer", "dakar")
    client.force_login(reception)
    assert client.get(reverse("web:abn_inbox")).status_code == 200
    detail = reverse("web:abn_detail", args=[abn.pk])
    page = client.get(detail)
    assert page.status_code == 200
    # The origin office goes on from the ABN to its movement and its cases.
    text = page.content.decode()
    assert reverse("web:movement_board", args=[mv.pk]) in text
    assert reverse("web:case_detail", args=[booking.case.reference]) in text
    assert client.get(reverse("web:movement_board", args=[mv.pk])).status_code == 200
    assert client.get(reverse("web:case_detail", args=[booking.case.reference])).status_code == 200
    answer = client.post(detail, {"form": "answer", "version": abn.version, "decision": "query"})
    assert answer.status_code == 400
    answer = client.post(detail, {"form": "answer", "version": abn.version, "decision": "confirm"})
    assert answer.status_code == 302
    abn.refresh_from_db()
    assert abn.status == AbnStatus.CONFIRMED
    client.force_login(world.user("movement_officer"))
    booking.refresh_from_db()
    answer = client.post(
        url,
        {
            "form": "ticket",
            "version": booking.version,
            "ticket_number": "T9",
            "issued_on": "2026-11-23",
        },
    )
    assert answer.status_code == 302
    booking.refresh_from_db()
    assert booking.ticket_number == "T9"
    pdf = client.get(reverse("web:returnee_sheet", args=[booking.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_abn_pages_hide_protection_and_other_offices_get_404(world, client):
    booking = booked_case(world)
    abn = booking.movement.abns.get()
    login(client, world.user("reception_officer", "conakry"))
    assert client.get(reverse("web:abn_detail", args=[abn.pk])).status_code == 404
    login(client, world.user("movement_officer", "rabat"))
    assert client.get(reverse("web:movement_board", args=[booking.movement_id])).status_code == 404
    assert client.get(reverse("web:movement_booking", args=[booking.pk])).status_code == 404


def test_abn_inbox_query_count(world, client, django_assert_max_num_queries):
    for _ in range(3):
        booked_case(world)
    login(client, world.user("reception_officer", "dakar"))
    with django_assert_max_num_queries(12):
        page = client.get(reverse("web:abn_inbox"))
    assert page.content.count(b"data-deadline=") == 3


def test_travel_documents_page(world, client):
    login(client, world.user("movement_officer"))
    case = world.case(phase=Phase.PRE_DEPARTURE)
    url = reverse("web:travel_documents", args=[case.reference])
    answer = client.post(
        url,
        {
            "form": "request",
            "kind": "laissez_passer",
            "requested_on": "2026-11-20",
            "authority": "Consulate",
        },
    )
    assert answer.status_code == 302
    request = case.travel_documents.get()
    answer = client.post(
        url,
        {
            "form": f"outcome-{request.pk}",
            f"{request.pk}-version": request.version,
            f"{request.pk}-status": "issued",
        },
    )
    assert answer.status_code == 400
    answer = client.post(
        url,
        {
            "form": f"outcome-{request.pk}",
            f"{request.pk}-version": request.version,
            f"{request.pk}-status": "issued",
            f"{request.pk}-issued_on": "2026-11-21",
            f"{request.pk}-number": "LP-1",
        },
    )
    assert answer.status_code == 302
    request.refresh_from_db()
    assert request.number == "LP-1"


def test_suspensions_page_for_programme_managers_only(world, client):
    login(client, world.user("movement_officer"))
    assert client.get(reverse("web:movement_suspensions")).status_code == 403
    booking = book(world, movement(world), ready_case(world))
    login(client, world.user("programme_manager"))
    answer = client.post(
        reverse("web:movement_suspensions"),
        {"form": "suspension", "country": "SN", "starts_on": "2026-11-23", "reason": "Floods"},
    )
    assert answer.status_code == 302 and Suspension.objects.count() == 1
    assert Booking.objects.get(pk=booking.pk).review_required
    login(client, world.user("movement_officer"))
    url = reverse("web:movement_booking", args=[booking.pk])
    assert b"To review" in client.get(url).content
    page = client.post(url, {"form": "reviewed"}, follow=True)
    assert b"Floods" in page.content and Booking.objects.get(pk=booking.pk).review_required


def test_board_cancels_a_movement(world, client):
    login(client, world.user("movement_officer"))
    mv = movement(world)
    url = reverse("web:movement_board", args=[mv.pk])
    assert client.post(url, {"form": "cancel_movement", "reason": ""}).status_code == 400
    assert client.post(url, {"form": "cancel_movement", "reason": "Strike"}).status_code == 302
    mv.refresh_from_db()
    assert mv.status == "cancelled"


def test_travel_documents_page_links_the_cases_bookings(world, client):
    booking = booked_case(world)
    login(client, world.user("movement_officer"))
    page = client.get(reverse("web:travel_documents", args=[booking.case.reference]))
    assert reverse("web:movement_booking", args=[booking.pk]).encode() in page.content


def test_departure_is_typed_and_shown_in_the_host_offices_time(world, client):
    """Niamey is at UTC+1: "10:00" typed for a Niamey departure is 09:00 UTC, and the
    board shows 10:00 again (the zone's abbreviation beside it), whatever the server's zone."""
    import datetime

    login(client, world.user("movement_officer"))
    day = departure(12).date()
    data = {
        "form": "movement",
        "host_office": world.niamey.pk,
        "origin_office": world.dakar.pk,
        "means": "bus",
        "departs_at": f"{day.isoformat()}T10:00",
        "departure_place": "Niamey",
        "arrival_place": "Dakar",
        "luggage_allowance": "20 kg",
    }
    assert client.post(reverse("web:movement_list"), data).status_code == 302
    mv = Movement.objects.get()
    assert mv.departs_at == datetime.datetime.combine(day, datetime.time(9, 0), tzinfo=datetime.UTC)
    board = client.get(reverse("web:movement_board", args=[mv.pk])).content.decode()
    assert "10 a.m. WAT" in board  # English DATETIME_FORMAT: "Dec. 5, 2026, 10 a.m."


def _statements(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_suspensions_page_query_count_does_not_grow_with_suspensions(world, client):
    from homeward.movements import services

    manager = world.user("programme_manager", "niamey")
    login(client, manager)
    url = reverse("web:movement_suspensions")

    def suspend(index: int):
        services.suspension_create(
            actor=manager, country_id="SN", reason=f"Floods {index}", starts_on=TODAY
        )

    suspend(0)
    one = _statements(client, url)
    for index in range(1, 5):
        suspend(index)
    assert Suspension.objects.count() == 5
    assert _statements(client, url) == one


def test_booking_page_offers_the_returnee_sheet_only_to_who_may_print_it(world, client):
    booking = book(world, movement(world), ready_case(world))
    page_url = reverse("web:movement_booking", args=[booking.pk])
    sheet_url = reverse("web:returnee_sheet", args=[booking.pk])
    login(client, world.user("programme_manager", "niamey"))
    page = client.get(page_url)
    assert page.status_code == 200 and sheet_url not in page.content.decode()
    assert client.get(sheet_url).status_code == 403  # what the link would have led to
    login(client, world.user("movement_officer", "niamey"))
    assert sheet_url in client.get(page_url).content.decode()


def test_movement_list_shows_past_movements_on_request_and_incoming_ones_to_the_origin(
    world, client
):
    from homeward.movements import services as travel

    upcoming = movement(world, days=20)
    cancelled = movement(world, days=30)
    travel.movement_cancel(
        actor=world.user("movement_officer", "niamey"),
        movement_id=cancelled.pk,
        version=cancelled.version,
        reason="Charter withdrawn",
    )
    board = lambda mv: reverse("web:movement_board", args=[mv.pk])  # noqa: E731
    login(client, world.user("movement_officer", "niamey"))
    page = client.get(reverse("web:movement_list")).content.decode()
    assert board(upcoming) in page and board(cancelled) not in page
    page = client.get(reverse("web:movement_list") + "?show=past").content.decode()
    assert board(cancelled) in page and board(upcoming) not in page
    # The origin office sees the movements coming to it (their boards already open to it).
    login(client, world.user("reception_officer", "dakar"))
    page = client.get(reverse("web:movement_list")).content.decode()
    assert board(upcoming) in page
    assert client.get(board(upcoming)).status_code == 200
    api = client.get("/api/v1/movements/?show=past").json()
    assert [m["id"] for m in api] == [str(cancelled.pk)]


def test_my_work_shows_the_travel_deadlines_of_my_offices(world, client):
    """R-TRV-3 on My work: a movement officer, who has no case assigned, sees the ABN to
    send, in a number of queries that does not grow with the movements; a counsellor of the
    same office, who does not book, sees no deadline."""
    mv = movement(world, days=5)
    book(world, mv, ready_case(world))
    login(client, world.user("movement_officer"))
    with CaptureQueriesContext(connection) as one:
        page = client.get(reverse("web:my_work")).content.decode()
    assert "Travel deadlines of my offices" in page
    assert "Send the ABN" in page
    assert f'href="{reverse("web:movement_board", args=[mv.pk])}"' in page
    assert f'href="{reverse("web:movement_list")}#worklist"' in page
    for days in (6, 7, 8):
        book(world, movement(world, days=days), ready_case(world))
    with CaptureQueriesContext(connection) as four:
        page = client.get(reverse("web:my_work")).content.decode()
    assert page.count("Send the ABN") == 4
    assert len(four) == len(one) <= 12
    login(client, world.user("counsellor"))
    page = client.get(reverse("web:my_work")).content.decode()
    assert "Travel deadlines of my offices" not in page and "Send the ABN" not in page
