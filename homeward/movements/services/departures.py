"""Leaving: the requirements of `book_travel` and `confirm_departure`, what holds a
movement back, the final discussion (R-TRV-8) and the confirmed departure (R-TRV-10,
R-TRV-11)."""

import datetime

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from homeward.accounts.clock import office_today
from homeward.accounts.roles import Perm
from homeward.audit.models import AuditAction
from homeward.cases.models import Case, Phase
from homeward.cases.services import case_transition
from homeward.core.deadlines import departure_confirmation_due
from homeward.core.errors import TransitionBlocked, ValidationFailed

from ..models import (
    ACTIVE_BOOKING,
    Booking,
    BookingStatus,
    FinalDiscussion,
    Movement,
    MovementStatus,
)
from ._common import (
    FIX_ERRORS,
    _active,
    _audit,
    _booking_for,
    _invalid,
    _movement_for,
    _movement_offices,
    _notify,
    departure_day,
)
from .abn import _request_transit_assistance
from .bookings import ticket_problems

# --- Ready to travel, ready to depart (R-TRV-2, R-TRV-8, R-TRV-10) -------------------------


def unmet_for_booking(actor, case: Case) -> dict:
    """The requirements provider for `book_travel` and `confirm_departure` (apps.py)."""
    if case.phase == Phase.TRAVEL_BOOKED:
        return {"confirm_departure": departure_problems(case)}
    if case.phase != Phase.PRE_DEPARTURE:
        return {}
    booking = (
        Booking.objects.filter(case=case, status__in=ACTIVE_BOOKING)
        .select_related("movement")
        .first()
    )
    if booking is None:
        return {"book_travel": [_("The case is not booked on a movement.")]}
    if booking.status != BookingStatus.TICKETED:
        return {"book_travel": [_("No ticket is issued for the case's booking (R-TRV-2).")]}
    booking.case = case
    return {"book_travel": ticket_problems(booking)}


def departure_problems(case: Case) -> list:
    """R-TRV-10: a booked case departs with its movement, confirmed on the movement (so that
    the origin and transit offices are told); R-TRV-8: not without its final discussion;
    R-TRV-2: a case rebooked after its ticket needs the ticket of its new booking. Cases
    booked before movements were recorded in the system have no booking and are not held
    back."""
    booking = (
        Booking.objects.filter(case=case, status__in=ACTIVE_BOOKING)
        .select_related("movement", "final_discussion")
        .first()
    )
    if booking is None or booking.movement.status == MovementStatus.DEPARTED:
        return []
    reasons = [_("Confirm the departure of the whole movement on its board (R-TRV-10).")]
    if booking.status == BookingStatus.BOOKED:
        reasons.append(
            _("The case was rebooked: the ticket of its new booking is not issued yet (R-TRV-2).")
        )
    if not hasattr(booking, "final_discussion"):
        reasons.append(_("The final discussion before departure is not recorded (R-TRV-8)."))
    return reasons


def departure_blockers(movement: Movement) -> list:
    """What stops the departure of a movement, one reason per case reference: a travelling
    case (ticketed, travel booked) without its final discussion (R-TRV-8), a case rebooked
    onto the movement whose new ticket is not issued yet (R-TRV-2). Cases withdrawn after
    their ticket do not travel and hold nothing back."""
    bookings = movement.bookings.filter(
        status__in=ACTIVE_BOOKING, case__phase=Phase.TRAVEL_BOOKED
    ).select_related("case", "final_discussion")
    return departure_reasons(bookings)


def departure_reasons(bookings) -> list:
    """`departure_blockers` of active bookings already read with their case and final
    discussion (the movement board passes its rows), sorted by case reference."""
    reasons = []
    for booking in sorted(bookings, key=lambda b: b.case.reference):
        if booking.case.phase != Phase.TRAVEL_BOOKED or booking.status not in ACTIVE_BOOKING:
            continue
        reference = booking.case.reference
        if booking.status == BookingStatus.BOOKED:
            reasons.append(
                _("%(reference)s: rebooked here, its new ticket is not issued yet (R-TRV-2).")
                % {"reference": reference}
            )
        elif not hasattr(booking, "final_discussion"):
            reasons.append(
                _("%(reference)s: the final discussion before departure is not recorded (R-TRV-8).")
                % {"reference": reference}
            )
    return reasons


# --- R-TRV-8: final discussion ---------------------------------------------------------


