"""R-TRV-1: travel document requests, their outcome, and what stops travel without a valid
document."""

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from homeward.accounts.roles import Perm
from homeward.audit.models import AuditAction
from homeward.cases.models import Case
from homeward.core.concurrency import check_version
from homeward.core.errors import NotFound, ValidationFailed, parse_uuid
from homeward.people.models import IdentityDocument

from ..models import TravelDocumentRequest, TravelDocumentStatus
from ._common import FIX_ERRORS, _audit, _case_for, _full_clean, _invalid

TRAVEL_DOCUMENT_KINDS = (IdentityDocument.Kind.PASSPORT, IdentityDocument.Kind.LAISSEZ_PASSER)


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
