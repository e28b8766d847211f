"""Writes of the reception (R-ARR-1) and the arrival record with onward transport and
overnight accommodation (R-ARR-5). Recording the arrival moves a departed case to arrived
through the case workflow (`confirm_arrival`)."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from homeward.accounts.access import access_for
from homeward.accounts.roles import Perm
from homeward.accounts.selectors import case_workers_of
from homeward.audit.models import AuditAction
from homeward.audit.services import audit_record, diff
from homeward.cases.models import Case, Phase, VulnerabilityFlag
from homeward.cases.services import case_transition
from homeward.core.concurrency import check_version
from homeward.core.errors import PermissionDenied, TransitionBlocked, ValidationFailed

from .models import (
    ArrivalRecord,
    PlaceKind,
    Provision,
    ReceptionPlan,
    ReceptionReason,
    ReceptionRequest,
)
from .policies import can_record_arrival
from .services import locked_case

PLANNABLE_PHASES = frozenset(
    {Phase.REGISTERED, Phase.PRE_DEPARTURE, Phase.TRAVEL_BOOKED, Phase.DEPARTED}
)
HOST_REQUEST_PERMS = frozenset({Perm.TRAVEL_PREPARE, Perm.TRAVEL_BOOK, Perm.CASE_EDIT})


def _invalid(errors: dict):
    return ValidationFailed(_("Please correct the errors below."), field_errors=errors)


def is_vulnerable(case: Case) -> bool:
    """Any current vulnerability flag, whoever may read its category (the rules apply
    whether or not the actor sees the detail)."""
    return VulnerabilityFlag.objects.filter(case=case).exists()


def reception_required_reasons(case: Case) -> list[str]:
    """R-ARR-1: why reception must be planned for this case (large-scale returns are
    declared on the plan itself)."""
    reasons = []
    if is_vulnerable(case):
        reasons.append(ReceptionReason.VULNERABLE)
    if ReceptionRequest.objects.filter(case=case).exists():
        reasons.append(ReceptionReason.HOST_REQUEST)
    return reasons


def may_request_reception(actor, case: Case) -> bool:
    """R-ARR-1: host-office staff who prepare or book the return, before arrival."""
    return (
        case.host_office_id is not None
        and case.phase in PLANNABLE_PHASES
        and bool(HOST_REQUEST_PERMS & access_for(actor).perms_at([case.host_office_id]))
    )


def unmet_for_transitions(actor, case: Case) -> dict:
    """The requirements provider registered with `cases.requirements` (see apps.py):
    R-ARR-1 blocks `confirm_arrival` until a required reception is planned."""
    if case.phase != Phase.DEPARTED:
        return {}
    reasons = _reception_reasons(case)
    return {"confirm_arrival": reasons} if reasons else {}


def _reception_reasons(case: Case) -> list[str]:
    required = reception_required_reasons(case)
    if not required or ReceptionPlan.objects.filter(case=case).exists():
        return []
    return [
        _(
            "R-ARR-1: reception at the airport or bus station must be planned for this "
            "returnee (%(why)s)."
        )
        % {"why": ", ".join(str(ReceptionReason(r).label) for r in required)}
    ]


@transaction.atomic
def reception_request(*, actor, case_id, note: str = "") -> ReceptionRequest:
    """R-ARR-1: the host office asks the origin office to receive the returnee."""
    case = locked_case(actor, case_id)
    if case.host_office_id is None or not (
        HOST_REQUEST_PERMS & access_for(actor).perms_at([case.host_office_id])
    ):
        raise PermissionDenied(_("Only the host office may request reception."))
    if case.phase not in PLANNABLE_PHASES:
        raise ValidationFailed(_("Reception can only be requested before arrival."))
    request = ReceptionRequest.objects.create(
        case=case, requested_by=actor, note=(note or "").strip()
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=request,
        offices=case.office_ids,
        case_reference=case.reference,
        summary=gettext_lazy("Reception requested by the host office"),
        changes={"note": request.note},
    )
    return request


PLAN_FIELDS = ("reasons", "place_kind", "place", "expected_at", "staff", "notes")


@transaction.atomic
def reception_plan_save(*, actor, case_id, data: dict, version: int | None = None):
    """R-ARR-1: plan (or re-plan) the reception at the airport or bus station. Reasons that
    the record already shows (a vulnerable migrant, a host-office request) are always kept;
    without any reason there is nothing that requires a reception."""
    case = locked_case(actor, case_id)
    if not can_record_arrival(actor, case):
        raise PermissionDenied(_("You may not plan the reception of this returnee."))
    if case.phase not in PLANNABLE_PHASES:
        raise ValidationFailed(_("Reception is planned before arrival."))
    unknown = set(data) - set(PLAN_FIELDS)
    if unknown:
        raise _invalid({k: [_("This field cannot be set.")] for k in sorted(unknown)})
    plan = ReceptionPlan.objects.filter(case=case).first()
    before = {}
    if plan is None:
        plan = ReceptionPlan(case=case, planned_by=actor)
    else:
        check_version(plan, version)
        before = {k: _value(getattr(plan, k)) for k in PLAN_FIELDS}
    errors: dict[str, list] = {}
    chosen = [str(r) for r in data.get("reasons", plan.reasons or [])]
    if any(r not in ReceptionReason.values for r in chosen):
        errors["reasons"] = [_("Unknown reason.")]
    reasons = sorted(set(chosen) | set(reception_required_reasons(case)))
    if not reasons:
        errors.setdefault("reasons", []).append(
            _(
                "Reception is planned for large-scale returns, vulnerable migrants needing "
                "immediate assistance and on the host office's request: choose why."
            )
        )
    plan.reasons = reasons
    for key in ("place_kind", "place", "notes"):
        if key in data:
            setattr(plan, key, str(data[key] or "").strip())
    if "expected_at" in data:
        plan.expected_at = _datetime(errors, data["expected_at"], "expected_at")
    if "staff" in data:
        plan.staff = data["staff"] or None
        if (
            plan.staff
            and not case_workers_of([case.origin_office_id]).filter(pk=plan.staff.pk).exists()
        ):
            errors["staff"] = [_("The receiving staff member must work at the origin office.")]
    _clean(plan, errors)
    if errors:
        raise _invalid(errors)
    if plan.pk and before:
        plan.version += 1
    plan.save()
    after = {k: _value(getattr(plan, k)) for k in PLAN_FIELDS}
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE if before else AuditAction.CREATE,
        obj=plan,
        offices=case.office_ids,
        case_reference=case.reference,
        summary=gettext_lazy("Reception planned"),
        changes=diff(before, after) if before else after,
    )
    return plan


ARRIVAL_FIELDS = (
    "arrived_at",
    "place_kind",
    "place",
    "received_by",
    "immediate_needs",
    "onward_transport",
    "onward_transport_reason",
    "onward_destination",
    "accommodation",
    "accommodation_reason",
)


@transaction.atomic
def arrival_record(*, actor, case_id, data: dict) -> ArrivalRecord:
    """R-ARR-1, R-ARR-5: record the arrival. Reception must have been planned when the
    rules require it; a vulnerable returnee is always offered onward transport and
    overnight accommodation; for others, not providing them needs a reason. A departed
    case moves to arrived (`confirm_arrival`)."""
    case = locked_case(actor, case_id)
    if not can_record_arrival(actor, case):
        raise PermissionDenied(_("You may not record the arrival of this returnee."))
    if case.phase not in (Phase.DEPARTED, Phase.ARRIVED):
        raise ValidationFailed(_("Only a departed returnee can be recorded as arrived."))
    if ArrivalRecord.objects.filter(case=case).exists():
        raise ValidationFailed(_("The arrival of this returnee is already recorded."))
    unknown = set(data) - set(ARRIVAL_FIELDS)
    if unknown:
        raise _invalid({k: [_("This field cannot be set.")] for k in sorted(unknown)})
    reasons = _reception_reasons(case)
    if reasons:
        raise TransitionBlocked(_("Plan the reception first."), reasons=reasons)
    errors: dict[str, list] = {}
    vulnerable = is_vulnerable(case)
    record = ArrivalRecord(case=case, recorded_by=actor, vulnerable=vulnerable)
    for key in ARRIVAL_FIELDS:
        if key in ("arrived_at", "received_by"):
            continue
        setattr(record, key, str(data.get(key) or "").strip())
    record.place_kind = record.place_kind or PlaceKind.AIRPORT
    record.arrived_at = (
        _datetime(errors, data["arrived_at"], "arrived_at")
        if data.get("arrived_at") not in (None, "")
        else timezone.now()
    )
    if record.arrived_at and record.arrived_at > timezone.now() + datetime.timedelta(minutes=5):
        errors.setdefault("arrived_at", []).append(_("The arrival cannot be in the future."))
    record.received_by = data.get("received_by") or actor
    if not case_workers_of([case.origin_office_id]).filter(pk=record.received_by.pk).exists():
        errors.setdefault("received_by", []).append(
            _("The receiving staff member must work at the origin office.")
        )
    for field in ("onward_transport", "accommodation"):
        _check_provision(errors, record, field, vulnerable)
    _clean(record, errors)
    if errors:
        raise _invalid(errors)
    record.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=record,
        offices=case.office_ids,
        case_reference=case.reference,
        summary=gettext_lazy("Arrival recorded"),
        changes={k: _value(getattr(record, k)) for k in ARRIVAL_FIELDS},
    )
    if case.phase == Phase.DEPARTED:
        case_transition(
            actor=actor,
            case_id=case.pk,
            action="confirm_arrival",
            reason=_("Arrival recorded at %(place)s.") % {"place": record.place},
        )
    return record


def _check_provision(errors, record, field: str, vulnerable: bool) -> None:
    """R-ARR-5: always for vulnerable migrants; for others when resources allow."""
    value = getattr(record, field)
    reason_field = f"{field}_reason"
    if value not in Provision.values:
        errors.setdefault(field, []).append(_("Say whether it was provided."))
        return
    if value == Provision.NOT_PROVIDED and vulnerable:
        errors.setdefault(field, []).append(
            _("A vulnerable returnee is always offered it: record it as provided or declined.")
        )
    elif value in (Provision.NOT_PROVIDED, Provision.DECLINED) and not getattr(
        record, reason_field
    ):
        errors.setdefault(reason_field, []).append(_("Give the reason."))
    if value in (Provision.PROVIDED, Provision.NOT_NEEDED):
        setattr(record, reason_field, "")


def _datetime(errors, raw, key):
    if raw in (None, ""):
        errors.setdefault(key, []).append(_("This field is required."))
        return None
    if isinstance(raw, datetime.datetime):
        value = raw
    else:
        value = parse_datetime(str(raw))
        if value is None:
            errors.setdefault(key, []).append(_("Enter a valid date and time."))
            return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _clean(obj, errors: dict) -> None:
    from django.core.exceptions import ValidationError

    try:
        obj.full_clean(exclude=["case"])
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            if key not in errors:
                errors.setdefault(key, []).extend(messages)


def _value(value):
    if value is None or isinstance(value, (str, bool, int, list)):
        return value
    return str(value)
