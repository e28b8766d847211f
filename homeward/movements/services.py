"""Writes of phases 2–3 at the host office: travel documents, movements, bookings, the
Advance Booking Notification and its answer, the final discussion, suspensions, departure.

Pure rule checks (`*_problems`) return the reasons an action is blocked; the services raise
them, and `requirements.unmet_for_booking` contributes them to the `book_travel` guard.
"""

import datetime
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from homeward.accounts.access import access_for
from homeward.accounts.clock import office_day, office_localtime, office_today
from homeward.accounts.models import Office
from homeward.accounts.roles import FieldGroup, Perm
from homeward.accounts.selectors import calendar_for
from homeward.audit.models import AuditAction
from homeward.audit.services import audit_record
from homeward.cases.models import Case, Phase, VulnerabilityCategory
from homeward.cases.policies import can_view_case
from homeward.cases.services import case_transition
from homeward.core.concurrency import check_version
from homeward.core.deadlines import (
    abn_latest_send_date,
    coo_confirmation_due,
    departure_confirmation_due,
)
from homeward.core.errors import (
    NotFound,
    PermissionDenied,
    TransitionBlocked,
    ValidationFailed,
    parse_uuid,
)
from homeward.people.models import IdentityDocument
from homeward.registration.models import HealthAssessment
from homeward.registration.services import age_on

from .models import (
    ACTIVE_BOOKING,
    LARGE_SCALE_THRESHOLD,
    AbnStatus,
    AdvanceBookingNotification,
    Booking,
    BookingStatus,
    FinalDiscussion,
    Means,
    Movement,
    MovementLeg,
    MovementStatus,
    Suspension,
    TransitAssistanceRequest,
    TravelDocumentRequest,
    TravelDocumentStatus,
)

logger = logging.getLogger(__name__)
FIX_ERRORS = gettext_lazy("Please correct the errors below.")
TRAVEL_DOCUMENT_KINDS = (IdentityDocument.Kind.PASSPORT, IdentityDocument.Kind.LAISSEZ_PASSER)
#: R-TRV-6: unaccompanied children under this age travel with an operational escort.
UMC_ESCORT_AGE = 15


def _full_clean(obj, exclude=None) -> None:
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise ValidationFailed.from_django(exc) from exc


def _invalid(field: str, message) -> ValidationFailed:
    return ValidationFailed(FIX_ERRORS, field_errors={field: [message]})


def _case_for(actor, case_id, perm: Perm, *, lock: bool = True) -> Case:
    cases = Case.objects.select_related("person", "origin_office", "host_office")
    if lock:
        cases = cases.select_for_update(of=("self",))
    case = cases.filter(pk=parse_uuid(case_id, _("Case not found."))).first()
    if case is None or not can_view_case(actor, case):
        raise NotFound(_("Case not found."))
    if perm not in access_for(actor).perms_at(case.office_ids):
        raise PermissionDenied(_("Your role does not allow this action on this case."))
    return case


def _audit(actor, action, obj, case: Case | None, summary, changes=None, offices=()) -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=obj,
        offices=case.office_ids if case else offices,
        case_reference=case.reference if case else "",
        summary=summary,
        changes=changes or {},
    )


# --- R-TRV-1: travel documents -----------------------------------------------------------


@transaction.atomic
def travel_document_request(
    *, actor, case_id, kind: str, requested_on: datetime.date, authority: str
) -> TravelDocumentRequest:
    """R-TRV-1: request a laissez-passer, temporary travel document or passport renewal."""
    case = _case_for(actor, case_id, Perm.TRAVEL_PREPARE)
    request = TravelDocumentRequest(
        case=case,
        kind=kind,
        requested_on=requested_on,
        authority=(authority or "").strip(),
        created_by=actor,
    )
    _full_clean(request)
    request.save()
    _audit(
        actor,
        AuditAction.CREATE,
        request,
        case,
        gettext_lazy("Travel document requested"),
        {"kind": kind, "authority": request.authority},
    )
    return request


