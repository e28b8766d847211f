"""Bookings of cases on a movement (R-TRV-1, R-TRV-2, R-TRV-5, R-TRV-6, R-TRV-7, R-SUS-1):
the escorts a case needs, what blocks a booking or its ticket, and the writes (book,
escorts, migrant informed, ticket, cancel)."""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from homeward.accounts.clock import office_day, office_today
from homeward.accounts.roles import Perm
from homeward.audit.models import AuditAction
from homeward.cases.models import Case, Phase, VulnerabilityCategory
from homeward.cases.services import case_transition
from homeward.core.concurrency import check_version
from homeward.core.errors import TransitionBlocked
from homeward.registration.models import HealthAssessment
from homeward.registration.services import age_on

from ..models import (
    ACTIVE_BOOKING,
    LARGE_SCALE_THRESHOLD,
    AbnStatus,
    AdvanceBookingNotification,
    Booking,
    BookingStatus,
    Movement,
    MovementStatus,
)
from ._common import (
    _active,
    _audit,
    _booking_for,
    _case_for,
    _full_clean,
    _invalid,
    _movement_for,
    active_bookings_count,
    departure_day,
)
from .abn import _update_transit_head_count
from .suspensions import _suspension_reason, suspension_for
from .travel_documents import travel_document_problems

#: R-TRV-6: unaccompanied children under this age travel with an operational escort.
UMC_ESCORT_AGE = 15


# --- Bookings (R-TRV-2, R-TRV-5, R-TRV-6, R-TRV-7, R-SUS-1) -------------------------------


def needs_medical_escort(case: Case) -> bool:
    """R-TRV-6: a significant medical condition (flag) or the health assessment's decision."""
    if case.flags.filter(category=VulnerabilityCategory.MEDICAL_CONDITION).exists():
        return True
    return HealthAssessment.objects.filter(case=case, needs_medical_escort=True).exists()


def needs_operational_escort_as_child(case: Case, day: datetime.date) -> bool:
    """R-TRV-6: an unaccompanied or separated child under 15 on the day of travel."""
    if not case.flags.filter(category=VulnerabilityCategory.UMC).exists():
        return False
    age = age_on(case.person, day)
    return age is not None and age < UMC_ESCORT_AGE


def escort_problems(case: Case, booking, movement: Movement, migrants: int) -> list:
    """R-TRV-6: the escorts this case needs and the booking does not record."""
    day = departure_day(movement)
    medical = booking.medical_escort if booking else False
    operational = booking.operational_escort if booking else False
    reasons = []
    if not medical and needs_medical_escort(case):
        reasons.append(_("A medical escort is required for this returnee (R-TRV-6)."))
    if not operational:
        if migrants > LARGE_SCALE_THRESHOLD:
            reasons.append(
                _("An operational escort is required on a large-scale movement (R-TRV-5, R-TRV-6).")
            )
        elif needs_operational_escort_as_child(case, day):
            reasons.append(
                _(
                    "An operational escort is required for an unaccompanied child under 15 "
                    "(R-TRV-6)."
                )
            )
    return reasons


def _booking_problems(case: Case, booking, movement: Movement, migrants: int) -> list:
    day = departure_day(movement)
    reasons = list(travel_document_problems(case, day))
    suspension = suspension_for(case, day)
    if suspension:
        reasons.append(_suspension_reason(suspension))
    reasons += escort_problems(case, booking, movement, migrants)
    return reasons


def confirmed_abn_for(booking: Booking) -> AdvanceBookingNotification | None:
    """R-TRV-2: the origin office's confirmation of an ABN that listed this case."""
    for abn in booking.movement.abns.filter(status=AbnStatus.CONFIRMED):
        if str(booking.case_id) in abn.case_ids:
            return abn
    return None


@transaction.atomic
def booking_create(
    *,
    actor,
    movement_id,
    case_id,
    medical_escort: bool = False,
    operational_escort: bool = False,
    escort_notes: str = "",
    needs_airport_assistance: bool = False,
    needs_onward_transport: bool = False,
    needs_temporary_shelter: bool = False,
    final_destination: str = "",
    assistance_notes: str = "",
) -> Booking:
    """R-TRV-1, R-TRV-6, R-SUS-1: book a case in pre-departure on a planned movement."""
    movement = _movement_for(actor, movement_id, Perm.TRAVEL_BOOK)
    case = _case_for(actor, case_id, Perm.TRAVEL_BOOK)
    if movement.status not in (MovementStatus.PLANNED, MovementStatus.BOOKED):
        raise _invalid("movement", _("This movement no longer takes bookings."))
    if case.phase != Phase.PRE_DEPARTURE:
        raise _invalid("case", _("Only a case in pre-departure can be booked."))
    if case.host_office_id != movement.host_office_id or (
        case.origin_office_id != movement.origin_office_id
    ):
        raise _invalid("case", _("The case's host and origin offices are not the movement's."))
    if Booking.objects.filter(case=case, status__in=ACTIVE_BOOKING).exists():
        raise _invalid("case", _("This case is already booked on a movement."))
    booking = Booking(
        movement=movement,
        case=case,
        medical_escort=medical_escort,
        operational_escort=operational_escort,
        escort_notes=(escort_notes or "").strip(),
        needs_airport_assistance=needs_airport_assistance,
        needs_onward_transport=needs_onward_transport,
        needs_temporary_shelter=needs_temporary_shelter,
        final_destination=(final_destination or "").strip(),
        assistance_notes=(assistance_notes or "").strip(),
        created_by=actor,
    )
    migrants = active_bookings_count(movement) + 1
    reasons = _booking_problems(case, booking, movement, migrants)
    if reasons:
        raise TransitionBlocked(_("This case cannot be booked."), reasons=reasons)
    _full_clean(booking)
    booking.save()
    _audit(
        actor,
        AuditAction.CREATE,
        booking,
        case,
        gettext_lazy("Booked on a movement"),
        {"movement": str(movement.pk)},
    )
    _update_transit_head_count(movement)
    return booking


