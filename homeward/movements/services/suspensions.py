"""R-SUS-1: suspending returns to a country or area, keeping a booking it flagged once
no longer covered, lifting a suspension."""

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from homeward.accounts.access import access_for
from homeward.accounts.roles import Perm
from homeward.audit.models import AuditAction
from homeward.audit.services import audit_record
from homeward.cases.models import Case
from homeward.core.concurrency import check_version
from homeward.core.errors import (
    NotFound,
    PermissionDenied,
    TransitionBlocked,
    ValidationFailed,
    parse_uuid,
)

from ..models import ACTIVE_BOOKING, Booking, Suspension
from ._common import FIX_ERRORS, _active, _audit, _booking_for, _full_clean, _invalid, departure_day

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
