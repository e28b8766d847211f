"""Reading the audit log: only for roles with the audit permission."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from homeward.accounts.access import access_for
from homeward.accounts.roles import Perm
from homeward.core.errors import PermissionDenied

from .models import AuditEvent


@dataclass(frozen=True)
class AuditFilters:
    actor: str = ""
    action: str = ""
    case_reference: str = ""
    object_type: str = ""
    date_from: date | None = None
    date_to: date | None = None


def can_view_audit(actor) -> bool:
    return access_for(actor).has_anywhere(Perm.AUDIT_VIEW)


def audit_events_for(actor, filters: AuditFilters = AuditFilters()):
    if not can_view_audit(actor):
        raise PermissionDenied(_("Only auditors may read the audit log."))
    events = AuditEvent.objects.all()
    if filters.actor:
        events = events.filter(actor_name__iexact=filters.actor.strip())
    if filters.action:
        events = events.filter(action=filters.action)
    if filters.case_reference:
        events = events.filter(case_reference__iexact=filters.case_reference.strip())
    if filters.object_type:
        events = events.filter(object_type=filters.object_type)
    if filters.date_from:
        events = events.filter(at__gte=_start_of(filters.date_from))
    if filters.date_to:
        events = events.filter(at__lt=_start_of(filters.date_to) + timedelta(days=1))
    return events


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))
