"""Rebooking a case onto another movement before departure (R-TRV-2, R-TRV-5, R-TRV-6,
R-TRV-7, R-SUS-1)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from homeward.accounts.roles import Perm
from homeward.audit.models import AuditAction
from homeward.cases.models import Phase
from homeward.core.concurrency import check_version
from homeward.core.errors import TransitionBlocked

from ..models import Booking, BookingStatus, MovementStatus
from ._common import (
    _active,
    _audit,
    _booking_for,
    _case_for,
    _full_clean,
    _invalid,
    _movement_for,
    _notify,
    active_bookings_count,
    departure_day,
)
from .abn import _update_transit_head_count
from .bookings import _booking_problems

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
