"""Writes of consents and signed documents (and the audit lines of reading them).

R-DAT-1: consent is recorded with its purpose, scope, recipients and date, and can be
withdrawn; a withdrawal ends it at once (for protection detail, the case manager's access
closes in the same transaction). R-VOL-1 / R-FRM-1: a signed form is recorded with its
language and form version, as a checked scan or a recorded signature.
"""

import datetime
import hashlib

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from homeward.accounts.roles import SENSITIVE_GROUPS
from homeward.audit.models import AuditAction
from homeward.audit.services import audit_record
from homeward.cases.models import Case
from homeward.cases.policies import can_view_case
from homeward.cases.services import case_set_protection_sharing
from homeward.core.errors import ApplicationError, NotFound, PermissionDenied, ValidationFailed
from homeward.core.errors import parse_uuid as _parse_uuid

from . import uploads
from .models import (
    Consent,
    ConsentPurpose,
    DocumentKind,
    Signatory,
    SignedDocument,
    document_group,
    purpose_group,
)
from .policies import (
    can_record_consent,
    can_upload_document,
    may_record_consents,
    may_upload_documents,
)
from .selectors import consent_get_for, document_get_for, has_active_consent, person_languages

CONSENT_FIELDS = (
    "purpose",
    "scope",
    "recipients",
    "language",
    "interpreter_note",
    "form_version",
    "given_on",
    "expires_on",
    "signatory",
    "signatory_name",
)
DOCUMENT_FIELDS = (
    "kind",
    "language",
    "interpreter_note",
    "form_version",
    "signed_on",
    "signatory",
    "signatory_name",
    "consent",
)
ADULT_AGE = 18


class StoredFileDamaged(ApplicationError):
    """A stored scan is missing or no longer matches its checksum: it is not served."""

    status_code = 500
    code = "file_damaged"


# ---- consents ------------------------------------------------------------------------------


@transaction.atomic
def consent_record(*, actor, case_id, data: dict) -> Consent:
    """R-DAT-1: record the migrant's written consent (purpose, scope, recipients, date)."""
    case = _locked_case(actor, case_id)
    _refuse_unknown(data, CONSENT_FIELDS)
    if not may_record_consents(actor, case):
        raise PermissionDenied(_("You may not record consents for this case."))
    values = _cleaned(data)
    purpose = values.get("purpose", "")
    group = purpose_group(purpose)
    if purpose in ConsentPurpose.values and not can_record_consent(actor, case, group):
        raise PermissionDenied(
            _("Your role may not record this kind of consent."),
            field_errors={"purpose": [_("Your role may not record this kind of consent.")]},
        )
    consent = Consent(case=case, recorded_by=actor, field_group=group, **values)
    errors = _model_errors(consent)
    _check_language(errors, case, consent.language, consent.interpreter_note)
    _check_consent_rules(errors, case, consent)
    if errors:
        raise ValidationFailed(_("Please correct the errors below."), field_errors=errors)
    consent.save()
    _audit(
        actor,
        case,
        AuditAction.CREATE,
        obj=consent,
        group=group,
        summary=gettext_lazy("Consent recorded"),
        changes={
            "purpose": consent.purpose,
            "scope": consent.scope,
            "recipients": consent.recipients,
            "language": consent.language,
            "form_version": consent.form_version,
            "given_on": consent.given_on,
            "expires_on": consent.expires_on,
            "signatory": consent.signatory,
        },
    )
    if consent.purpose == ConsentPurpose.PROTECTION_SHARING:
        case_set_protection_sharing(actor=actor, case_id=case.pk, shared=True)
    return consent


def _check_consent_rules(errors: dict, case: Case, consent: Consent) -> None:
    purpose = consent.purpose
    disclosures = (ConsentPurpose.THIRD_PARTY_DISCLOSURE, ConsentPurpose.MEDICAL_DATA_SHARING)
    if purpose in disclosures and not consent.recipients:
        errors.setdefault("recipients", []).append(_("Say to whom the data may be disclosed."))
    if purpose == ConsentPurpose.PROTECTION_SHARING:
        # The case manager's access follows this consent; nothing would close it on an
        # expiry date, so this consent lasts until it is withdrawn.
        if consent.expires_on is not None:
            errors.setdefault("expires_on", []).append(
                _("This consent lasts until the migrant withdraws it: leave the date empty.")
            )
        if has_active_consent(case, purpose):
            errors.setdefault("purpose", []).append(
                _("This consent is already in force for this case.")
            )
    if consent.signatory == Signatory.MIGRANT and consent.given_on:
        age = age_on(case.person, consent.given_on)
        if age is not None and age < ADULT_AGE:
            errors.setdefault("signatory", []).append(
                _("The migrant is a child: a legal guardian or a parent gives this consent.")
            )


