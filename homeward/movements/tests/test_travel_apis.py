"""The travel API: success paths and 400/403/404/409 answers."""

import uuid

import pytest
from rest_framework.test import APIClient

from homeward.cases.models import Phase
from homeward.movements.models import Booking

from .travel import TODAY, book, booked_case, departure, movement, ready_case

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_movement_create_book_send_answer_ticket_through_the_api(world):
    officer = client_for(world.user("movement_officer"))
    answer = officer.post(
        "/api/v1/movements/",
        {
            "host_office_id": str(world.niamey.pk),
            "origin_office_id": str(world.dakar.pk),
            "means": "bus",
            "departs_at": departure(10).isoformat(),
            "departure_place": "Niamey",
            "arrival_place": "Dakar",
            "luggage_allowance": "20 kg",
        },
        format="json",
    )
    assert answer.status_code == 201, answer.json()
    movement_id = answer.json()["id"]
    case = ready_case(world)
    answer = officer.post(
        f"/api/v1/movements/{movement_id}/bookings/", {"reference": case.reference}, format="json"
    )
    assert answer.status_code == 201
    booking = answer.json()
    answer = officer.post(f"/api/v1/movements/{movement_id}/abn/")
    assert answer.status_code == 201 and answer.json()["content"]["migrants"] == 1
    abn = answer.json()
    reception = client_for(world.user("reception_officer", "dakar"))
    inbox = reception.get("/api/v1/abns/").json()
    assert inbox[0]["deadline"] == "due"
    answer = reception.post(
        f"/api/v1/abns/{abn['id']}/answer/", {"version": abn["version"], "confirm": True}
    )
    assert answer.status_code == 200 and answer.json()["status"] == "confirmed"
    answer = officer.post(
        f"/api/v1/bookings/{booking['id']}/ticket/",
        {"version": booking["version"], "ticket_number": "T-1", "issued_on": "2026-11-23"},
    )
    assert answer.status_code == 200 and answer.json()["status"] == "ticketed"
    case.refresh_from_db()
    assert case.phase == Phase.TRAVEL_BOOKED
    board = officer.get(f"/api/v1/movements/{movement_id}/").json()
    assert board["rows"][0]["ready"] is False  # R-TRV-8: no final discussion yet
    assert board["departure_blockers"] and case.reference in board["departure_blockers"][0]
    answer = officer.post(
        f"/api/v1/bookings/{booking['id']}/final-discussion/",
        {
            "held_on": TODAY.isoformat(),
            "travel_details_confirmed": True,
            "reintegration_reviewed": True,
            "contacts_given": True,
        },
        format="json",
    )
    assert answer.status_code == 201
    board = officer.get(f"/api/v1/movements/{movement_id}/").json()
    assert board["rows"][0]["ready"] is True and board["departure_blockers"] == []


def test_booking_refused_by_a_rule_is_409_with_reasons(world):
    mv = movement(world)
    case = world.case(phase=Phase.PRE_DEPARTURE)  # no travel document
    answer = client_for(world.user("movement_officer")).post(
        f"/api/v1/movements/{mv.pk}/bookings/", {"reference": case.reference}
    )
    assert answer.status_code == 409
    assert any("R-TRV-1" in r for r in answer.json()["reasons"])


def test_ticket_before_confirmation_is_409_and_stale_version_409(world):
    mv = movement(world)
    booking = book(world, mv, ready_case(world))
    officer = client_for(world.user("movement_officer"))
    url = f"/api/v1/bookings/{booking.pk}/ticket/"
    answer = officer.post(
        url, {"version": booking.version, "ticket_number": "T", "issued_on": "2026-11-23"}
    )
    assert answer.status_code == 409 and "R-TRV-2" in " ".join(answer.json()["reasons"])
    answer = officer.post(
        url, {"version": booking.version + 5, "ticket_number": "T", "issued_on": "2026-11-23"}
    )
    assert answer.status_code == 409