@transaction.atomic
def final_discussion_record(
    *,
    actor,
    booking_id,
    held_on: datetime.date,
    travel_details_confirmed: bool,
    reintegration_reviewed: bool,
    contacts_given: bool,
    notes: str = "",
) -> FinalDiscussion:
    """R-TRV-8: travel details confirmed, reintegration assistance reviewed, origin-office
    contacts given — all three, before departure."""
    booking = _booking_for(actor, booking_id, Perm.TRAVEL_PREPARE)
    _active(booking)
    errors = {}
    for field, done, message in (
        ("travel_details_confirmed", travel_details_confirmed, _("Confirm the travel details.")),
        (
            "reintegration_reviewed",
            reintegration_reviewed,
            _("Review the reintegration assistance available."),
        ),
        ("contacts_given", contacts_given, _("Give the origin office's contacts.")),
    ):
        if not done:
            errors[field] = [message]
    host = booking.movement.host_office
    if held_on > office_today(host) or held_on > departure_day(booking.movement):
        errors["held_on"] = [_("The discussion is held before departure, not in the future.")]
    if errors:
        raise ValidationFailed(FIX_ERRORS, field_errors=errors)
    discussion, _created = FinalDiscussion.objects.update_or_create(
        booking=booking,
        defaults={
            "held_on": held_on,
            "travel_details_confirmed": True,
            "reintegration_reviewed": True,
            "contacts_given": True,
            "notes": (notes or "").strip(),
            "held_by": actor,
        },
    )
    _audit(
        actor,
        AuditAction.CREATE,
        discussion,
        booking.case,
        gettext_lazy("Final discussion held"),
        {"held_on": held_on.isoformat()},
    )
    return discussion


# --- R-TRV-10, R-TRV-11: departure -----------------------------------------------------


@transaction.atomic
def movement_confirm_departure(*, actor, movement_id, departed_on: datetime.date) -> Movement:
    """R-TRV-10: confirm the departure (due within 2 days); every ticketed case moves to
    departed, bookings without a ticket are cancelled, the origin office is told.
    R-TRV-11: transit offices of an indirect travel get their assistance request."""
    movement = _movement_for(actor, movement_id, Perm.TRAVEL_DEPART)
    if movement.status != MovementStatus.BOOKED:
        raise _invalid("movement", _("Only a booked movement can depart."))
    today = office_today(movement.host_office)
    _check_departure_day(movement, departed_on, today)
    blockers = departure_blockers(movement)
    if blockers:
        raise TransitionBlocked(_("The departure cannot be confirmed yet."), reasons=blockers)
    # The movement departs first: the cases' `confirm_departure` guard reads its status.
    movement.status = MovementStatus.DEPARTED
    movement.save(update_fields=["status"])
    travelled = 0
    for booking in movement.bookings.filter(status__in=ACTIVE_BOOKING).select_related("case"):
        # A case withdrawn (or declined) after its ticket does not travel.
        if booking.status == BookingStatus.TICKETED and booking.case.phase == Phase.TRAVEL_BOOKED:
            case_transition(actor=actor, case_id=booking.case_id, action="confirm_departure")
            booking.status = BookingStatus.DEPARTED
            travelled += 1
        else:
            booking.status = BookingStatus.CANCELLED
        booking.version += 1
        booking.save(update_fields=["status", "version", "updated_at"])
    movement.status = MovementStatus.DEPARTED
    movement.departed_on = departed_on
    movement.departure_confirmed_at = timezone.now()
    movement.version += 1
    movement.save()
    _request_transit_assistance(movement, travelled)
    due = departure_confirmation_due(departed_on)
    _audit(
        actor,
        AuditAction.TRANSITION,
        movement,
        None,
        gettext_lazy("Departure confirmed"),
        {
            "departed_on": departed_on.isoformat(),
            "migrants": travelled,
            "late": today > due,
        },
        offices=_movement_offices(movement),
    )
    _notify(
        movement.origin_office,
        _("Departure confirmed: %(n)s returnees") % {"n": travelled},
        _("%(n)s returnees left %(from)s on %(day)s (%(means)s %(carrier)s) for %(to)s.")
        % {
            "n": travelled,
            "from": movement.departure_place,
            "day": departed_on,
            "means": movement.get_means_display(),
            "carrier": movement.carrier_reference,
            "to": movement.arrival_place,
        },
    )
    return movement


def _check_departure_day(movement, departed_on: datetime.date, today: datetime.date) -> None:
    """The day confirmed lies between the planned departure and today (the host office's)."""
    planned = departure_day(movement)
    if today < planned:
        message = _(
            "The movement is planned to leave on %(day)s: confirm its departure once it has left."
        )
    elif departed_on > today:
        message = _("The departure day cannot be in the future.")
    elif departed_on < planned:
        message = _("The departure day cannot be before the planned departure (%(day)s).")
    else:
        return
    raise _invalid("departed_on", message % {"day": formats.date_format(planned, "DATE_FORMAT")})
