"""Movements: planning one with its legs, the needs of a large-scale movement (R-TRV-5),
cancelling one before departure."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from homeward.accounts.access import access_for
from homeward.accounts.models import Office
from homeward.accounts.roles import Perm
from homeward.audit.models import AuditAction
from homeward.cases.models import Phase
from homeward.core.concurrency import check_version

from ..models import (
    ACTIVE_BOOKING,
    LARGE_SCALE_THRESHOLD,
    BookingStatus,
    Means,
    Movement,
    MovementLeg,
    MovementStatus,
)
from ._common import _audit, _full_clean, _invalid, _movement_for, _movement_offices

# --- Movements -----------------------------------------------------------------------------


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