@transaction.atomic
def travel_document_record_outcome(
    *,
    actor,
    request_id,
    version: int | None,
    status: str,
    issued_on: datetime.date | None = None,
    number: str = "",
    expires_on: datetime.date | None = None,
    refusal_reason: str = "",
) -> TravelDocumentRequest:
    """R-TRV-1: the authority issued the document (number, dates) or refused it."""
    request = (
        TravelDocumentRequest.objects.select_for_update()
        .filter(pk=parse_uuid(request_id, _("Request not found.")))
        .first()
    )
    if request is None:
        raise NotFound(_("Request not found."))
    case = _case_for(actor, request.case_id, Perm.TRAVEL_PREPARE)
    check_version(request, version)
    if request.status != TravelDocumentStatus.REQUESTED:
        raise _invalid("status", _("The outcome of this request is already recorded."))
    if status == TravelDocumentStatus.ISSUED:
        errors = {}
        if not issued_on:
            errors["issued_on"] = [_("Give the date of issue.")]
        elif issued_on < request.requested_on:
            errors["issued_on"] = [_("The document cannot be issued before it was requested.")]
        if not (number or "").strip():
            errors["number"] = [_("Give the document number.")]
        if expires_on and issued_on and expires_on <= issued_on:
            errors["expires_on"] = [_("The expiry date must be after the date of issue.")]
        if errors:
            raise ValidationFailed(FIX_ERRORS, field_errors=errors)
        request.issued_on, request.number, request.expires_on = (
            issued_on,
            number.strip(),
            expires_on,
        )
    elif status == TravelDocumentStatus.REFUSED:
        if not (refusal_reason or "").strip():
            raise _invalid("refusal_reason", _("Give the authority's reason."))
        request.refusal_reason = refusal_reason.strip()
    else:
        raise _invalid("status", _("Choose issued or refused."))
    request.status = status
    request.version += 1
    _full_clean(request)
    request.save()
    _audit(
        actor,
        AuditAction.UPDATE,
        request,
        case,
        gettext_lazy("Travel document request answered"),
        {"status": status, "number": request.number},
    )
    return request


def travel_document_problems(case: Case, day: datetime.date) -> list:
    """R-TRV-1: no passport or laissez-passer valid on `day`, and no issued request."""
    documents = IdentityDocument.objects.filter(
        person_id=case.person_id, kind__in=TRAVEL_DOCUMENT_KINDS
    ).filter(Q(expires_on__isnull=True) | Q(expires_on__gte=day))
    if documents.exists():
        return []
    issued = TravelDocumentRequest.objects.filter(
        case=case, status=TravelDocumentStatus.ISSUED
    ).filter(Q(expires_on__isnull=True) | Q(expires_on__gte=day))
    if issued.exists():
        return []
    pending = TravelDocumentRequest.objects.filter(
        case=case, status=TravelDocumentStatus.REQUESTED
    ).exists()
    if pending:
        return [_("The travel document requested for this case is not issued yet (R-TRV-1).")]
    return [
        _(
            "No travel document valid on %(day)s: request a laissez-passer, a temporary travel "
            "document or a passport renewal (R-TRV-1)."
        )
        % {"day": day.isoformat()}
    ]


# --- Movements -----------------------------------------------------------------------------


def _movement_for(actor, movement_id, perm: Perm | None, *, lock: bool = True) -> Movement:
    movements = Movement.objects.select_related("host_office", "origin_office")
    if lock:
        movements = movements.select_for_update(of=("self",))
    movement = movements.filter(pk=parse_uuid(movement_id, _("Movement not found."))).first()
    offices = {movement.host_office_id, movement.origin_office_id} if movement else set()
    access = access_for(actor)
    if movement is None or Perm.CASE_VIEW not in access.perms_at(offices):
        raise NotFound(_("Movement not found."))
    if perm is not None and perm not in access.perms_at({movement.host_office_id}):
        raise PermissionDenied(_("Your role does not allow this action on this movement."))
    return movement


def _movement_offices(movement: Movement) -> list:
    return [movement.host_office_id, movement.origin_office_id]


