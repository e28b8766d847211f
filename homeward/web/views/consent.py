"""The consent and documents page of a case: consents with their status, recording and
withdrawing them (R-DAT-1), signed documents with their scans (R-FRM-1), and the forms
printed from the record as PDF in the migrant's language."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from homeward.cases.selectors import case_get_for
from homeward.consent.policies import may_record_consents, may_upload_documents
from homeward.consent.selectors import (
    consent_get_for,
    consents_for,
    document_get_for,
    documents_for,
    person_languages,
)
from homeward.consent.services import (
    StoredFileDamaged,
    consent_record,
    consent_withdraw,
    consents_viewed,
    document_download,
    document_record,
)
from homeward.consent.uploads import limit_uploads, too_large_message
from homeward.core.errors import PermissionDenied, ValidationFailed
from homeward.documents.policies import can_print_documents
from homeward.documents.rendering import document_languages
from homeward.documents.services import declaration_pdf, screening_form_pdf
from homeward.registration.selectors import screenings_for

from ..forms.consent import ConsentForm, SignedDocumentForm, WithdrawForm
from ._common import client_ip, maps_errors, private_page, show_service_errors


def attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    """A file to save, never shown inline nor kept by the browser or a proxy."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Content-Length"] = str(len(content))
    response["Cache-Control"] = "no-store, private"
    return response


@private_page
@require_GET
@maps_errors
def consent_page(request, reference: str):
    case = case_get_for(request.user, reference=reference)
    return _render(request, case)


def _render(
    request,
    case,
    *,
    consent_form=None,
    document_form=None,
    withdraw=None,
    status: int = 200,
):
    """The page; a form given here was refused and shows its errors (and stays open)."""
    actor = request.user
    consents = consents_for(actor, case)
    documents = documents_for(actor, case)
    consents_viewed(actor=actor, case=case, ip_address=client_ip(request))
    languages = person_languages(case)
    can_record = may_record_consents(actor, case)
    can_upload = may_upload_documents(actor, case)
    if can_record and consent_form is None:
        consent_form = ConsentForm(case=case, languages=languages, actor=actor)
    if can_upload and document_form is None:
        document_form = SignedDocumentForm(
            case=case, languages=languages, actor=actor, consents=consents
        )
    withdraw = withdraw or {}
    rows = [
        {
            "consent": consent,
            "status": consent.status(),
            "form": withdraw.get("form") if withdraw.get("id") == consent.pk else None,
        }
        for consent in consents
    ]
    can_print = can_print_documents(actor, case)
    print_languages = [
        {"code": code, "name": name, "understood": code in languages}
        for code, name in document_languages()
    ]
    context = {
        "case": case,
        "person": case.person,
        "screenings": screenings_for(actor, case) if can_print else [],
        "consents": rows,
        "documents": documents,
        "consent_form": _offered(consent_form, "purpose"),
        "document_form": _offered(document_form, "kind"),
        "can_record": can_record,
        "can_print": can_print,
        "print_languages": print_languages,
        "languages": languages,
    }
    return render(request, "web/consent_page.html", context, status=status)


def _offered(form, choice_field: str):
    """The form, unless the user's roles leave nothing to choose in it."""
    return form if form is not None and form.fields[choice_field].choices else None


@private_page
@require_POST
@maps_errors
def consent_record_view(request, reference: str):
    case = case_get_for(request.user, reference=reference)
    form = ConsentForm(
        request.POST, case=case, languages=person_languages(case), actor=request.user
    )
    if not form.is_valid():
        return _render(request, case, consent_form=form, status=400)
    try:
        consent_record(actor=request.user, case_id=case.pk, data=form.service_data())
    except (ValidationFailed, PermissionDenied) as exc:
        show_service_errors(exc, form)
        return _render(request, case, consent_form=form, status=exc.status_code)
    messages.success(request, _("The consent was recorded."))
    return redirect("web:case_consent", reference=case.reference)


