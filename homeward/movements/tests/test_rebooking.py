"""Rebooking a case onto another movement (missed flight, date change), lifting a suspension
of returns (R-SUS-1) and the final discussion before departure (R-TRV-8): refusal and
success paths, in the services and through the API."""

import datetime

import pytest
from django.core import mail
from rest_framework.test import APIClient

from homeward.audit.models import AuditEvent
from homeward.cases.models import Phase, VulnerabilityFlag
from homeward.cases.services import case_transition
from homeward.core.errors import (
    NotFound,
    PermissionDenied,
    TransitionBlocked,
    ValidationFailed,
    VersionConflict,
)
from homeward.movements import selectors, services
from homeward.movements.models import BookingStatus, MovementStatus, Suspension

from .travel import (
    TODAY,
    book,
    booked_case,
    confirm_abn,
    discuss,
    movement,
    ready_case,
    ticket,
)

pytestmark = pytest.mark.django_db


def officer(world):
    return world.user("movement_officer", "niamey")


def manager(world):
    return world.user("programme_manager", "niamey")


def rebook(world, booking, target, reason="Missed flight", actor=None):
    booking.refresh_from_db()
    return services.booking_rebook(
        actor=actor or officer(world),
        booking_id=booking.pk,
        version=booking.version,
        movement_id=target.pk,
        reason=reason,
    )


def suspend(world, **kwargs):
    kwargs.setdefault("starts_on", TODAY)
    return services.suspension_create(
        actor=manager(world), country_id="SN", reason="Floods", **kwargs
    )


def lift(world, suspension, lifted_on=None, reason="Roads open again", actor=None):
    suspension.refresh_from_db()
    return services.suspension_lift(
        actor=actor or manager(world),
        suspension_id=suspension.pk,
        version=suspension.version,
        lifted_on=lifted_on or TODAY,
        reason=reason,
    )


def _move_to_departure(mv):
    from django.utils import timezone

    mv.refresh_from_db()
    mv.departs_at = timezone.now() - datetime.timedelta(hours=1)
    mv.save(update_fields=["departs_at"])


# --- Rebooking ------------------------------------------------------------------------------


def test_rebook_ticketed_case_cancels_the_old_booking_and_books_the_new_movement(
    world, django_capture_on_commit_callbacks
):
    world.dakar.email = "dakar@example.org"
    world.dakar.save()
    first = movement(world, days=10)
    later = movement(world, days=20)
    old = booked_case(world, first)
    old.refresh_from_db()
    services.booking_set_escorts(
        actor=officer(world),
        booking_id=old.pk,
        version=old.version,
        medical_escort=True,
        operational_escort=False,
        escort_notes="Nurse",
    )
    services.booking_record_informed(actor=officer(world), booking_id=old.pk, informed_on=TODAY)
    discuss(world, old)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        new = rebook(world, old, later, reason="Missed flight")
    old.refresh_from_db()
    first.refresh_from_db()
    new.case.refresh_from_db()
    assert old.status == BookingStatus.CANCELLED and old.cancellation_reason == "Missed flight"
    assert new.movement == later and new.status == BookingStatus.BOOKED
    assert new.rebooked_from == old and old.rebooked_to == new
    assert new.medical_escort and new.escort_notes == "Nurse"  # needs carried over
    assert new.ticket_number == "" and new.informed_on is None  # R-TRV-7: told again
    assert not hasattr(new, "final_discussion")  # R-TRV-8: held again
    assert new.case.phase == Phase.TRAVEL_BOOKED  # still booked to travel
    assert first.status == MovementStatus.PLANNED  # no ticket left on it
    summaries = set(
        AuditEvent.objects.filter(case_reference=new.case.reference).values_list(
            "summary", flat=True
        )
    )
    assert {"Booking cancelled", "Rebooked onto another movement"} <= summaries
    assert [m.to for m in mail.outbox] == [["dakar@example.org"]]
    assert new.case.reference in mail.outbox[0].subject


def test_r_trv_2_rebooked_ticket_waits_for_the_new_movements_abn(world):
    later = movement(world, days=20)
    new = rebook(world, booked_case(world, movement(world, days=10)), later)
    with pytest.raises(TransitionBlocked) as exc:
        ticket(world, new)
    assert any("R-TRV-2" in r for r in exc.value.reasons)
    confirm_abn(world, later)
    new = ticket(world, new, number="TK-2")
    new.case.refresh_from_db()
    later.refresh_from_db()
    assert new.status == BookingStatus.TICKETED and new.ticket_number == "TK-2"
    assert new.case.phase == Phase.TRAVEL_BOOKED and later.status == MovementStatus.BOOKED