@transaction.atomic
def movement_create(
    *,
    actor,
    host_office_id,
    origin_office_id,
    means: str,
    departs_at: datetime.datetime,
    departure_place: str,
    arrival_place: str,
    luggage_allowance: str,
    carrier_reference: str = "",
    airspace_countries: str = "",
    legs: list | None = None,
) -> Movement:
    """Plan a movement; `legs` lists `{from_place, to_place, departs_at, carrier_reference,
    transit_office_id}` in order (a leg with a transit office makes the travel indirect)."""
    host = Office.objects.filter(pk=host_office_id, is_host=True).first()
    if host is None or Perm.TRAVEL_PREPARE not in access_for(actor).perms_at({host.pk}):
        raise _invalid("host_office", _("Choose a host office where you prepare travel."))
    origin = Office.objects.filter(pk=origin_office_id, is_origin=True).first()
    if origin is None:
        raise _invalid("origin_office", _("Choose an origin office."))
    movement = Movement(
        host_office=host,
        origin_office=origin,
        means=means,
        departs_at=departs_at,
        departure_place=(departure_place or "").strip(),
        arrival_place=(arrival_place or "").strip(),
        luggage_allowance=(luggage_allowance or "").strip(),
        carrier_reference=(carrier_reference or "").strip(),
        airspace_countries=(airspace_countries or "").strip().upper(),
        created_by=actor,
    )
    _full_clean(movement)
    if departs_at and departs_at < timezone.now():
        raise _invalid("departs_at", _("The departure must be in the future."))
    movement.save()
    _save_legs(movement, legs or [])
    _audit(
        actor,
        AuditAction.CREATE,
        movement,
        None,
        gettext_lazy("Movement planned"),
        {"means": means, "departs_at": departs_at.isoformat()},
        offices=_movement_offices(movement),
    )
    return movement


def _save_legs(movement: Movement, legs: list) -> None:
    transit_ids = {leg.get("transit_office_id") for leg in legs} - {None, ""}
    transit = {str(o.pk): o for o in Office.objects.filter(pk__in=transit_ids, is_transit=True)}
    for number, data in enumerate(legs, start=1):
        office_id = data.get("transit_office_id")
        if office_id and str(office_id) not in transit:
            raise _invalid("legs", _("Leg %(n)s: choose a transit office.") % {"n": number})
        leg = MovementLeg(
            movement=movement,
            sequence=number,
            from_place=(data.get("from_place") or "").strip(),
            to_place=(data.get("to_place") or "").strip(),
            departs_at=data.get("departs_at"),
            carrier_reference=(data.get("carrier_reference") or "").strip(),
            transit_office=transit.get(str(office_id)) if office_id else None,
        )
        try:
            leg.full_clean(exclude=["movement"])
        except ValidationError as exc:
            raise _invalid("legs", _("Leg %(n)s is incomplete.") % {"n": number}) from exc
        leg.save()


def active_bookings_count(movement: Movement) -> int:
    return movement.bookings.filter(status__in=ACTIVE_BOOKING).count()


def large_scale_requirements(movement: Movement, migrants: int) -> list:
    """R-TRV-5: what a movement of more than 50 migrants needs (empty when it is not one)."""
    if migrants <= LARGE_SCALE_THRESHOLD:
        return []
    needs = [
        _("Dedicated operation (charter, bus or boat convoy)."),
        _("Operational escorts for every returnee."),
        _("Reception at arrival planned by the origin office."),
        _("Advance notice to the origin office (ABN)."),
    ]
    if movement.means == Means.FLIGHT:
        needs[0] = _(
            "Dedicated operation needed: a commercial flight is not a charter, bus or boat convoy."
        )
    if movement.means == Means.CHARTER:
        crossed = movement.airspace_countries or _("none recorded yet")
        needs.append(
            _("Notify the offices of countries whose airspace is crossed: %(countries)s.")
            % {"countries": crossed}
        )
    return needs


# --- R-SUS-1: suspensions ------------------------------------------------------------------


def suspension_for(case: Case, day: datetime.date) -> Suspension | None:
    """R-SUS-1: the suspension in force on `day` for the case's destination, if any."""
    country = case.origin_office.country_id
    areas = set()
    area = case.intended_return_area
    while area is not None:
        areas.add(area.pk)
        area = area.parent
    suspensions = Suspension.objects.filter(country_id=country, starts_on__lte=day).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=day)
    )
    return suspensions.filter(Q(admin_area__isnull=True) | Q(admin_area__in=areas)).first()


def _suspension_reason(suspension: Suspension) -> str:
    return _("Returns to %(place)s are suspended: %(reason)s (R-SUS-1).") % {
        "place": suspension.admin_area.name if suspension.admin_area else suspension.country_id,
        "reason": suspension.reason,
    }


