"""R-TRV-3, R-TRV-4, R-TRV-11: the Advance Booking Notification (content, sending, the
origin office's answer) and the transit offices' assistance requests and head count."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from homeward.accounts.access import access_for
from homeward.accounts.clock import office_localtime, office_today
from homeward.accounts.roles import FieldGroup, Perm
from homeward.accounts.selectors import calendar_for
from homeward.audit.models import AuditAction
from homeward.cases.models import VulnerabilityCategory
from homeward.core.concurrency import check_version
from homeward.core.deadlines import abn_latest_send_date, coo_confirmation_due
from homeward.core.errors import NotFound, PermissionDenied, parse_uuid
from homeward.registration.models import HealthAssessment
from homeward.registration.services import age_on

from ..abn_display import (
    ESCORT_MEDICAL,
    ESCORT_OPERATIONAL,
    MOBILITY_STRETCHER,
    MOBILITY_WHEELCHAIR,
)
from ..models import (
    ACTIVE_BOOKING,
    AbnStatus,
    AdvanceBookingNotification,
    Movement,
    MovementStatus,
    TransitAssistanceRequest,
)
from ._common import (
    _audit,
    _invalid,
    _movement_for,
    _movement_offices,
    _notify,
    active_bookings_count,
    departure_day,
)
from .movements import large_scale_requirements

# --- R-TRV-3, R-TRV-4: the Advance Booking Notification ----------------------------------

PROTECTED_CATEGORIES = {
    VulnerabilityCategory.TRAFFICKING: FieldGroup.TRAFFICKING,
    VulnerabilityCategory.GBV: FieldGroup.GBV,
}


def abn_content(movement: Movement, bookings: list) -> tuple[dict, dict]:
    """R-TRV-3: the general copy of the ABN and, apart, the protection detail per case
    reference (R-VOT-3: only for readers of the trafficking or GBV group). Means, escorts,
    mobility needs and vulnerability categories are stored as codes; `abn_display` gives
    their labels in the reader's language."""
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
        # Codes, not labels: the ABN is read in its reader's language (abn_display).
        general = [str(f.category) for f in flags if f.field_group == FieldGroup.VULNERABILITY]
        protected = [
            {
                "group": str(PROTECTED_CATEGORIES[f.category]),
                "category": str(f.category),
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
            escorts.append(ESCORT_MEDICAL)
        if booking.operational_escort:
            escorts.append(ESCORT_OPERATIONAL)
        mobility = []
        if assessment and assessment.needs_wheelchair:
            mobility.append(MOBILITY_WHEELCHAIR)
        if assessment and assessment.needs_stretcher:
            mobility.append(MOBILITY_STRETCHER)
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