def test_rebook_a_booked_case_without_ticket(world):
    old = book(world, movement(world, days=10), ready_case(world))
    new = rebook(world, old, movement(world, days=20), reason="New date")
    new.case.refresh_from_db()
    assert new.status == BookingStatus.BOOKED and new.case.phase == Phase.PRE_DEPARTURE


def test_r_sus_1_rebooking_into_a_suspension_is_refused_and_nothing_changes(world):
    old = booked_case(world, movement(world, days=10))
    suspend(world, starts_on=TODAY + datetime.timedelta(days=15))
    with pytest.raises(TransitionBlocked) as exc:
        rebook(world, old, movement(world, days=20))
    assert any("R-SUS-1" in r for r in exc.value.reasons)
    old.refresh_from_db()
    assert old.status == BookingStatus.TICKETED and old.cancellation_reason == ""


def test_r_sus_1_flagged_booking_rebooked_after_the_suspension_ends(world):
    old = book(world, movement(world, days=10), ready_case(world))
    suspend(world, ends_on=TODAY + datetime.timedelta(days=12))
    old.refresh_from_db()
    assert old.review_required
    new = rebook(world, old, movement(world, days=20), reason="Suspended until the 12th")
    old.refresh_from_db()
    assert not new.review_required
    assert old.review_required and "Floods" in old.review_reason  # its review record stays


def test_r_trv_6_rebooking_applies_the_new_movements_escort_rules(world, monkeypatch):
    old = booked_case(world, movement(world, days=10))
    charter = movement(world, days=20, means="charter")
    monkeypatch.setattr(services.rebooking, "active_bookings_count", lambda movement: 50)
    with pytest.raises(TransitionBlocked) as exc:  # R-TRV-5: the 51st on the charter
        rebook(world, old, charter)
    assert any("large-scale" in r for r in exc.value.reasons)
    monkeypatch.undo()
    child = ready_case(world)
    child.person.date_of_birth = TODAY - datetime.timedelta(days=365 * 10)
    child.person.save()
    VulnerabilityFlag.objects.create(case=child, category="umc")
    young = book(world, movement(world, days=10), child, operational_escort=True)
    services.booking_set_escorts(
        actor=officer(world),
        booking_id=young.pk,
        version=young.version,
        medical_escort=False,
        operational_escort=False,
    )  # the escort was dropped after booking
    with pytest.raises(TransitionBlocked) as exc:
        rebook(world, young, movement(world, days=20))
    assert any("under 15" in r for r in exc.value.reasons)


def test_rebook_stale_version_conflicts(world):
    old = booked_case(world, movement(world, days=10))
    with pytest.raises(VersionConflict):
        services.booking_rebook(
            actor=officer(world),
            booking_id=old.pk,
            version=old.version - 1,
            movement_id=movement(world, days=20).pk,
            reason="Missed flight",
        )


def test_rebook_refusals(world):
    first = movement(world, days=10)
    old = booked_case(world, first)
    later = movement(world, days=20)
    with pytest.raises(ValidationFailed) as exc:
        rebook(world, old, later, reason=" ")
    assert "reason" in exc.value.field_errors
    with pytest.raises(ValidationFailed):
        rebook(world, old, first)  # its own movement
    cancelled = movement(world, days=15)
    cancelled.status = MovementStatus.CANCELLED
    cancelled.save()
    with pytest.raises(ValidationFailed):
        rebook(world, old, cancelled)
    with pytest.raises(ValidationFailed):
        rebook(world, old, movement(world, days=20, origin=world.conakry))  # other route
    with pytest.raises(PermissionDenied):
        rebook(world, old, later, actor=world.user("counsellor"))
    with pytest.raises(NotFound):
        rebook(world, old, later, actor=world.user("movement_officer", "rabat"))
    case_transition(actor=officer(world), case_id=old.case_id, action="withdraw", reason="Stays")
    with pytest.raises(ValidationFailed):
        rebook(world, old, later)


def test_travel_booked_case_cannot_lose_its_only_booking(world):
    """A rebooked case (travel booked) keeps a booking: neither taking it off nor cancelling
    its movement may leave it travel booked without one."""
    later = movement(world, days=20)
    new = rebook(world, booked_case(world, movement(world, days=10)), later)
    with pytest.raises(ValidationFailed):
        services.booking_cancel(actor=officer(world), booking_id=new.pk, reason="Dropped")
    later.refresh_from_db()
    with pytest.raises(ValidationFailed):
        services.movement_cancel(
            actor=officer(world), movement_id=later.pk, version=later.version, reason="Storm"
        )