@transaction.atomic
def suspension_create(
    *,
    actor,
    country_id: str,
    admin_area_id=None,
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
    reason: str,
) -> Suspension:
    """R-SUS-1: suspend returns to a country or area; active bookings there go to review."""
    if not access_for(actor).has_anywhere(Perm.SUSPENSION_MANAGE):
        raise PermissionDenied(_("Only a programme manager can suspend returns."))
    suspension = Suspension(
        country_id=country_id,
        admin_area_id=admin_area_id or None,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=(reason or "").strip(),
        set_by=actor,
    )
    _full_clean(suspension)
    if ends_on and ends_on < starts_on:
        raise _invalid("ends_on", _("The end must not be before the start."))
    if suspension.admin_area and suspension.admin_area.country_id != country_id:
        raise _invalid("admin_area", _("This area is not in the chosen country."))
    suspension.save()
    flagged = 0
    bookings = Booking.objects.filter(
        status__in=ACTIVE_BOOKING, case__origin_office__country_id=country_id
    ).select_related(
        "case__origin_office", "case__intended_return_area__parent", "movement__host_office"
    )
    for booking in bookings:
        day = departure_day(booking.movement)
        if suspension_for(booking.case, day) == suspension:
            booking.review_required = True
            booking.review_reason = _suspension_reason(suspension)[:255]
            booking.version += 1
            booking.save(update_fields=["review_required", "review_reason", "version"])
            flagged += 1
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=suspension,
        summary=gettext_lazy("Returns suspended"),
        changes={"country": country_id, "area": str(admin_area_id or ""), "bookings": flagged},
    )
    return suspension


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


def _booking_for(actor, booking_id, perm: Perm) -> Booking:
    booking = (
        Booking.objects.select_for_update(of=("self",))
        .select_related("movement__host_office", "case__person", "case__origin_office")
        .filter(pk=parse_uuid(booking_id, _("Booking not found.")))
        .first()
    )
    if booking is None or not can_view_case(actor, booking.case):
        raise NotFound(_("Booking not found."))
    if perm not in access_for(actor).perms_at({booking.movement.host_office_id}):
        raise PermissionDenied(_("Your role does not allow this action on this booking."))
    return booking


def _active(booking: Booking) -> None:
    if booking.status not in ACTIVE_BOOKING:
        raise _invalid("status", _("This booking is no longer active."))


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


# --- R-TRV-3, R-TRV-4: the Advance Booking Notification ----------------------------------

PROTECTED_CATEGORIES = {
    VulnerabilityCategory.TRAFFICKING: FieldGroup.TRAFFICKING,
    VulnerabilityCategory.GBV: FieldGroup.GBV,
}


def departure_day(movement: Movement) -> datetime.date:
    """The day a movement leaves, in its host office's time zone (where it departs)."""
    return office_day(movement.host_office, movement.departs_at)


def abn_content(movement: Movement, bookings: list) -> tuple[dict, dict]:
    """R-TRV-3: the general copy of the ABN and, apart, the protection detail per case
    reference (R-VOT-3: only for readers of the trafficking or GBV group)."""
    legs = list(movement.legs.select_related("transit_office"))
    health = {
        h.case_id: h
        for h in HealthAssessment.objects.filter(case__in=[b.case_id for b in bookings])
    }
    returnees, protection = [], {}
    day = departure_day(movement)
    for booking in bookings:
        case = booking.case
        flags = list(case.flags.all())
        general = [
            str(f.get_category_display())
            for f in flags
            if f.field_group == FieldGroup.VULNERABILITY
        ]
        protected = [
            {
                "group": str(PROTECTED_CATEGORIES[f.category]),
                "category": str(f.get_category_display()),
                "note": f.note,
            }
            for f in flags
            if f.category in PROTECTED_CATEGORIES
        ]
        if protected:
            protection[case.reference] = protected
        assessment = health.get(case.pk)
        escorts = []
        if booking.medical_escort:
            escorts.append(str(_("medical escort")))
        if booking.operational_escort:
            escorts.append(str(_("operational escort")))
        mobility = []
        if assessment and assessment.needs_wheelchair:
            mobility.append(str(_("wheelchair")))
        if assessment and assessment.needs_stretcher:
            mobility.append(str(_("stretcher")))
        person = case.person
        returnees.append(
            {
                "case_id": str(case.pk),
                "reference": case.reference,
                "name": person.display_name,
                "sex": person.sex,
                "age": age_on(person, day),
                "final_destination": booking.final_destination
                or (case.intended_return_area.name if case.intended_return_area else ""),
                "airport_assistance": booking.needs_airport_assistance or bool(mobility),
                "onward_transport": booking.needs_onward_transport,
                "temporary_shelter": booking.needs_temporary_shelter,
                "mobility": mobility,
                "escorts": escorts,
                "vulnerabilities": general,
                "special_attention": bool(flags or escorts or mobility),
                "assistance": booking.assistance_notes,
                "escort_notes": booking.escort_notes,
            }
        )
    content = {
        "migrants": len(bookings),
        "means": movement.means,
        "means_label": str(movement.get_means_display()),
        "departs_at": office_localtime(movement.host_office, movement.departs_at).isoformat(),
        "departure_place": movement.departure_place,
        "arrival_place": movement.arrival_place,
        "carrier_reference": movement.carrier_reference,
        "luggage_allowance": movement.luggage_allowance,
        "large_scale": [str(r) for r in large_scale_requirements(movement, len(bookings))],
        "legs": [
            {
                "from_place": leg.from_place,
                "to_place": leg.to_place,
                "departs_at": office_localtime(movement.host_office, leg.departs_at).isoformat()
                if leg.departs_at
                else "",
                "carrier_reference": leg.carrier_reference,
                "transit_office": leg.transit_office.name if leg.transit_office else "",
            }
            for leg in legs
        ],
        "returnees": returnees,
    }
    return content, protection