def test_bad_input_is_400(world):
    officer = client_for(world.user("movement_officer"))
    assert officer.post("/api/v1/movements/", {"means": "rocket"}).status_code == 400
    booking = book(world, movement(world), ready_case(world))
    answer = officer.post(f"/api/v1/bookings/{booking.pk}/informed/", {"informed_on": "1990-01-01"})
    assert answer.status_code == 400 and "informed_on" in answer.json()["errors"]


def test_unknown_and_foreign_records_are_404(world):
    officer = client_for(world.user("movement_officer"))
    assert officer.get(f"/api/v1/movements/{uuid.uuid4()}/").status_code == 404
    assert officer.get("/api/v1/movements/nonsense/").status_code == 404
    booking = booked_case(world)
    rabat = client_for(world.user("movement_officer", "rabat"))
    assert rabat.get(f"/api/v1/movements/{booking.movement_id}/").status_code == 404
    abn = booking.movement.abns.get()
    conakry = client_for(world.user("reception_officer", "conakry"))
    assert conakry.get(f"/api/v1/abns/{abn.pk}/").status_code == 404
    answer = conakry.post(f"/api/v1/abns/{abn.pk}/answer/", {"version": 1, "confirm": True})
    assert answer.status_code == 404


def test_roles_without_the_permission_get_403(world):
    mv = movement(world)
    counsellor = client_for(world.user("counsellor"))
    case = ready_case(world)
    answer = counsellor.post(f"/api/v1/movements/{mv.pk}/bookings/", {"reference": case.reference})
    assert answer.status_code == 403
    assert not Booking.objects.exists()
    answer = client_for(world.user("movement_officer")).post(
        "/api/v1/suspensions/", {"country": "SN", "starts_on": "2026-11-23", "reason": "x"}
    )
    assert answer.status_code == 403
    answer = client_for(world.user("programme_manager")).post(
        "/api/v1/suspensions/", {"country": "SN", "starts_on": "2026-11-23", "reason": "Floods"}
    )
    assert answer.status_code == 201


def test_travel_document_request_and_outcome(world):
    case = world.case(phase=Phase.PRE_DEPARTURE)
    officer = client_for(world.user("movement_officer"))
    answer = officer.post(
        f"/api/v1/cases/{case.reference}/travel-documents/",
        {"kind": "laissez_passer", "requested_on": "2026-11-20", "authority": "Consulate"},
    )
    assert answer.status_code == 201
    request = answer.json()
    url = f"/api/v1/travel-documents/{request['id']}/outcome/"
    answer = officer.post(url, {"version": request["version"], "status": "requested"})
    assert answer.status_code == 400
    answer = officer.post(
        url,
        {
            "version": request["version"],
            "status": "issued",
            "issued_on": "2026-11-21",
            "number": "LP-1",
        },
    )
    assert answer.status_code == 200 and answer.json()["status"] == "issued"


def test_final_discussion_cancel_booking_and_movement(world):
    mv = movement(world)
    booking = book(world, mv, ready_case(world))
    officer = client_for(world.user("movement_officer"))
    url = f"/api/v1/bookings/{booking.pk}/final-discussion/"
    body = {
        "held_on": "2026-11-23",
        "travel_details_confirmed": True,
        "reintegration_reviewed": False,
        "contacts_given": True,
    }
    answer = officer.post(url, body, format="json")
    assert answer.status_code == 400 and "reintegration_reviewed" in answer.json()["errors"]
    body["reintegration_reviewed"] = True
    assert officer.post(url, body, format="json").status_code == 201
    answer = officer.post(f"/api/v1/bookings/{booking.pk}/cancel/", {"reason": "Ill"})
    assert answer.status_code == 200 and answer.json()["status"] == "cancelled"
    answer = officer.post(f"/api/v1/movements/{mv.pk}/cancel/", {"version": 0, "reason": "x"})
    assert answer.status_code == 409
    answer = officer.post(f"/api/v1/movements/{mv.pk}/cancel/", {"version": 1, "reason": "x"})
    assert answer.status_code == 200 and answer.json()["status"] == "cancelled"