# --- R-TRV-8 before departure ------------------------------------------------------------------


def test_r_trv_8_departure_refused_without_final_discussion_listing_the_cases(world):
    mv = movement(world)
    first = booked_case(world, mv)
    second = booked_case(world, mv, ready_case(world))
    discuss(world, first)
    _move_to_departure(mv)
    with pytest.raises(TransitionBlocked) as exc:
        services.movement_confirm_departure(
            actor=officer(world), movement_id=mv.pk, departed_on=TODAY
        )
    assert len(exc.value.reasons) == 1
    assert second.case.reference in exc.value.reasons[0] and "R-TRV-8" in exc.value.reasons[0]
    mv.refresh_from_db()
    first.refresh_from_db()
    assert mv.status == MovementStatus.BOOKED and first.status == BookingStatus.TICKETED
    board = selectors.movement_board(officer(world), movement_id=mv.pk)
    assert board.departure_blockers == exc.value.reasons
    discuss(world, second)
    mv = services.movement_confirm_departure(
        actor=officer(world), movement_id=mv.pk, departed_on=TODAY
    )
    assert mv.status == MovementStatus.DEPARTED


def test_r_trv_8_case_requirement_names_the_final_discussion(world):
    from homeward.cases.requirements import unmet_requirements

    booking = booked_case(world)
    booking.case.refresh_from_db()
    reasons = unmet_requirements(officer(world), booking.case)["confirm_departure"]
    assert any("R-TRV-8" in r for r in reasons) and any("R-TRV-10" in r for r in reasons)
    discuss(world, booking)
    reasons = unmet_requirements(officer(world), booking.case)["confirm_departure"]
    assert not any("R-TRV-8" in r for r in reasons)


def test_r_trv_8_a_rebooked_case_without_its_new_ticket_holds_the_departure(world):
    mv = movement(world, days=20)
    new = rebook(world, booked_case(world, movement(world, days=10)), mv)
    other = booked_case(world, mv, ready_case(world))
    discuss(world, other)
    _move_to_departure(mv)
    with pytest.raises(TransitionBlocked) as exc:
        services.movement_confirm_departure(
            actor=officer(world), movement_id=mv.pk, departed_on=TODAY
        )
    assert [r for r in exc.value.reasons if new.case.reference in r]
    assert any("R-TRV-2" in r for r in exc.value.reasons)
    new.case.refresh_from_db()
    reasons = services.departure_problems(new.case)
    assert any("R-TRV-2" in r for r in reasons)


def test_r_trv_8_withdrawn_case_holds_nothing_back(world):
    mv = movement(world)
    stays = booked_case(world, mv)
    case_transition(
        actor=officer(world), case_id=stays.case_id, action="withdraw", reason="Changed mind"
    )
    _move_to_departure(mv)
    mv = services.movement_confirm_departure(
        actor=officer(world), movement_id=mv.pk, departed_on=TODAY
    )
    assert mv.status == MovementStatus.DEPARTED


# --- R-SUS-1: lifting a suspension ---------------------------------------------------------------


def test_r_sus_1_lifting_a_suspension_accepts_bookings_again_and_keeps_review_records(world):
    mv = movement(world)
    flagged = book(world, mv, ready_case(world))
    suspension = suspend(world)
    with pytest.raises(TransitionBlocked):
        book(world, mv, ready_case(world))
    lifted = lift(world, suspension, lifted_on=TODAY)
    assert lifted.lifted_on == TODAY and lifted.ends_on == TODAY - datetime.timedelta(days=1)
    assert lifted.lifted_by == manager(world) and lifted.lift_reason == "Roads open again"
    assert book(world, mv, ready_case(world))
    flagged.refresh_from_db()
    assert flagged.review_required and "Floods" in flagged.review_reason
    assert services.booking_mark_reviewed(actor=officer(world), booking_id=flagged.pk)
    event = AuditEvent.objects.get(object_id=str(suspension.pk), action="update")
    assert event.changes["reason"] == "Roads open again"


def test_r_sus_1_lifting_later_keeps_earlier_departures_suspended(world):
    suspension = suspend(world)
    lift(world, suspension, lifted_on=TODAY + datetime.timedelta(days=15))
    with pytest.raises(TransitionBlocked):
        book(world, movement(world, days=10), ready_case(world))
    assert book(world, movement(world, days=20), ready_case(world))