def _notify(office: Office, subject: str, body: str) -> None:
    """E-mail an office after the transaction commits (nothing is sent on rollback)."""
    if not office.email:
        return
    recipient = office.email

    def send() -> None:
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient])
        except OSError:  # a mail server down must not undo the committed change
            logger.exception("Notification to %s not sent", recipient)

    transaction.on_commit(send)


def _request_transit_assistance(movement: Movement, migrants: int) -> list:
    """R-TRV-11: one request per leg ending at a transit office (idempotent)."""
    created = []
    for leg in movement.legs.filter(transit_office__isnull=False).select_related("transit_office"):
        request, new = TransitAssistanceRequest.objects.get_or_create(
            movement=movement,
            leg=leg,
            defaults={
                "transit_office": leg.transit_office,
                "requested_at": timezone.now(),
                "migrants": migrants,
            },
        )
        if not new and request.migrants != migrants:
            request.migrants = migrants
            request.save(update_fields=["migrants", "updated_at"])
        if new:
            created.append(request)
            _notify(
                leg.transit_office,
                _("Transit assistance requested"),
                _("%(n)s returnees transit at %(place)s on %(day)s.")
                % {"n": migrants, "place": leg.to_place, "day": departure_day(movement)},
            )
    return created


def _update_transit_head_count(movement: Movement) -> None:
    """R-TRV-11: transit offices asked to assist (when the ABN was sent) are told when a
    booking leaves or joins the movement before departure, not only at the departure."""
    requests = list(movement.transit_requests.select_related("transit_office", "leg"))
    if not requests:
        return
    migrants = active_bookings_count(movement)
    for request in requests:
        if request.migrants == migrants:
            continue
        request.migrants = migrants
        request.save(update_fields=["migrants", "updated_at"])
        _notify(
            request.transit_office,
            _("Transit assistance changed"),
            _("%(n)s returnees now transit at %(place)s on %(day)s.")
            % {"n": migrants, "place": request.leg.to_place, "day": departure_day(movement)},
        )


def _active_bookings(movement: Movement) -> list:
    return list(
        movement.bookings.filter(status__in=ACTIVE_BOOKING)
        .select_related("case__person", "case__intended_return_area")
        .prefetch_related("case__flags")
        .order_by("created_at")
    )


