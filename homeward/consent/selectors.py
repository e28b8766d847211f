"""Reads of consents and signed documents.

`consents_for`, `documents_for` and the `*_get_for` functions are scoped to the actor (case
visible, field group readable). `active_consent`, `has_active_consent`, `signed_kinds` and
`signed_document` take no actor: workflow guards and the registration checklist use them,
and their answers must be worded for the actor by the caller.
"""

import datetime

from django.db.models import Q
from django.utils.translation import gettext as _

from homeward.cases.models import Case
from homeward.cases.policies import can_view_case, readable_groups_for_case
from homeward.core.errors import NotFound, parse_uuid

from .models import Consent, SignedDocument


def _visible(actor, case: Case) -> frozenset:
    if not can_view_case(actor, case):
        raise NotFound(_("Case not found."))
    return readable_groups_for_case(actor, case)


def consents_for(actor, case: Case) -> list[Consent]:
    """The case's consents whose field group the actor may read, newest first."""
    readable = _visible(actor, case)
    # Read through the case's own manager: each row then holds the case as given (its
    # offices give the day a status is read on), not a copy read again per row.
    return list(
        case.consents.filter(field_group__in=readable).select_related("recorded_by", "withdrawn_by")
    )


def consent_get_for(actor, *, consent_id) -> Consent:
    consent = (
        Consent.objects.select_related("case__host_office", "case__origin_office")
        .filter(pk=parse_uuid(consent_id, _("Consent not found.")))
        .first()
    )
    if consent is None or not _readable(actor, consent.case, consent.field_group):
        raise NotFound(_("Consent not found."))
    return consent


def _readable(actor, case: Case, group: str) -> bool:
    return can_view_case(actor, case) and group in readable_groups_for_case(actor, case)


def _in_force(on: datetime.date) -> Q:
    return (
        Q(given_on__lte=on)
        & (Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=on))
        & (Q(expires_on__isnull=True) | Q(expires_on__gt=on))
    )


def active_consent(case: Case, purpose: str, on: datetime.date | None = None) -> Consent | None:
    """The most recent consent for this purpose in force on that day (default: today at
    the case's office)."""
    on = on or case.today()
    return (
        Consent.objects.filter(_in_force(on), case=case, purpose=purpose)
        .order_by("-given_on", "-created_at")
        .first()
    )


def has_active_consent(case: Case, purpose: str, on: datetime.date | None = None) -> bool:
    """R-DAT-1: whether a consent for this purpose is in force (for guards; no actor), by
    default today at the case's office."""
    on = on or case.today()
    return Consent.objects.filter(_in_force(on), case=case, purpose=purpose).exists()


def documents_for(actor, case: Case) -> list[SignedDocument]:
    """The case's signed documents whose field group the actor may read, newest first."""
    readable = _visible(actor, case)
    return list(
        case.signed_documents.filter(field_group__in=readable).select_related(
            "uploaded_by", "witnessed_by", "consent"
        )
    )


def document_get_for(actor, *, document_id) -> SignedDocument:
    """One signed document; NotFound when missing, when the case is not visible and when
    the document's field group is not readable (a fitness-to-travel form for a counsellor)."""
    document = (
        SignedDocument.objects.select_related("case__host_office", "case__origin_office")
        .filter(pk=parse_uuid(document_id, _("Document not found.")))
        .first()
    )
    if document is None or not _readable(actor, document.case, document.field_group):
        raise NotFound(_("Document not found."))
    return document


def signed_kinds(case: Case) -> set[str]:
    """The kinds of form with at least one signed document (scan or recorded signature)."""
    return set(SignedDocument.objects.filter(case=case).values_list("kind", flat=True).distinct())


def signed_document(case: Case, kind: str) -> SignedDocument | None:
    """The latest signed document of this kind, or None."""
    return (
        SignedDocument.objects.filter(case=case, kind=kind)
        .order_by("-signed_on", "-created_at")
        .first()
    )


def person_languages(case: Case) -> list[str]:
    """The ISO 639 codes of the languages the migrant understands, preferred first."""
    return [lang.language for lang in case.person.languages.all()]