def test_r_sus_1_lifting_refusals(world):
    suspension = suspend(world, ends_on=TODAY + datetime.timedelta(days=10))
    with pytest.raises(PermissionDenied):
        lift(world, suspension, actor=officer(world))
    with pytest.raises(ValidationFailed) as exc:
        lift(world, suspension, reason="")
    assert "reason" in exc.value.field_errors
    with pytest.raises(ValidationFailed) as exc:
        lift(world, suspension, lifted_on=TODAY + datetime.timedelta(days=11))
    assert "lifted_on" in exc.value.field_errors  # would extend it
    with pytest.raises(VersionConflict):
        services.suspension_lift(
            actor=manager(world),
            suspension_id=suspension.pk,
            version=suspension.version - 1,
            lifted_on=TODAY,
            reason="x",
        )
    lift(world, suspension)
    with pytest.raises(ValidationFailed):
        lift(world, suspension)  # already lifted
    with pytest.raises(NotFound):
        services.suspension_lift(
            actor=manager(world),
            suspension_id="00000000-0000-0000-0000-000000000000",
            version=1,
            lifted_on=TODAY,
            reason="x",
        )


# --- API ------------------------------------------------------------------------------------


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_rebook_api_201_and_409(world):
    old = booked_case(world, movement(world, days=10))
    old.refresh_from_db()
    later = movement(world, days=20)
    api = client_for(officer(world))
    url = f"/api/v1/bookings/{old.pk}/rebook/"
    stale = api.post(
        url,
        {"version": old.version - 1, "movement_id": str(later.pk), "reason": "Missed flight"},
        format="json",
    )
    assert stale.status_code == 409
    answer = api.post(
        url,
        {"version": old.version, "movement_id": str(later.pk), "reason": "Missed flight"},
        format="json",
    )
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert body["movement_id"] == str(later.pk) and body["rebooked_from_id"] == str(old.pk)
    assert body["status"] == "booked"
    board = api.get(f"/api/v1/movements/{later.pk}/").json()
    assert board["rows"][0]["rebooked_from_movement_id"] == str(old.movement_id)
    assert board["rows"][0]["abn"] == ""  # the new movement's ABN is still to send


def test_suspension_lift_api(world):
    suspension = suspend(world)
    listing = client_for(manager(world)).get("/api/v1/suspensions/")
    assert listing.status_code == 200 and listing.json()[0]["id"] == str(suspension.pk)
    url = f"/api/v1/suspensions/{suspension.pk}/lift/"
    data = {"version": suspension.version, "lifted_on": TODAY.isoformat(), "reason": "Safe"}
    assert client_for(officer(world)).post(url, data, format="json").status_code == 403
    answer = client_for(manager(world)).post(url, data, format="json")
    assert answer.status_code == 200 and answer.json()["lifted_on"] == TODAY.isoformat()
    assert Suspension.objects.get().is_lifted


def test_r_trv_11_transit_office_told_when_a_rebooking_changes_the_head_count(
    world, django_capture_on_commit_callbacks
):
    from homeward.movements.models import TransitAssistanceRequest
    from homeward.testing.factories import OfficeFactory

    bamako = OfficeFactory(
        code="BKO", name="Bamako", country_id="ML", is_transit=True, email="bko@example.org"
    )
    legs = [
        {"from_place": "Niamey", "to_place": "Bamako", "transit_office_id": bamako.pk},
        {"from_place": "Bamako", "to_place": "Dakar"},
    ]
    indirect = movement(world, days=10, legs=legs)
    staying = booked_case(world, indirect)
    leaving = book(world, indirect, ready_case(world))
    request = TransitAssistanceRequest.objects.get(movement=indirect)
    assert request.migrants == 2  # the booking after the ABN counts in at once
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        rebook(world, leaving, movement(world, days=20))
    request.refresh_from_db()
    assert request.migrants == 1
    assert [m.to for m in mail.outbox if m.to == ["bko@example.org"]] == [["bko@example.org"]]
    assert "1 returnees now transit at Bamako" in next(
        m.body for m in mail.outbox if m.to == ["bko@example.org"]
    )
    # A plain cancellation before departure counts out too.
    joining = book(world, indirect, ready_case(world))
    request.refresh_from_db()
    assert request.migrants == 2
    services.booking_cancel(actor=officer(world), booking_id=joining.pk, reason="Changed mind")
    request.refresh_from_db()
    assert request.migrants == 1 and staying.movement_id == indirect.pk
