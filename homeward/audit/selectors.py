"""Reading the audit log: only for roles with the audit permission."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q
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
    """The lines of the offices where the actor is an auditor (R-DAT-2), plus lines tied
    to no office (e.g. sign-ins with an unknown username)."""
    access = access_for(actor)
    offices = access.offices_with(Perm.AUDIT_VIEW)
    if not offices:
        raise PermissionDenied(_("Only auditors may read the audit log."))
    in_scope = Q(office_scope="")
    for office_id in offices:
        in_scope |= Q(office_scope__contains=f"|{office_id}|")
    events = AuditEvent.objects.filter(in_scope)
    if filters.actor:
        events = events.filter(actor_name__icontains=filters.actor.strip())
    if filters.action:
        events = events.filter(action=filters.action)
    if filters.case_reference:
        # References are written in capitals: an equality the index serves.
        events = events.filter(case_reference=filters.case_reference.strip().upper())
    if filters.object_type:
        events = events.filter(object_type=filters.object_type)
    if filters.date_from:
        events = events.filter(at__gte=_start_of(filters.date_from))
    if filters.date_to:
        events = events.filter(at__lt=_start_of(filters.date_to) + timedelta(days=1))
    return events


def redact_restricted(actor, events) -> list:
    """Blank the changes of lines about a sensitive group (trafficking, medical, GBV) the
    actor may not read in that line's offices; `restricted` tells the page to say so."""
    access = access_for(actor)
    shown = []
    for event in events:
        offices = [o for o in event.office_scope.strip("|").split("|") if o]
        readable = access.readable_at([_as_uuid(o) for o in offices])
        event.restricted = bool(event.restricted_group) and event.restricted_group not in readable
        if event.restricted:
            event.changes = {}
        shown.append(event)
    return shown


def _as_uuid(value: str):
    import uuid

    return uuid.UUID(value)


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))