@transaction.atomic
def booking_set_escorts(
    *,
    actor,
    booking_id,
    version: int | None,
    medical_escort: bool,
    operational_escort: bool,
    escort_notes: str = "",
) -> Booking:
    """R-TRV-6: record the escorts of a booking."""
    booking = _booking_for(actor, booking_id, Perm.TRAVEL_BOOK)
    check_version(booking, version)
    _active(booking)
    before = [booking.medical_escort, booking.operational_escort]
    booking.medical_escort = medical_escort
    booking.operational_escort = operational_escort
    booking.escort_notes = (escort_notes or "").strip()
    booking.version += 1
    _full_clean(booking)
    booking.save()
    _audit(
        actor,
        AuditAction.UPDATE,
        booking,
        booking.case,
        gettext_lazy("Escorts recorded"),
        {"escorts": [before, [medical_escort, operational_escort]]},
    )
    return booking


@transaction.atomic
def booking_record_informed(*, actor, booking_id, informed_on: datetime.date) -> Booking:
    """R-TRV-7: the migrant was told the travel details and luggage allowance."""
    booking = _booking_for(actor, booking_id, Perm.TRAVEL_BOOK)
    _active(booking)
    host = booking.movement.host_office
    booked_on = office_day(host, booking.created_at)
    if informed_on < booked_on or informed_on > office_today(host):
        raise _invalid("informed_on", _("The date must lie between the booking and today."))
    booking.informed_on = informed_on
    booking.version += 1
    booking.save(update_fields=["informed_on", "version", "updated_at"])
    _audit(
        actor,
        AuditAction.UPDATE,
        booking,
        booking.case,
        gettext_lazy("Migrant told the travel details and luggage allowance"),
        {"informed_on": informed_on.isoformat()},
    )
    return booking


def ticket_problems(booking: Booking) -> list:
    """R-TRV-1, R-TRV-2, R-TRV-6, R-SUS-1: what stops the ticket of this booking."""
    migrants = active_bookings_count(booking.movement)
    reasons = _booking_problems(booking.case, booking, booking.movement, migrants)
    if confirmed_abn_for(booking) is None:
        reasons.append(
            _(
                "The origin office has not confirmed reception for this returnee: send the ABN "
                "and wait for its confirmation (R-TRV-2)."
            )
        )
    return reasons


@transaction.atomic
def booking_issue_ticket(
    *, actor, booking_id, version: int | None, ticket_number: str, issued_on: datetime.date
) -> Booking:
    """R-TRV-2: ticket only after the origin office confirmed reception; the case moves to
    travel booked through the workflow."""
    booking = _booking_for(actor, booking_id, Perm.TRAVEL_BOOK)
    check_version(booking, version)
    if booking.status != BookingStatus.BOOKED:
        raise _invalid("status", _("A ticket can be issued only for a booking without one."))
    if not (ticket_number or "").strip():
        raise _invalid("ticket_number", _("Give the ticket number."))
    reasons = ticket_problems(booking)
    if reasons:
        raise TransitionBlocked(_("The ticket cannot be issued."), reasons=reasons)
    booking.ticket_number = ticket_number.strip()
    booking.ticket_issued_on = issued_on
    booking.status = BookingStatus.TICKETED
    booking.version += 1
    _full_clean(booking)
    booking.save()
    _audit(
        actor,
        AuditAction.UPDATE,
        booking,
        booking.case,
        gettext_lazy("Ticket issued"),
        {"ticket_number": booking.ticket_number},
    )
    if booking.case.phase != Phase.TRAVEL_BOOKED:
        case_transition(actor=actor, case_id=booking.case_id, action="book_travel")
    # else: a case rebooked after its first ticket is travel booked already; its new ticket
    # passed the same checks on the new movement (R-TRV-1, R-TRV-2, R-TRV-6, R-SUS-1).
    movement = booking.movement
    if movement.status == MovementStatus.PLANNED:
        movement.status = MovementStatus.BOOKED
        movement.version += 1
        movement.save(update_fields=["status", "version", "updated_at"])
    return booking


@transaction.atomic
def booking_cancel(*, actor, booking_id, reason: str) -> Booking:
    """Take a case off a movement (before departure); the seat is freed."""
    booking = _booking_for(actor, booking_id, Perm.TRAVEL_BOOK)
    _active(booking)
    if not (reason or "").strip():
        raise _invalid("reason", _("A reason is required."))
    if booking.status == BookingStatus.TICKETED and booking.case.phase == Phase.TRAVEL_BOOKED:
        raise _invalid(
            "reason",
            _(
                "The case travels on this ticket: withdraw the case first, or confirm the "
                "departure without it once it is withdrawn."
            ),
        )
    if booking.case.phase == Phase.TRAVEL_BOOKED:
        raise _invalid(
            "reason",
            _(
                "The case is travel booked and this is its only booking: rebook it onto "
                "another movement, or withdraw the case first."
            ),
        )
    booking.status = BookingStatus.CANCELLED
    booking.cancellation_reason = reason.strip()[:255]
    booking.version += 1
    booking.save(update_fields=["status", "cancellation_reason", "version", "updated_at"])
    _audit(
        actor,
        AuditAction.UPDATE,
        booking,
        booking.case,
        gettext_lazy("Booking cancelled"),
        {"reason": reason.strip()},
    )
    _update_transit_head_count(booking.movement)
    return booking