@transaction.atomic
def abn_send(*, actor, movement_id) -> AdvanceBookingNotification:
    """R-TRV-3: send the ABN of a movement's bookings to its origin office (and transit
    offices). Due 5 working days before departure on the host office's calendar; sending
    later is allowed and flagged late. R-TRV-4: the answer is due 1 working day after
    receipt on the origin office's calendar."""
    movement = _movement_for(actor, movement_id, Perm.TRAVEL_BOOK)
    if movement.status not in (MovementStatus.PLANNED, MovementStatus.BOOKED):
        raise _invalid("movement", _("This movement has departed or is cancelled."))
    bookings = _active_bookings(movement)
    if not bookings:
        raise _invalid("movement", _("Book at least one returnee before sending the ABN."))
    content, protection = abn_content(movement, bookings)
    now = timezone.now()
    # Each office's deadline is counted on its own day: sent on the host office's day,
    # received (R-TRV-4) on the origin office's.
    today = office_today(movement.host_office, now)
    received_on = office_today(movement.origin_office, now)
    send_due = abn_latest_send_date(departure_day(movement), calendar_for(movement.host_office))
    abn = AdvanceBookingNotification(
        movement=movement,
        origin_office=movement.origin_office,
        sent_at=now,
        sent_by=actor,
        send_due=send_due,
        sent_late=today > send_due,
        confirmation_due=coo_confirmation_due(received_on, calendar_for(movement.origin_office)),
        case_ids=[b["case_id"] for b in content["returnees"]],
        content=content,
        protection=protection,
    )
    abn.save()
    _request_transit_assistance(movement, len(bookings))
    _audit(
        actor,
        AuditAction.DISCLOSE,
        abn,
        None,
        gettext_lazy("Advance Booking Notification sent to the origin office"),
        {"migrants": len(bookings), "late": abn.sent_late},
        offices=_movement_offices(movement),
    )
    _notify(
        movement.origin_office,
        _("Advance Booking Notification: %(n)s returnees on %(day)s")
        % {"n": len(bookings), "day": departure_day(movement)},
        _(
            "%(office)s sent an Advance Booking Notification for %(n)s returnees (%(means)s, "
            "%(from)s → %(to)s). Please confirm reception by %(due)s in Homeward."
        )
        % {
            "office": movement.host_office.name,
            "n": len(bookings),
            "means": movement.get_means_display(),
            "from": movement.departure_place,
            "to": movement.arrival_place,
            "due": abn.confirmation_due,
        },
    )
    return abn


@transaction.atomic
def abn_respond(
    *, actor, abn_id, version: int | None, confirm: bool, message: str = ""
) -> AdvanceBookingNotification:
    """R-TRV-4: the origin office confirms reception, or queries the ABN with a message;
    answers after the due day are flagged late."""
    abn = (
        AdvanceBookingNotification.objects.select_for_update(of=("self",))
        .select_related("movement__host_office", "origin_office")
        .filter(pk=parse_uuid(abn_id, _("Notification not found.")))
        .first()
    )
    access = access_for(actor)
    if abn is None or Perm.CASE_VIEW not in access.perms_at(
        {abn.origin_office_id, abn.movement.host_office_id}
    ):
        raise NotFound(_("Notification not found."))
    if Perm.ABN_CONFIRM not in access.perms_at({abn.origin_office_id}):
        raise PermissionDenied(_("Only the origin office can answer this notification."))
    check_version(abn, version)
    message = (message or "").strip()
    if abn.status == AbnStatus.CONFIRMED:
        raise _invalid("status", _("Reception is already confirmed."))
    if not confirm and not message:
        raise _invalid("message", _("Say what the host office must clarify."))
    now = timezone.now()
    abn.status = AbnStatus.CONFIRMED if confirm else AbnStatus.QUERIED
    if abn.responded_at is None:
        abn.responded_late = office_today(abn.origin_office, now) > abn.confirmation_due
    abn.responded_at = now
    abn.responded_by = actor
    abn.message = message
    abn.version += 1
    abn.save()
    _audit(
        actor,
        AuditAction.UPDATE,
        abn,
        None,
        gettext_lazy("Reception confirmed") if confirm else gettext_lazy("ABN queried"),
        {"status": abn.status, "late": abn.responded_late, "message": message},
        offices=_movement_offices(abn.movement),
    )
    _notify(
        abn.movement.host_office,
        _("ABN answered by %(office)s: %(status)s")
        % {"office": abn.origin_office.name, "status": abn.get_status_display()},
        message or str(abn.get_status_display()),
    )
    return abn


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
    if departed_on > today or departed_on < departure_day(movement):
        raise _invalid(
            "departed_on", _("The departure day lies between the planned departure and today.")
        )
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