@private_page
@require_POST
@maps_errors
def consent_withdraw_view(request, reference: str, consent_id):
    case = case_get_for(request.user, reference=reference)
    consent = consent_get_for(request.user, consent_id=consent_id)
    if consent.case_id != case.pk:
        raise Http404(_("Consent not found."))
    form = WithdrawForm(request.POST, prefix=f"withdraw-{consent.pk}")
    if form.is_valid():
        try:
            consent_withdraw(
                actor=request.user, consent_id=consent.pk, reason=form.cleaned_data["reason"]
            )
        except (ValidationFailed, PermissionDenied) as exc:
            show_service_errors(exc, form)
            status = exc.status_code
        else:
            messages.success(request, _("The consent was withdrawn. Sharing under it has stopped."))
            return redirect("web:case_consent", reference=case.reference)
    else:
        status = 400
    return _render(request, case, withdraw={"id": consent.pk, "form": form}, status=status)


@csrf_exempt  # the token is checked below, once the upload limit is in place
@private_page
@require_POST
def document_record_view(request, reference: str):
    limit = limit_uploads(request)
    return _document_record(request, reference, limit)


@csrf_protect
@maps_errors
def _document_record(request, reference: str, limit):
    case = case_get_for(request.user, reference=reference)
    consents = consents_for(request.user, case)
    form = SignedDocumentForm(
        request.POST,
        request.FILES,
        case=case,
        languages=person_languages(case),
        actor=request.user,
        consents=consents,
    )
    if "file" in limit.oversized:
        form.add_error("file", too_large_message())
    if not form.is_valid():
        return _render(request, case, document_form=form, status=400)
    try:
        document_record(
            actor=request.user,
            case_id=case.pk,
            data=form.service_data(),
            upload=form.cleaned_data.get("file"),
            signed_in_presence=form.cleaned_data["signed_in_presence"],
        )
    except (ValidationFailed, PermissionDenied) as exc:
        show_service_errors(exc, form)
        return _render(request, case, document_form=form, status=exc.status_code)
    messages.success(request, _("The signed document was recorded."))
    return redirect("web:case_consent", reference=case.reference)


@private_page
@require_GET
@maps_errors
def document_download_view(request, reference: str, document_id):
    case = case_get_for(request.user, reference=reference)
    document = document_get_for(request.user, document_id=document_id)
    if document.case_id != case.pk:
        raise Http404(_("Document not found."))
    try:
        document, content = document_download(
            actor=request.user, document_id=document.pk, ip_address=client_ip(request)
        )
    except StoredFileDamaged as exc:
        messages.error(request, exc.message)
        return redirect("web:case_consent", reference=case.reference)
    return attachment(content, document.content_type, document.download_name)


@private_page
@require_GET
@maps_errors
def declaration_pdf_view(request, reference: str):
    case = case_get_for(request.user, reference=reference)
    language = request.GET.get("language", "")
    try:
        pdf = declaration_pdf(actor=request.user, case_id=case.pk, language=language)
    except ValidationFailed as exc:
        messages.error(request, " ".join(exc.field_errors.get("language", [exc.message])))
        return redirect("web:case_consent", reference=case.reference)
    return attachment(pdf, "application/pdf", f"{case.reference}_declaration_{language}.pdf")


@private_page
@require_GET
@maps_errors
def screening_form_pdf_view(request, reference: str, screening_id):
    case = case_get_for(request.user, reference=reference)
    language = request.GET.get("language", "")
    try:
        pdf = screening_form_pdf(
            actor=request.user, case_id=case.pk, screening_id=screening_id, language=language
        )
    except ValidationFailed as exc:
        messages.error(request, " ".join(exc.field_errors.get("language", [exc.message])))
        return redirect("web:case_consent", reference=case.reference)
    return attachment(pdf, "application/pdf", f"{case.reference}_screening_{language}.pdf")
