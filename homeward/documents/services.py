"""Forms generated from the record (R-FRM-1), in the migrant's language, as real PDFs.

Each function checks access, renders, and writes an EXPORT audit line (R-DAT-3).
"""

import datetime

from django.db import transaction
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from homeward.audit.models import AuditAction
from homeward.audit.services import audit_record
from homeward.cases.models import Case
from homeward.cases.selectors import case_get_for
from homeward.consent.catalogue import current_version
from homeward.consent.models import DocumentKind
from homeward.core.errors import NotFound, PermissionDenied, ValidationFailed

from .policies import can_print_documents
from .rendering import document_languages, is_document_language, render_pdf


def declaration_pdf(*, actor, case_id, language: str) -> bytes:
    """R-VOL-1: the voluntary return declaration and authorization for collection of
    personal data, printed for signature in `language`."""
    case = _printable_case(actor, case_id, language)
    kind = DocumentKind.VOLUNTARY_RETURN_DECLARATION
    with translation.override(language):
        context = {**case_context(case), "form_version": current_version(kind)}
        context["printed_by"] = actor.get_full_name() or actor.get_username()
        pdf = render_pdf("documents/declaration.html", context, language=language)
    _audit_export(actor, case, kind, language, gettext_lazy("Voluntary return declaration printed"))
    return pdf


def screening_form_pdf(*, actor, case_id, screening_id, language: str) -> bytes:
    """R-VUL-1 / R-FRM-1: the profile and vulnerability screening form of one screening.
    It prints only the findings and referrals of field groups the actor may read for the
    case (R-VOT-3: trafficking, GBV and medical findings reach only their readers)."""
    from homeward.registration.selectors import (
        profile_for,
        referrals_for,
        screening_get_for,
    )

    case = _printable_case(actor, case_id, language)
    screening = screening_get_for(actor, screening_id=screening_id)
    if screening.case_id != case.pk:
        raise NotFound(_("Screening not found."))
    kind = DocumentKind.SCREENING_FORM
    referrals = [r for r in referrals_for(actor, case) if r.screening_id == screening.pk]
    profile = profile_for(actor, case)
    with translation.override(language):
        context = {
            **case_context(case),
            "form_version": current_version(kind),
            "printed_by": actor.get_full_name() or actor.get_username(),
            "screening": screening,
            "screened_on": _date(screening.screened_on),
            "screened_by": screening.screened_by.get_full_name()
            or screening.screened_by.get_username(),
            "findings": list(screening.readable_findings),
            "referrals": referrals,
            "profile": profile,
            "left_home_on": _date(profile.left_home_on) if profile else "",
        }
        pdf = render_pdf("documents/screening.html", context, language=language)
    _audit_export(
        actor,
        case,
        kind,
        language,
        gettext_lazy("Screening form printed"),
        changes={"screening": str(screening.pk)},
    )
    return pdf


def _printable_case(actor, case_id, language: str) -> Case:
    if not is_document_language(language or ""):
        names = ", ".join(name for _code, name in document_languages())
        raise ValidationFailed(
            _("Please correct the errors below."),
            field_errors={"language": [_("Choose one of: %(names)s.") % {"names": names}]},
        )
    case = case_get_for(actor, case_id=case_id)
    if not can_print_documents(actor, case):
        raise PermissionDenied(_("You may not print this case's forms."))
    return case


def _audit_export(actor, case: Case, kind: str, language: str, summary, **extra) -> None:
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditAction.EXPORT,
            obj=case,
            offices=case.office_ids,
            case_reference=case.reference,
            summary=summary,
            changes={"document": kind, "language": language, **extra.pop("changes", {})},
            **extra,
        )


def case_context(case: Case) -> dict:
    """What every form prints about the case and the person (call with the document's
    language active: country names and dates follow it)."""
    person = case.person
    names = list(person.names.all())
    primary = next((n for n in names if n.is_primary), names[0] if names else None)
    return {
        "case": case,
        "person": person,
        "primary_name": primary,
        "other_names": [n for n in names if n is not primary],
        "sex": person.get_sex_display(),
        "born": _born(person),
        "nationalities": ", ".join(c.display_name for c in person.nationalities.all()),
        "origin_country": case.origin_office.country.display_name,
        "host_office": case.host_office,
        "origin_office": case.origin_office,
    }


def _born(person) -> str:
    if person.date_of_birth:
        return formats.date_format(person.date_of_birth, "DATE_FORMAT")
    if person.estimated_age is not None:
        return _("about %(age)s years old") % {"age": person.estimated_age}
    return ""


def _date(value: datetime.date | None) -> str:
    return formats.date_format(value, "DATE_FORMAT") if value else ""
