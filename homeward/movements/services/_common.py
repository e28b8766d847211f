"""What several parts of the movements services share: validation errors, the locked
reads of a case, movement or booking with the actor's permission, the audit line, the
movement's departure day and head count, and the e-mail to an office after commit."""

import datetime
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from homeward.accounts.access import access_for
from homeward.accounts.clock import office_day
from homeward.accounts.models import Office
from homeward.accounts.roles import Perm
from homeward.audit.services import audit_record
from homeward.cases.models import Case
from homeward.cases.policies import can_view_case
from homeward.core.errors import NotFound, PermissionDenied, ValidationFailed, parse_uuid

from ..models import ACTIVE_BOOKING, Booking, Movement

logger = logging.getLogger(__name__)
FIX_ERRORS = gettext_lazy("Please correct the errors below.")


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


def active_bookings_count(movement: Movement) -> int:
    return movement.bookings.filter(status__in=ACTIVE_BOOKING).count()


def departure_day(movement: Movement) -> datetime.date:
    """The day a movement leaves, in its host office's time zone (where it departs)."""
    return office_day(movement.host_office, movement.departs_at)


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