@transaction.atomic
def movement_cancel(*, actor, movement_id, version: int | None, reason: str) -> Movement:
    """Cancel a movement before departure: its bookings are cancelled (no ticketed case may
    remain: its case is in travel booked and must be taken off first)."""
    movement = _movement_for(actor, movement_id, Perm.TRAVEL_BOOK)
    check_version(movement, version)
    reason = (reason or "").strip()
    if not reason:
        raise _invalid("reason", _("A reason is required."))
    if movement.status not in (MovementStatus.PLANNED, MovementStatus.BOOKED):
        raise _invalid("movement", _("This movement has departed or is cancelled."))
    travelling = Q(status=BookingStatus.TICKETED) | Q(case__phase=Phase.TRAVEL_BOOKED)
    if movement.bookings.filter(status__in=ACTIVE_BOOKING).filter(travelling).exists():
        raise _invalid(
            "movement",
            _("Some returnees hold tickets on this movement: rebook or withdraw them first."),
        )
    cancelled = movement.bookings.filter(status=BookingStatus.BOOKED).update(
        status=BookingStatus.CANCELLED, cancellation_reason=reason[:255]
    )
    movement.status = MovementStatus.CANCELLED
    movement.version += 1
    movement.save(update_fields=["status", "version", "updated_at"])
    _audit(
        actor,
        AuditAction.UPDATE,
        movement,
        None,
        gettext_lazy("Movement cancelled"),
        {"reason": reason, "bookings": cancelled},
        offices=_movement_offices(movement),
    )
    return movement


@transaction.atomic
def booking_mark_reviewed(*, actor, booking_id) -> Booking:
    """R-SUS-1: a booking flagged by a suspension is kept once the suspension no longer
    covers its departure (otherwise it must be cancelled)."""
    booking = _booking_for(actor, booking_id, Perm.TRAVEL_BOOK)
    _active(booking)
    suspension = suspension_for(booking.case, departure_day(booking.movement))
    if suspension is not None:
        raise TransitionBlocked(
            _("The booking cannot be kept."), reasons=[_suspension_reason(suspension)]
        )
    booking.review_required = False
    booking.review_reason = ""
    booking.version += 1
    booking.save(update_fields=["review_required", "review_reason", "version", "updated_at"])
    _audit(actor, AuditAction.UPDATE, booking, booking.case, gettext_lazy("Booking reviewed"))
    return booking


# --- Rebooking (R-TRV-2, R-TRV-5, R-TRV-6, R-TRV-7, R-SUS-1) ------------------------------


@transaction.atomic
def booking_rebook(*, actor, booking_id, version: int | None, movement_id, reason: str) -> Booking:
    """Move a booked or ticketed case onto another movement before departure (missed flight,
    date change), in one step: the old booking is cancelled with the reason, a new booking
    is made on the target movement with the same escorts and needs.

    The target movement's own rules apply again: no booking into a suspension (R-SUS-1),
    the escorts its size and date call for (R-TRV-5, R-TRV-6), a travel document valid on
    its day (R-TRV-1). The new booking starts without a ticket, without the migrant being
    told and without a final discussion: its ticket waits for the origin office's
    confirmation of an ABN listing the case on the new movement (R-TRV-2), the migrant is
    told the new travel details and luggage allowance again (R-TRV-7) and the final
    discussion confirms them again (R-TRV-8). A ticketed case stays travel booked (the old
    ticket is void, the case is still booked to travel); the origin office is told."""
    old = _booking_for(actor, booking_id, Perm.TRAVEL_BOOK)
    check_version(old, version)
    _active(old)
    reason = (reason or "").strip()
    if not reason:
        raise _invalid("reason", _("A reason is required."))
    case = _case_for(actor, old.case_id, Perm.TRAVEL_BOOK)
    if case.phase not in (Phase.PRE_DEPARTURE, Phase.TRAVEL_BOOKED):
        raise _invalid("case", _("Only a case in pre-departure or travel booked can be rebooked."))
    target = _movement_for(actor, movement_id, Perm.TRAVEL_BOOK)
    if target.pk == old.movement_id:
        raise _invalid("movement", _("Choose another movement than the current one."))
    if target.status not in (MovementStatus.PLANNED, MovementStatus.BOOKED):
        raise _invalid("movement", _("This movement no longer takes bookings."))
    if target.departs_at <= timezone.now():
        raise _invalid("movement", _("This movement has already left: choose a later one."))
    if case.host_office_id != target.host_office_id or (
        case.origin_office_id != target.origin_office_id
    ):
        raise _invalid("movement", _("The case's host and origin offices are not the movement's."))
    new = Booking(
        movement=target,
        case=case,
        medical_escort=old.medical_escort,
        operational_escort=old.operational_escort,
        escort_notes=old.escort_notes,
        needs_airport_assistance=old.needs_airport_assistance,
        needs_onward_transport=old.needs_onward_transport,
        needs_temporary_shelter=old.needs_temporary_shelter,
        final_destination=old.final_destination,
        assistance_notes=old.assistance_notes,
        rebooked_from=old,
        created_by=actor,
    )
    reasons = _booking_problems(case, new, target, active_bookings_count(target) + 1)
    if reasons:
        raise TransitionBlocked(_("The case cannot be rebooked on this movement."), reasons=reasons)
    was_ticketed = old.status == BookingStatus.TICKETED
    old.status = BookingStatus.CANCELLED
    old.cancellation_reason = reason[:255]
    old.version += 1
    old.save(update_fields=["status", "cancellation_reason", "version", "updated_at"])
    _full_clean(new)
    new.save()
    previous = old.movement
    if (
        previous.status == MovementStatus.BOOKED
        and not previous.bookings.filter(status=BookingStatus.TICKETED).exists()
    ):
        previous.status = MovementStatus.PLANNED  # no ticket left on it
        previous.version += 1
        previous.save(update_fields=["status", "version", "updated_at"])
    changes = {
        "from_movement": str(previous.pk),
        "to_movement": str(target.pk),
        "reason": reason,
        "ticket_void": old.ticket_number if was_ticketed else "",
    }
    _audit(actor, AuditAction.UPDATE, old, case, gettext_lazy("Booking cancelled"), changes)
    _audit(
        actor,
        AuditAction.CREATE,
        new,
        case,
        gettext_lazy("Rebooked onto another movement"),
        changes,
    )
    _notify(
        target.origin_office,
        _("Returnee %(reference)s rebooked") % {"reference": case.reference},
        _(
            "%(reference)s no longer travels on %(old)s of %(old_day)s but on %(new)s of "
            "%(new_day)s. An Advance Booking Notification of the new movement follows."
        )
        # No free-text reason: notices are also e-mailed, and a reason may be personal.
        % {
            "reference": case.reference,
            "old": previous,
            "old_day": departure_day(previous),
            "new": target,
            "new_day": departure_day(target),
        },
    )
    _update_transit_head_count(previous)
    _update_transit_head_count(target)
    return new