@transaction.atomic
def consent_withdraw(*, actor, consent_id, reason: str) -> Consent:
    """R-DAT-1: withdrawal ends the consent today and stops future sharing at once (R-VOT-3:
    the assigned case manager loses access to protection detail in the same transaction)."""
    visible = consent_get_for(actor, consent_id=consent_id)
    consent = Consent.objects.select_for_update().get(pk=visible.pk)
    case = visible.case
    if not can_record_consent(actor, case, consent.field_group):
        raise PermissionDenied(_("You may not record consents for this case."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(
            _("Please give a reason."), field_errors={"reason": [_("A reason is required.")]}
        )
    if consent.withdrawn_on is not None:
        raise ValidationFailed(
            _("This consent was already withdrawn."),
            field_errors={"__all__": [_("This consent was already withdrawn.")]},
        )
    consent.withdrawn_on = max(case.today(), consent.given_on)
    consent.withdrawn_by = actor
    consent.withdrawal_reason = reason
    consent.version += 1
    consent.save(
        update_fields=[
            "withdrawn_on",
            "withdrawn_by",
            "withdrawal_reason",
            "version",
            "updated_at",
        ]
    )
    _audit(
        actor,
        case,
        AuditAction.UPDATE,
        obj=consent,
        group=consent.field_group,
        summary=gettext_lazy("Consent withdrawn"),
        changes={
            "purpose": consent.purpose,
            "withdrawn_on": consent.withdrawn_on,
            "reason": reason,
        },
    )
    if consent.purpose == ConsentPurpose.PROTECTION_SHARING and not has_active_consent(
        case, ConsentPurpose.PROTECTION_SHARING
    ):
        case_set_protection_sharing(actor=actor, case_id=case.pk, shared=False)
    return consent


def consents_viewed(*, actor, case: Case, ip_address: str | None = None) -> None:
    """R-DAT-3: record that the actor saw the case's consents and signed documents."""
    _audit(
        actor,
        case,
        AuditAction.VIEW,
        obj=case,
        summary=gettext_lazy("Consents and signed documents viewed"),
        ip_address=ip_address,
    )


# ---- signed documents ----------------------------------------------------------------------


def document_record(
    *, actor, case_id, data: dict, upload=None, signed_in_presence: bool = False
) -> SignedDocument:
    """R-FRM-1 / R-VOL-1: record a signed form with its language and form version, either
    as a scan (`upload`: PDF, JPEG or PNG, checked from its bytes) or as a signature made in
    the actor's presence.

    The file is written only once everything is valid, inside a transaction that must be the
    outermost one (`durable`): if the row, the audit line or the commit fails, the file is
    removed again, so there is never a file without its record nor a record without its file.
    A recorded signature writes no file and may join the caller's transaction.
    """
    written: list[str] = []
    try:
        with transaction.atomic(durable=upload is not None):
            return _document_record(actor, case_id, data, upload, signed_in_presence, written)
    except BaseException:
        for storage_name in written:
            uploads.remove_file(storage_name)
        raise


def _document_record(actor, case_id, data, upload, signed_in_presence, written) -> SignedDocument:
    case = _locked_case(actor, case_id)
    _refuse_unknown(data, DOCUMENT_FIELDS)
    if not may_upload_documents(actor, case):
        raise PermissionDenied(_("You may not record signed documents for this case."))
    values = _cleaned(data)
    errors: dict[str, list] = {}
    consent = _consent_of(actor, case, values.pop("consent", None), errors)
    kind = values.get("kind", "")
    group = document_group(kind, consent)
    if kind in DocumentKind.values and not can_upload_document(actor, case, group):
        raise PermissionDenied(
            _("Your role may not record this kind of document."),
            field_errors={"kind": [_("Your role may not record this kind of document.")]},
        )
    document = SignedDocument(
        case=case, consent=consent, field_group=group, uploaded_by=actor, **values
    )
    if signed_in_presence and upload is None:
        document.witnessed_by = actor
    _merge(errors, _model_errors(document))
    _check_language(errors, case, document.language, document.interpreter_note)
    checked = _checked_upload(errors, upload, signed_in_presence)
    if errors:
        raise ValidationFailed(_("Please correct the errors below."), field_errors=errors)
    if checked is not None:
        document.storage_name = uploads.new_storage_name(checked)
        document.original_name = checked.original_name
        document.size = checked.size
        document.sha256 = checked.sha256
        document.content_type = checked.content_type
        written.append(document.storage_name)
        uploads.write_file(document.storage_name, checked.content)
    document.save()
    _audit(
        actor,
        case,
        AuditAction.CREATE,
        obj=document,
        group=group,
        summary=gettext_lazy("Signed document recorded"),
        changes={
            "kind": document.kind,
            "language": document.language,
            "form_version": document.form_version,
            "signed_on": document.signed_on,
            "signatory": document.signatory,
            "scan": document.has_scan,
            "sha256": document.sha256,
            "size": document.size,
        },
    )
    return document


def _checked_upload(errors: dict, upload, signed_in_presence: bool):
    if upload is not None and signed_in_presence:
        errors.setdefault("file", []).append(
            _("Either attach the scan or record that it was signed in your presence, not both.")
        )
        return None
    if upload is None:
        if not signed_in_presence:
            errors.setdefault("file", []).append(
                _(
                    "Attach the scan of the signed form, or record that it was signed "
                    "in your presence."
                )
            )
        return None
    try:
        return uploads.check_upload(upload)
    except uploads.UploadRefused as exc:
        errors.setdefault("file", []).append(exc.message)
        return None


def document_download(
    *, actor, document_id, ip_address: str | None = None
) -> tuple[SignedDocument, bytes]:
    """A scan for download, checked against its stored checksum; every download writes an
    EXPORT audit line (R-DAT-3), restricted to readers of the document's field group."""
    document = document_get_for(actor, document_id=document_id)
    if not document.has_scan:
        raise NotFound(_("This document was signed in the presence of a staff member: no scan."))
    try:
        content = uploads.read_stored(document.storage_name)
    except (OSError, ValueError) as exc:
        raise StoredFileDamaged(_("The stored file is missing. Tell your administrator.")) from exc
    if hashlib.sha256(content).hexdigest() != document.sha256:
        raise StoredFileDamaged(
            _("The stored file does not match the one uploaded. Tell your administrator.")
        )
    with transaction.atomic():
        _audit(
            actor,
            document.case,
            AuditAction.EXPORT,
            obj=document,
            group=document.field_group,
            summary=gettext_lazy("Signed document downloaded"),
            changes={"kind": document.kind, "sha256": document.sha256},
            ip_address=ip_address,
        )
    return document, content


# ---- helpers -------------------------------------------------------------------------------


def _locked_case(actor, case_id) -> Case:
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("person", "host_office", "origin_office")
        .filter(pk=_parse_uuid(case_id, _("Case not found.")))
        .first()
    )
    if case is None or not can_view_case(actor, case):
        raise NotFound(_("Case not found."))
    return case


def _refuse_unknown(data: dict, allowed) -> None:
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise ValidationFailed(
            _("These fields cannot be set here."),
            field_errors={k: [_("This field cannot be set.")] for k in unknown},
        )


def _cleaned(data: dict) -> dict:
    values = {}
    for key, value in data.items():
        if isinstance(value, str):
            value = value.strip()
        if key == "language" and isinstance(value, str):
            value = value.lower()
        values[key] = "" if value is None and key not in _NULLABLE else value
    return values


_NULLABLE = {"expires_on", "consent", "given_on", "signed_on"}


def _model_errors(obj) -> dict[str, list]:
    try:
        obj.full_clean(exclude=["case", "recorded_by", "uploaded_by", "consent", "witnessed_by"])
    except ValidationError as exc:
        return {k: list(v) for k, v in exc.message_dict.items()}
    return {}


def _merge(into: dict, more: dict) -> None:
    for key, messages in more.items():
        into.setdefault(key, []).extend(messages)


def _check_language(errors: dict, case: Case, language: str, interpreter_note: str) -> None:
    """R-VOL-1 / R-CNS-1: in a language the migrant understands, or interpreted into one
    (the interpreter note then says by whom and into which language)."""
    if not language or "language" in errors:
        return
    understood = person_languages(case)
    if language in understood or interpreter_note:
        return
    if understood:
        message = _(
            "The migrant does not understand this language (recorded: %(languages)s). "
            "Choose one of these, or say in the interpreter note who interpreted it and "
            "into which language."
        ) % {"languages": ", ".join(language_name(c) for c in understood)}
    else:
        message = _(
            "No language is recorded for this person. Record the languages they "
            "understand, or say in the interpreter note who interpreted it and into "
            "which language."
        )
    errors.setdefault("language", []).append(message)


def language_name(code: str) -> str:
    """A language's name in the active language where Django knows it, else its code."""
    from django.utils.translation import get_language_info

    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code


def _consent_of(actor, case: Case, consent_id, errors: dict) -> Consent | None:
    if consent_id in (None, ""):
        return None
    if isinstance(consent_id, Consent):
        consent_id = consent_id.pk
    try:
        consent = consent_get_for(actor, consent_id=consent_id)
    except NotFound:
        consent = None
    if consent is None or consent.case_id != case.pk:
        errors.setdefault("consent", []).append(_("Choose a consent recorded for this case."))
        return None
    return consent


def age_on(person, day: datetime.date) -> int | None:
    """Full years on that day, from the date of birth or else the estimated age."""
    if person.date_of_birth:
        born = person.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
    if person.estimated_age is not None:
        since = person.age_estimated_on or person.created_at.date()
        years = day.year - since.year - ((day.month, day.day) < (since.month, since.day))
        return person.estimated_age + max(years, 0)
    return None


def _audit(actor, case: Case, action: str, *, obj, group: str = "", **details) -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=obj,
        offices=case.office_ids,
        case_reference=case.reference,
        restricted_group=group if group in SENSITIVE_GROUPS else "",
        **details,
    )
