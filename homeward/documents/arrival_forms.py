"""Forms of phase 4 (arrival) printed from the record: the pocket-money acknowledgement of
payment receipt (R-ARR-4) and the UMC handover notification (R-ARR-6)."""

from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from homeward.accounts.clock import office_localtime, office_today
from homeward.accounts.roles import FieldGroup
from homeward.arrivals.policies import can_read_amounts
from homeward.arrivals.selectors import pocket_money_for_case
from homeward.arrivals.services import rate_for
from homeward.cases.policies import readable_groups_for_case
from homeward.cases.selectors import case_get_for
from homeward.core.errors import NotFound, PermissionDenied, ValidationFailed

from .rendering import document_languages, is_document_language, render_pdf
from .services import _audit_export, case_context

POCKET_MONEY_RECEIPT = "pocket_money_receipt"
RECEIPT_VERSION = "2026-1"


def returnee_language(case, requested: str = "") -> str:
    """The requested document language, else the returnee's preferred one, else English."""
    if requested:
        return requested
    for language in case.person.languages.all():
        if is_document_language(language.language):
            return language.language
    return "en"


def _money(value) -> str:
    return formats.number_format(value, 2, use_l10n=True, force_grouping=True) if value else ""


def pocket_money_receipt_pdf(*, actor, case_id, language: str = "") -> tuple[bytes, str]:
    """R-ARR-4: the acknowledgement of payment receipt, in the returnee's language, with the
    case reference; prefilled from the ledger line, or from the rate before payment."""
    case = case_get_for(actor, case_id=case_id)
    if not can_read_amounts(actor, case) or (
        FieldGroup.IDENTITY not in readable_groups_for_case(actor, case)
    ):
        raise PermissionDenied(_("You may not print this case's pocket money receipt."))
    language = returnee_language(case, language)
    case = _printable_case_for_receipt(actor, case, language)
    payment = pocket_money_for_case(case)
    if payment is not None and payment.received_before_departure:
        raise NotFound(_("Pocket money was received before departure: no receipt is printed."))
    paid_on = payment.paid_on if payment else office_today(case.origin_office)
    rate = payment.rate if payment else rate_for(case, paid_on)
    if payment is None and rate is None:
        raise NotFound(_("No pocket money rate is set for this programme and origin country."))
    with translation.override(language):
        context = {
            **case_context(case),
            "form_version": RECEIPT_VERSION,
            "printed_by": actor.get_full_name() or actor.get_username(),
            "payment": payment,
            "paid_on": formats.date_format(paid_on, "DATE_FORMAT") if payment else "",
            "amount_local": _money(payment.amount_local if payment else rate.amount_local),
            "currency": payment.currency if payment else rate.currency,
            "amount_eur": _money(payment.amount_eur if payment else rate.amount_eur),
            "exchange_rate": payment.exchange_rate if payment else "",
            "paid_by": (payment.paid_by.get_full_name() or payment.paid_by.get_username())
            if payment
            else "",
        }
        pdf = render_pdf("documents/pocket_money_receipt.html", context, language=language)
    _audit_export(
        actor,
        case,
        POCKET_MONEY_RECEIPT,
        language,
        gettext_lazy("Pocket money receipt printed"),
        restricted_group=FieldGroup.FINANCIAL,
    )
    return pdf, language


def _printable_case_for_receipt(actor, case, language: str):
    """The language check of every printed form (the receipt is printed by reception and
    finance staff, who read financial data, so the preparing-roles check does not apply)."""
    if not is_document_language(language):
        names = ", ".join(name for _code, name in document_languages())
        raise ValidationFailed(
            _("Please correct the errors below."),
            field_errors={"language": [_("Choose one of: %(names)s.") % {"names": names}]},
        )
    return case


UMC_HANDOVER = "umc_handover"
HANDOVER_VERSION = "2026-1"


def umc_handover_pdf(*, actor, case_id, language: str = "") -> tuple[bytes, str]:
    """R-ARR-6: the UMC handover notification with the arrival and handover details, in the
    child's language, with the case reference; blank handover lines until it is recorded."""
    from homeward.arrivals.handover import is_child
    from homeward.arrivals.policies import can_record_arrival
    from homeward.arrivals.selectors import arrival_of, handover_of

    case = case_get_for(actor, case_id=case_id)
    if not can_record_arrival(actor, case) or (
        FieldGroup.IDENTITY not in readable_groups_for_case(actor, case)
    ):
        raise PermissionDenied(_("You may not print this child's handover notification."))
    language = returnee_language(case, language)
    _printable_case_for_receipt(actor, case, language)
    if not is_child(case):
        raise NotFound(_("The returnee is not a child."))
    arrival = arrival_of(case)
    if arrival is None:
        raise NotFound(_("Record the child's arrival first."))
    handover = handover_of(case)
    with translation.override(language):
        context = {
            **case_context(case),
            "form_version": HANDOVER_VERSION,
            "printed_by": actor.get_full_name() or actor.get_username(),
            "arrival": arrival,
            "arrived_at": _at_origin(case, arrival.arrived_at),
            "handover": handover,
            "handed_over_at": _at_origin(case, handover.handed_over_at) if handover else "",
            "guardians": list(case.guardians.filter(identity_confirmed=True)),
        }
        pdf = render_pdf("documents/umc_handover.html", context, language=language)
    _audit_export(
        actor, case, UMC_HANDOVER, language, gettext_lazy("UMC handover notification printed")
    )
    return pdf, language


def _at_origin(case, moment) -> str:
    """A moment as the origin office's wall-clock time, with its zone: the child arrives
    and is handed over there, whoever prints the notification."""
    local = office_localtime(case.origin_office, moment)
    return f"{formats.date_format(local, 'DATETIME_FORMAT')} {local.tzname()}"