# --- R-SUS-1: lifting a suspension ---------------------------------------------------------


@transaction.atomic
def suspension_lift(
    *, actor, suspension_id, version: int | None, lifted_on: datetime.date, reason: str
) -> Suspension:
    """R-SUS-1: a programme manager ends a suspension: returns are accepted again for
    departures from `lifted_on` (the suspension then ends the day before). Bookings it
    flagged keep their review record: each is still reviewed (and kept) one by one."""
    if not access_for(actor).has_anywhere(Perm.SUSPENSION_MANAGE):
        raise PermissionDenied(_("Only a programme manager can lift a suspension."))
    suspension = (
        Suspension.objects.select_for_update()
        .filter(pk=parse_uuid(suspension_id, _("Suspension not found.")))
        .first()
    )
    if suspension is None:
        raise NotFound(_("Suspension not found."))
    check_version(suspension, version)
    errors = {}
    reason = (reason or "").strip()
    if suspension.is_lifted:
        raise _invalid("lifted_on", _("This suspension is already lifted."))
    if not reason:
        errors["reason"] = [_("A reason is required.")]
    if not lifted_on:
        errors["lifted_on"] = [_("Give the day returns are accepted again.")]
    elif suspension.ends_on and lifted_on > suspension.ends_on:
        errors["lifted_on"] = [
            _("The suspension already ends on %(day)s; lifting it cannot extend it.")
            % {"day": suspension.ends_on.isoformat()}
        ]
    if errors:
        raise ValidationFailed(FIX_ERRORS, field_errors=errors)
    before = suspension.ends_on
    suspension.ends_on = lifted_on - datetime.timedelta(days=1)
    suspension.lifted_on = lifted_on
    suspension.lift_reason = reason
    suspension.lifted_by = actor
    suspension.lifted_at = timezone.now()
    suspension.version += 1
    suspension.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=suspension,
        summary=gettext_lazy("Suspension lifted"),
        changes={
            "lifted_on": lifted_on.isoformat(),
            "ends_on": [before.isoformat() if before else None, suspension.ends_on.isoformat()],
            "reason": reason,
        },
    )
    return suspension
