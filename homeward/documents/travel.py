"""Documents of phases 2–3 printed from the record: the Advance Booking Notification
(R-TRV-3, with protection detail only for its readers, R-VOT-3) and the returnee
information sheet (R-TRV-9), in the returnee's language with the reference number."""

from django.db import transaction
from django.utils import formats, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from homeward.accounts.access import access_for
from homeward.accounts.clock import office_localtime
from homeward.accounts.roles import FieldGroup, Perm
from homeward.audit.models import AuditAction
from homeward.audit.services import audit_record
from homeward.cases.policies import readable_groups_for_case
from homeward.cases.selectors import case_get_for
from homeward.core.errors import PermissionDenied, ValidationFailed
from homeward.movements.models import ACTIVE_BOOKING, Booking, BookingStatus
from homeward.movements.selectors import abn_copy_for, protection_group

from .rendering import document_languages, is_document_language, render_pdf
from .services import _audit_export, case_context

ABN_VERSION = "2026-1"
RETURNEE_SHEET = "returnee_information_sheet"
RETURNEE_SHEET_VERSION = "2026-1"


def _when(value: str) -> str:
    moment = parse_datetime(value) if value else None
    return formats.date_format(moment, "DATETIME_FORMAT") if moment else ""


def abn_pdf(*, actor, abn_id, language: str = "en") -> bytes:
    """R-TRV-3: the ABN as the actor may read it (R-VOT-3), as a PDF; audited as an export."""
    if not is_document_language(language):
        language = "en"
    copy = abn_copy_for(actor, abn_id=abn_id, record_view=False)
    abn = copy.abn
    reference = f"ABN-{abn.sent_at:%Y%m%d}-{str(abn.pk)[:8].upper()}"
    with translation.override(language):
        # R-TRV-3: the stored codes read in the document's language, not the sender's.
        shown = copy.display()
        context = {
            "case": {"reference": reference},
            "abn": abn,
            "content": shown.content,
            "departs_at": _when(copy.content.get("departs_at", "")),
            "protection": shown.protection,
            "form_version": ABN_VERSION,
            "printed_by": actor.get_full_name() or actor.get_username(),
            "sent_at": formats.date_format(abn.sent_at, "DATETIME_FORMAT"),
            "confirmation_due": formats.date_format(abn.confirmation_due, "DATE_FORMAT"),
        }
        pdf = render_pdf("documents/abn.html", context, language=language)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditAction.EXPORT,
            obj=abn,
            offices=[abn.origin_office_id, abn.movement.host_office_id],
            summary=gettext_lazy("Advance Booking Notification printed"),
            changes={
                "document": "abn",
                "language": language,
                "protection": sorted(copy.protection),
            },
            restricted_group=protection_group(copy.protection),
        )
    return pdf


def returnee_language(case, requested: str = "") -> str:
    """The requested language, else the returnee's first language that documents are printed
    in (en/fr/ar), else English."""
    if requested:
        if not is_document_language(requested):
            names = ", ".join(name for _code, name in document_languages())
            raise ValidationFailed(
                _("Please correct the errors below."),
                field_errors={"language": [_("Choose one of: %(names)s.") % {"names": names}]},
            )
        return requested
    for language in case.person.languages.all():
        if is_document_language(language.language):
            return language.language
    return "en"


def can_print_returnee_sheet(actor, case) -> bool:
    """R-TRV-9: the host office's travel staff who may read the returnee's identity."""
    perms = access_for(actor).perms_at(case.office_ids)
    return bool({Perm.TRAVEL_PREPARE, Perm.TRAVEL_BOOK} & perms) and (
        FieldGroup.IDENTITY in readable_groups_for_case(actor, case)
    )


def returnee_sheet_pdf(*, actor, case_id, language: str = "") -> tuple[bytes, str]:
    """R-TRV-9: the returnee information sheet — reference number, travel, origin office
    contacts and the assistance available on return — in the returnee's language."""
    case = case_get_for(actor, case_id=case_id)
    if not can_print_returnee_sheet(actor, case):
        raise PermissionDenied(_("You may not print this case's returnee information sheet."))
    language = returnee_language(case, language)
    booking = (
        Booking.objects.filter(case=case, status__in=(*ACTIVE_BOOKING, BookingStatus.DEPARTED))
        .select_related("movement__host_office")
        .order_by("-created_at")
        .first()
    )
    with translation.override(language):
        context = {
            **case_context(case),
            "booking": booking,
            "movement": booking.movement if booking else None,
            # The host office's wall-clock time, as the ticket and the airport show it.
            "departs_at": formats.date_format(
                office_localtime(booking.movement.host_office, booking.movement.departs_at),
                "DATETIME_FORMAT",
            )
            if booking
            else "",
            "form_version": RETURNEE_SHEET_VERSION,
            "printed_by": actor.get_full_name() or actor.get_username(),
        }
        pdf = render_pdf("documents/returnee_sheet.html", context, language=language)
    _audit_export(
        actor, case, RETURNEE_SHEET, language, gettext_lazy("Returnee information sheet printed")
    )
    return pdf, language
