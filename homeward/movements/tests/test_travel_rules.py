"""Phases 2–3 at the host office, one test (or more) per rule: refusal and success."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

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
from homeward.geo.models import AdminArea
from homeward.movements import services
from homeward.movements.models import (
    Booking,
    BookingStatus,
    MovementStatus,
    TransitAssistanceRequest,
    TravelDocumentStatus,
)
from homeward.registration.models import HealthAssessment

from .travel import (
    TODAY,
    book,
    booked_case,
    confirm_abn,
    discuss,
    movement,
    ready_case,
    ticket,
    with_passport,
)

pytestmark = pytest.mark.django_db


def officer(world):
    return world.user("movement_officer", "niamey")


# --- R-TRV-1 ------------------------------------------------------------------------------


def test_r_trv_1_booking_without_travel_document_is_refused(world):
    mv = movement(world)
    case = world.case(phase=Phase.PRE_DEPARTURE)
    with pytest.raises(TransitionBlocked) as exc:
        book(world, mv, case)
    assert any("R-TRV-1" in r for r in exc.value.reasons)


def test_r_trv_1_expired_passport_does_not_count(world):
    mv = movement(world, days=30)
    case = with_passport(
        world.case(phase=Phase.PRE_DEPARTURE), expires_on=TODAY + datetime.timedelta(days=20)
    )
    with pytest.raises(TransitionBlocked):
        book(world, mv, case)


def test_r_trv_1_laissez_passer_requested_then_issued_allows_booking(world):
    mv = movement(world)
    case = world.case(phase=Phase.PRE_DEPARTURE)
    request = services.travel_document_request(
        actor=officer(world),
        case_id=case.pk,
        kind="laissez_passer",
        requested_on=TODAY,
        authority="Embassy of Senegal",
    )
    with pytest.raises(TransitionBlocked) as exc:
        book(world, mv, case)
    assert "not issued yet" in exc.value.reasons[0]
    with pytest.raises(ValidationFailed) as exc:
        services.travel_document_record_outcome(
            actor=officer(world), request_id=request.pk, version=request.version, status="issued"
        )
    assert set(exc.value.field_errors) == {"issued_on", "number"}
    request = services.travel_document_record_outcome(
        actor=officer(world),
        request_id=request.pk,
        version=request.version,
        status="issued",
        issued_on=TODAY,
        number="LP-77",
        expires_on=TODAY + datetime.timedelta(days=90),
    )
    assert request.status == TravelDocumentStatus.ISSUED
    assert book(world, mv, case).status == BookingStatus.BOOKED


def test_r_trv_1_refusal_needs_a_reason_and_stale_versions_conflict(world):
    case = world.case(phase=Phase.PRE_DEPARTURE)
    request = services.travel_document_request(
        actor=officer(world), case_id=case.pk, kind="temporary", requested_on=TODAY, authority="X"
    )
    with pytest.raises(ValidationFailed):
        services.travel_document_record_outcome(
            actor=officer(world), request_id=request.pk, version=request.version, status="refused"
        )
    with pytest.raises(VersionConflict):
        services.travel_document_record_outcome(
            actor=officer(world),
            request_id=request.pk,
            version=request.version + 1,
            status="refused",
            refusal_reason="No proof",
        )


def test_r_trv_1_counsellor_may_not_request_and_other_office_gets_404(world):
    case = world.case(phase=Phase.PRE_DEPARTURE)
    with pytest.raises(PermissionDenied):
        services.travel_document_request(
            actor=world.user("counsellor"),
            case_id=case.pk,
            kind="temporary",
            requested_on=TODAY,
            authority="X",
        )
    with pytest.raises(NotFound):
        services.travel_document_request(
            actor=world.user("movement_officer", "rabat"),
            case_id=case.pk,
            kind="temporary",
            requested_on=TODAY,
            authority="X",
        )


# --- R-TRV-2 ------------------------------------------------------------------------------


def test_r_trv_2_ticket_refused_until_origin_office_confirms(world):
    mv = movement(world)
    case = ready_case(world)
    booking = book(world, mv, case)
    with pytest.raises(TransitionBlocked) as exc:
        ticket(world, booking)
    assert any("R-TRV-2" in r for r in exc.value.reasons)
    abn = services.abn_send(actor=officer(world), movement_id=mv.pk)
    services.abn_respond(
        actor=world.user("reception_officer", "dakar"),
        abn_id=abn.pk,
        version=abn.version,
        confirm=False,
        message="Which terminal?",
    )
    with pytest.raises(TransitionBlocked):
        ticket(world, booking)
    abn.refresh_from_db()
    services.abn_respond(
        actor=world.user("reception_officer", "dakar"),
        abn_id=abn.pk,
        version=abn.version,
        confirm=True,
    )
    booking = ticket(world, booking)
    case.refresh_from_db()
    assert booking.status == BookingStatus.TICKETED
    assert case.phase == Phase.TRAVEL_BOOKED
    mv.refresh_from_db()
    assert mv.status == MovementStatus.BOOKED


def test_r_trv_2_book_travel_blocked_without_a_ticketed_booking(world):
    case = ready_case(world)
    with pytest.raises(TransitionBlocked) as exc:
        case_transition(actor=officer(world), case_id=case.pk, action="book_travel")
    assert "not booked" in exc.value.reasons[0]


def test_r_trv_2_a_case_booked_after_the_abn_needs_a_new_one(world):
    mv = movement(world)
    booked_case(world, mv)
    late = book(world, mv, ready_case(world))
    with pytest.raises(TransitionBlocked):
        ticket(world, late)
    confirm_abn(world, mv)
    assert ticket(world, late, "TK-2").status == BookingStatus.TICKETED


# --- R-TRV-5, R-TRV-6 -----------------------------------------------------------------------


def test_r_trv_5_more_than_50_is_large_scale_with_requirements(world):
    mv = movement(world, means="charter")
    mv.airspace_countries = "ML"
    assert services.large_scale_requirements(mv, 50) == []
    needs = services.large_scale_requirements(mv, 51)
    assert any("airspace" in n and "ML" in n for n in needs)
    assert any("escort" in n for n in needs)
    mv.means = "bus"
    assert not any("airspace" in n for n in services.large_scale_requirements(mv, 51))


def test_r_trv_5_the_51st_booking_needs_an_operational_escort(world, monkeypatch):
    mv = movement(world, means="charter")
    monkeypatch.setattr(services.bookings, "active_bookings_count", lambda movement: 50)
    with pytest.raises(TransitionBlocked) as exc:
        book(world, mv, ready_case(world))
    assert any("large-scale" in r for r in exc.value.reasons)
    assert book(world, mv, ready_case(world), operational_escort=True)


def test_r_trv_6_medical_escort_required_for_a_medical_condition(world):
    mv = movement(world)
    case = ready_case(world)
    HealthAssessment.objects.create(
        case=case, needs_medical_escort=True, assessed_by=world.user("medical_officer")
    )
    with pytest.raises(TransitionBlocked) as exc:
        book(world, mv, case)
    assert any("medical escort" in r for r in exc.value.reasons)
    booking = book(world, mv, case, medical_escort=True, escort_notes="Nurse")
    assert booking.medical_escort


def test_r_trv_6_medical_condition_flag_also_requires_it(world):
    mv = movement(world)
    case = ready_case(world)
    VulnerabilityFlag.objects.create(case=case, category="medical_condition")
    with pytest.raises(TransitionBlocked):
        book(world, mv, case)


def test_r_trv_6_unaccompanied_child_under_15_needs_operational_escort(world):
    mv = movement(world)
    child = ready_case(world)
    child.person.date_of_birth = TODAY - datetime.timedelta(days=365 * 12)
    child.person.save()
    VulnerabilityFlag.objects.create(case=child, category="umc")
    with pytest.raises(TransitionBlocked) as exc:
        book(world, mv, child)
    assert any("child under 15" in r for r in exc.value.reasons)
    assert book(world, mv, child, operational_escort=True).operational_escort


def test_r_trv_6_a_16_year_old_child_needs_none(world):
    mv = movement(world)
    case = ready_case(world)
    case.person.date_of_birth = TODAY - datetime.timedelta(days=365 * 16 + 10)
    case.person.save()
    VulnerabilityFlag.objects.create(case=case, category="umc")
    assert book(world, mv, case)


def test_r_trv_6_escort_recorded_later_unblocks_the_ticket(world, monkeypatch):
    mv = movement(world)
    case = ready_case(world)
    booking = book(world, mv, case)
    confirm_abn(world, mv)
    HealthAssessment.objects.create(
        case=case, needs_medical_escort=True, assessed_by=world.user("medical_officer")
    )
    with pytest.raises(TransitionBlocked):
        ticket(world, booking)
    booking.refresh_from_db()
    services.booking_set_escorts(
        actor=officer(world),
        booking_id=booking.pk,
        version=booking.version,
        medical_escort=True,
        operational_escort=False,
    )
    assert ticket(world, booking).status == BookingStatus.TICKETED


# --- R-TRV-7 ------------------------------------------------------------------------------


def test_r_trv_7_migrant_told_travel_details_after_booking(world):
    booking = book(world, movement(world), ready_case(world))
    with pytest.raises(ValidationFailed):
        services.booking_record_informed(
            actor=officer(world),
            booking_id=booking.pk,
            informed_on=TODAY - datetime.timedelta(days=3),
        )
    booking = services.booking_record_informed(
        actor=officer(world), booking_id=booking.pk, informed_on=TODAY
    )
    assert booking.informed_on == TODAY


# --- R-SUS-1 ------------------------------------------------------------------------------


def test_r_sus_1_suspension_refuses_new_bookings_and_flags_existing(world):
    mv = movement(world)
    existing = book(world, mv, ready_case(world))
    with pytest.raises(PermissionDenied):
        services.suspension_create(
            actor=officer(world), country_id="SN", starts_on=TODAY, reason="Floods"
        )
    services.suspension_create(
        actor=world.user("programme_manager"), country_id="SN", starts_on=TODAY, reason="Floods"
    )
    existing.refresh_from_db()
    assert existing.review_required and "Floods" in existing.review_reason
    with pytest.raises(TransitionBlocked) as exc:
        book(world, mv, ready_case(world))
    assert any("Floods" in r and "R-SUS-1" in r for r in exc.value.reasons)
    # Guinea is not suspended.
    other = movement(world, origin=world.conakry)
    assert book(world, other, ready_case(world, origin=world.conakry))


def test_r_sus_1_area_suspension_only_blocks_that_area(world):
    region = AdminArea.objects.create(country_id="SN", code="SN-KD", name="Kolda")
    town = AdminArea.objects.create(country_id="SN", code="SN-KD-1", name="Town", parent=region)
    services.suspension_create(
        actor=world.user("programme_manager"),
        country_id="SN",
        admin_area_id=region.pk,
        starts_on=TODAY,
        reason="Unrest",
    )
    mv = movement(world)
    there = ready_case(world)
    there.intended_return_area = town
    there.save()
    with pytest.raises(TransitionBlocked):
        book(world, mv, there)
    assert book(world, mv, ready_case(world))


def test_r_sus_1_suspension_ended_before_departure_does_not_block(world):
    services.suspension_create(
        actor=world.user("programme_manager"),
        country_id="SN",
        starts_on=TODAY,
        ends_on=TODAY + datetime.timedelta(days=3),
        reason="Elections",
    )
    assert book(world, movement(world, days=14), ready_case(world))


# --- Booking basics -------------------------------------------------------------------------


def test_booking_refuses_wrong_phase_duplicates_and_other_routes(world):
    mv = movement(world)
    with pytest.raises(ValidationFailed):
        book(world, mv, with_passport(world.case(phase=Phase.REGISTERED)))
    case = ready_case(world)
    book(world, mv, case)
    with pytest.raises(ValidationFailed):
        book(world, movement(world), case)
    with pytest.raises(ValidationFailed):
        book(world, mv, ready_case(world, origin=world.conakry))


def test_cancelled_booking_frees_the_case(world):
    mv = movement(world)
    case = ready_case(world)
    booking = book(world, mv, case)
    with pytest.raises(ValidationFailed):
        services.booking_cancel(actor=officer(world), booking_id=booking.pk, reason=" ")
    services.booking_cancel(actor=officer(world), booking_id=booking.pk, reason="Ill")
    assert book(world, mv, case).status == BookingStatus.BOOKED
    assert Booking.objects.filter(case=case).count() == 2


# --- R-TRV-8 ------------------------------------------------------------------------------


def test_r_trv_8_final_discussion_covers_all_three_points(world):
    booking = book(world, movement(world), ready_case(world))
    with pytest.raises(ValidationFailed) as exc:
        services.final_discussion_record(
            actor=officer(world),
            booking_id=booking.pk,
            held_on=TODAY,
            travel_details_confirmed=True,
            reintegration_reviewed=False,
            contacts_given=False,
        )
    assert set(exc.value.field_errors) == {"reintegration_reviewed", "contacts_given"}
    discussion = services.final_discussion_record(
        actor=officer(world),
        booking_id=booking.pk,
        held_on=TODAY,
        travel_details_confirmed=True,
        reintegration_reviewed=True,
        contacts_given=True,
    )
    assert discussion.booking == booking


# --- R-TRV-10, R-TRV-11 ---------------------------------------------------------------------


def _move_to_departure(mv, monkeypatch, days=0):
    """Pretend the movement left `days` ago (its departure was set in the future)."""
    mv.departs_at = timezone.now() - datetime.timedelta(days=days, hours=1)
    mv.save(update_fields=["departs_at"])


def test_r_trv_10_departure_confirmed_moves_ticketed_cases(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    world.dakar.email = "dakar@example.org"
    world.dakar.save()
    mv = movement(world)
    booking = booked_case(world, mv)
    other = book(world, mv, ready_case(world))  # never ticketed
    discuss(world, booking)
    _move_to_departure(mv, monkeypatch)
    with pytest.raises(PermissionDenied):
        services.movement_confirm_departure(
            actor=world.user("counsellor"), movement_id=mv.pk, departed_on=TODAY
        )
    with pytest.raises(ValidationFailed):
        services.movement_confirm_departure(
            actor=officer(world), movement_id=mv.pk, departed_on=TODAY + datetime.timedelta(days=1)
        )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        mv = services.movement_confirm_departure(
            actor=officer(world), movement_id=mv.pk, departed_on=TODAY
        )
    booking.refresh_from_db()
    other.refresh_from_db()
    booking.case.refresh_from_db()
    assert mv.status == MovementStatus.DEPARTED
    assert booking.status == BookingStatus.DEPARTED
    assert booking.case.phase == Phase.DEPARTED
    assert other.status == BookingStatus.CANCELLED
    assert [m.to for m in mail.outbox] == [["dakar@example.org"]]
    with pytest.raises(ValidationFailed):
        services.movement_confirm_departure(
            actor=officer(world), movement_id=mv.pk, departed_on=TODAY
        )


def test_r_trv_10_late_confirmation_is_flagged_in_the_audit(world, monkeypatch):
    mv = movement(world)
    discuss(world, booked_case(world, mv))
    _move_to_departure(mv, monkeypatch, days=3)
    services.movement_confirm_departure(
        actor=officer(world), movement_id=mv.pk, departed_on=TODAY - datetime.timedelta(days=3)
    )
    event = AuditEvent.objects.filter(object_id=str(mv.pk), action="transition").get()
    assert event.changes["late"] is True
    mv.refresh_from_db()
    assert mv.departure_confirmed_late is True


def test_r_trv_11_indirect_travel_requests_transit_assistance(world):
    from homeward.testing.factories import OfficeFactory

    bamako = OfficeFactory(code="BKO", name="Bamako", country_id="ML", is_transit=True)
    legs = [
        {"from_place": "Niamey", "to_place": "Bamako", "transit_office_id": bamako.pk},
        {"from_place": "Bamako", "to_place": "Dakar"},
    ]
    mv = movement(world, legs=legs)
    direct = movement(world)
    assert mv.legs.count() == 2
    booked_case(world, mv)
    booked_case(world, direct)
    request = TransitAssistanceRequest.objects.get()
    assert request.movement == mv and request.transit_office == bamako
    assert request.migrants == 1


def test_movement_leg_needs_a_transit_office(world):
    with pytest.raises(ValidationFailed):
        movement(
            world, legs=[{"from_place": "A", "to_place": "B", "transit_office_id": world.dakar.pk}]
        )


def test_movement_cancel_frees_untickets_and_refuses_with_tickets(world):
    mv = movement(world)
    booking = book(world, mv, ready_case(world))
    with pytest.raises(ValidationFailed):
        services.movement_cancel(
            actor=officer(world), movement_id=mv.pk, version=mv.version, reason=""
        )
    mv = services.movement_cancel(
        actor=officer(world), movement_id=mv.pk, version=mv.version, reason="Airline strike"
    )
    booking.refresh_from_db()
    assert mv.status == MovementStatus.CANCELLED and booking.status == BookingStatus.CANCELLED
    other = movement(world)
    booked_case(world, other)
    other.refresh_from_db()
    with pytest.raises(ValidationFailed):
        services.movement_cancel(
            actor=officer(world), movement_id=other.pk, version=other.version, reason="x"
        )
    with pytest.raises(VersionConflict):
        services.movement_cancel(
            actor=officer(world), movement_id=other.pk, version=other.version - 1, reason="x"
        )


def test_withdrawn_case_with_a_ticket_does_not_depart(world):
    mv = movement(world)
    booking = booked_case(world, mv)
    with pytest.raises(ValidationFailed):
        services.booking_cancel(actor=officer(world), booking_id=booking.pk, reason="Changed mind")
    discuss(world, booking)
    stays = booked_case(world, mv, ready_case(world))  # withdrawn: no discussion needed
    case_transition(
        actor=officer(world), case_id=stays.case_id, action="withdraw", reason="Changed mind"
    )
    mv.refresh_from_db()
    mv.departs_at = timezone.now() - datetime.timedelta(hours=1)
    mv.save(update_fields=["departs_at"])
    services.movement_confirm_departure(actor=officer(world), movement_id=mv.pk, departed_on=TODAY)
    booking.refresh_from_db()
    stays.refresh_from_db()
    assert booking.status == BookingStatus.DEPARTED
    assert stays.status == BookingStatus.CANCELLED
    assert stays.case.phase == Phase.WITHDRAWN


def test_r_trv_5_fifty_one_real_bookings_flag_the_movement_large_scale(world):
    from homeward.movements import selectors

    mv = movement(world, means="charter")
    for _ in range(50):
        book(world, mv, ready_case(world))
    board = selectors.movement_board(officer(world), movement_id=mv.pk)
    assert board.large_scale == [] and all(not r.escort_reasons for r in board.rows)
    with pytest.raises(TransitionBlocked):
        book(world, mv, ready_case(world))
    book(world, mv, ready_case(world), operational_escort=True)
    board = selectors.movement_board(officer(world), movement_id=mv.pk)
    assert board.migrants == 51 and board.large_scale
    # The fifty booked before now need their operational escort before their tickets.
    assert sum(1 for r in board.rows if r.escort_reasons) == 50
    abn = services.abn_send(actor=officer(world), movement_id=mv.pk)
    assert abn.content["migrants"] == 51 and abn.content["large_scale"]


def test_r_trv_10_a_ticketed_case_departs_only_with_its_movement(world):
    booking = booked_case(world)
    with pytest.raises(TransitionBlocked) as exc:
        case_transition(actor=officer(world), case_id=booking.case_id, action="confirm_departure")
    assert "R-TRV-10" in exc.value.reasons[0]
    assert any("R-TRV-8" in reason for reason in exc.value.reasons)
    # A case booked before movements were recorded is not held back.
    legacy = world.case(phase=Phase.TRAVEL_BOOKED)
    case = case_transition(actor=officer(world), case_id=legacy.pk, action="confirm_departure")
    assert case.phase == Phase.DEPARTED


def test_r_sus_1_flagged_booking_kept_only_once_the_suspension_no_longer_applies(world):
    mv = movement(world, days=20)
    booking = book(world, mv, ready_case(world))
    suspension = services.suspension_create(
        actor=world.user("programme_manager"), country_id="SN", starts_on=TODAY, reason="Floods"
    )
    with pytest.raises(TransitionBlocked):
        services.booking_mark_reviewed(actor=officer(world), booking_id=booking.pk)
    suspension.ends_on = TODAY + datetime.timedelta(days=5)
    suspension.save()
    booking = services.booking_mark_reviewed(actor=officer(world), booking_id=booking.pk)
    assert booking.review_required is False


def test_r_trv_10_departure_day_refusals_say_what_is_wrong(world, monkeypatch):
    mv = movement(world, days=3)
    discuss(world, booked_case(world, mv))

    def refusal(departed_on) -> str:
        with pytest.raises(ValidationFailed) as exc:
            services.movement_confirm_departure(
                actor=officer(world), movement_id=mv.pk, departed_on=departed_on
            )
        return " ".join(exc.value.field_errors["departed_on"])

    assert "is planned to leave on" in refusal(TODAY)  # the flight has not left yet
    _move_to_departure(mv, monkeypatch, days=2)  # it left two days ago
    assert "cannot be in the future" in refusal(TODAY + datetime.timedelta(days=1))
    assert "before the planned departure" in refusal(TODAY - datetime.timedelta(days=3))
