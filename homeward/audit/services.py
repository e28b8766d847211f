"""audit_record(): the only way audit lines are written. Imports no domain app."""

import datetime
import decimal
import json
import uuid

from django.db import connection
from django.utils import timezone, translation

from homeward.core.bulk import copy_rows

from .models import AuditAction, AuditEvent


def _jsonable(value):
    if type(value) in _KEPT_AS_IS:  # first: a list's snapshots hold little else
        return value
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime.date | datetime.datetime | uuid.UUID | decimal.Decimal):
        return str(value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


# The exact types written as they are.
_KEPT_AS_IS = frozenset({str, int, float, bool, type(None)})


def audit_record(
    *,
    actor,
    action: str,
    obj=None,
    object_type: str = "",
    object_id: str = "",
    case_reference: str = "",
    summary: str = "",
    changes: dict | None = None,
    ip_address: str | None = None,
    offices=(),
    restricted_group: str = "",
) -> AuditEvent:
    """Append one audit line; call it inside the transaction of the change it records.

    `offices` scope the line to those offices' auditors; `restricted_group` hides its
    changes from readers who may not read that field group. A lazy summary is stored in
    English and translated for each reader.
    """
    event = _event(
        actor=actor,
        action=action,
        obj=obj,
        object_type=object_type,
        object_id=object_id,
        case_reference=case_reference,
        summary=summary,
        changes=changes,
        ip_address=ip_address,
        offices=offices,
        restricted_group=restricted_group,
    )
    event.save(force_insert=True)
    return event


def audit_record_many(*, actor, records: list[dict]) -> int:
    """Append many audit lines at once (lists imported in bulk); each record holds
    `audit_record`'s other keyword arguments. Call it inside the transaction of the changes.
    Returns how many lines were written; on PostgreSQL in one COPY, without an AuditEvent
    object per line."""
    if not records:
        return 0
    with translation.override("en"):
        values = [_values(actor=actor, english=True, **r) for r in records]
    if connection.vendor != "postgresql":
        AuditEvent.objects.bulk_create([AuditEvent(**v) for v in values])
        return len(values)
    now = timezone.now()
    fields = [AuditEvent._meta.get_field(name) for name in _MANY_COLUMNS]
    copy_rows(
        AuditEvent._meta.db_table,
        ["at", *(f.column for f in fields)],
        (
            (
                now,
                *(json.dumps(v[name]) if name == "changes" else v[name] for name in _MANY_COLUMNS),
            )
            for v in values
        ),
    )
    return len(values)


# The columns audit_record_many writes, with their PostgreSQL types.
_MANY_COLUMNS = (
    "actor_id",
    "actor_name",
    "action",
    "object_type",
    "object_id",
    "case_reference",
    "summary",
    "changes",
    "ip_address",
    "office_scope",
    "restricted_group",
)


def _event(**kwargs) -> AuditEvent:
    return AuditEvent(**_values(**kwargs))


def _values(
    *,
    actor,
    action: str,
    obj=None,
    object_type: str = "",
    object_id: str = "",
    case_reference: str = "",
    summary: str = "",
    changes: dict | None = None,
    ip_address: str | None = None,
    offices=(),
    restricted_group: str = "",
    english: bool = False,
) -> dict:
    """An audit line's field values; `english`: the caller has switched to English."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    return {
        "actor_id": actor.pk if authenticated else None,
        "actor_name": actor.get_username() if authenticated else "",
        "action": str(AuditAction(action)),
        "object_type": object_type,
        "object_id": object_id,
        "case_reference": case_reference,
        "summary": (str(summary) if english else _english(summary))[:255],
        "changes": _jsonable(changes or {}),
        "ip_address": ip_address,
        "office_scope": scope_of(offices),
        "restricted_group": str(restricted_group),
    }


def scope_of(offices) -> str:
    ids = sorted({str(o) for o in offices if o is not None})
    return f"|{'|'.join(ids)}|" if ids else ""


def _english(summary) -> str:
    with translation.override("en"):
        return str(summary)


def diff(before: dict, after: dict) -> dict:
    """{field: [before, after]} for the fields whose value changed."""
    return {k: [before.get(k), after.get(k)] for k in after if before.get(k) != after.get(k)}
