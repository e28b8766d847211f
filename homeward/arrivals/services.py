"""Writes of phase 4 (arrival). Each function locks the case, checks the actor and the rule,
saves, and writes its audit line in the same transaction."""

import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from homeward.accounts.roles import FieldGroup
from homeward.accounts.selectors import office_today
from homeward.audit.models import AuditAction
from homeward.audit.services import audit_record
from homeward.cases.models import Case, Phase
from homeward.cases.policies import can_view_case
from homeward.core.errors import NotFound, PermissionDenied, ValidationFailed, parse_uuid

from . import receipts
from .models import PocketMoneyPayment, PocketMoneyRate
from .policies import can_pay_pocket_money

CENT = Decimal("0.01")
# Phases in which the returnee has left the host country: pocket money is paid on arrival.
PAYABLE_PHASES = frozenset({Phase.DEPARTED, Phase.ARRIVED, Phase.REINTEGRATION, Phase.MONITORING})
POCKET_MONEY_FIELDS = frozenset(
    {
        "received_before_departure",
        "paid_on",
        "amount_local",
        "currency",
        "exchange_rate",
        "amount_eur",
        "deviation_reason",
        "note",
        "receipt_signed_in_presence",
    }
)


def _invalid(errors: dict):
    return ValidationFailed(_("Please correct the errors below."), field_errors=errors)


def locked_case(actor, case_id) -> Case:
    case = (
        Case.objects.select_for_update()
        .select_related("origin_office", "programme")
        .filter(pk=parse_uuid(case_id, _("Case not found.")))
        .first()
    )
    if case is None or not can_view_case(actor, case):
        raise NotFound(_("Case not found."))
    return case


def rate_for(case: Case, on: datetime.date) -> PocketMoneyRate | None:
    """R-ARR-4: the rate of the case's programme and origin country in force on `on`."""
    return (
        PocketMoneyRate.objects.filter(
            programme_id=case.programme_id,
            country_id=case.origin_office.country_id,
            valid_from__lte=on,
        )
        .exclude(valid_to__lt=on)
        .order_by("-valid_from")
        .first()
    )


def _decimal(errors, values, key, *, required: bool) -> Decimal | None:
    raw = values.get(key)
    if raw in (None, ""):
        if required:
            errors.setdefault(key, []).append(_("This field is required."))
        return None
    try:
        value = Decimal(str(raw))
    except (InvalidOperation, ValueError):
        errors.setdefault(key, []).append(_("Enter a number."))
        return None
    if not value.is_finite() or value <= 0:
        errors.setdefault(key, []).append(_("Enter an amount greater than zero."))
        return None
    return value


def _date(errors, values, key, today: datetime.date) -> datetime.date | None:
    raw = values.get(key)
    if raw in (None, ""):
        return today
    if isinstance(raw, datetime.date):
        return raw
    try:
        return datetime.date.fromisoformat(str(raw))
    except ValueError:
        errors.setdefault(key, []).append(_("Enter a valid date."))
        return None


def pocket_money_payable(case: Case) -> bool:
    """R-ARR-4: pocket money, or the note that it was received before departure, is
    recorded once the returnee has departed."""
    return case.phase in PAYABLE_PHASES


def pocket_money_record(*, actor, case_id, data: dict, upload=None) -> PocketMoneyPayment:
    """R-ARR-4: one ledger line per returnee: the pocket money paid on arrival at the rate of
    the programme and origin country (another amount needs a reason), with its signed
    receipt; or the record that it was already received before departure.

    A scanned receipt is written only once everything is valid, inside the outermost
    transaction; if anything fails afterwards the file is removed again."""
    written: list[str] = []
    try:
        with transaction.atomic(durable=upload is not None):
            return _pocket_money_record(actor, case_id, data, upload, written)
    except BaseException:
        for name in written:
            receipts.remove_file(name)
        raise


def _pocket_money_record(actor, case_id, data, upload, written) -> PocketMoneyPayment:
    case = locked_case(actor, case_id)
    if not can_pay_pocket_money(actor, case):
        raise PermissionDenied(_("You may not record pocket money for this case."))
    unknown = set(data) - POCKET_MONEY_FIELDS
    if unknown:
        raise _invalid({k: [_("This field cannot be set.")] for k in sorted(unknown)})
    if PocketMoneyPayment.objects.filter(case=case).exists():
        raise ValidationFailed(
            _("Pocket money is already recorded for this returnee: one payment per returnee."),
            field_errors={"case": [_("Pocket money is already recorded for this returnee.")]},
        )
    if not pocket_money_payable(case):
        raise ValidationFailed(
            _("Pocket money is paid on arrival: this case has not departed."),
            field_errors={"case": [_("The returnee has not departed yet.")]},
        )
    before = bool(data.get("received_before_departure"))
    errors: dict[str, list] = {}
    # The day at the paying (origin) office, not the server's: at 23:30 UTC an office at
    # UTC+1 already pays on the next day.
    today = office_today(case.origin_office)
    paid_on = _date(errors, data, "paid_on", today)
    payment = PocketMoneyPayment(
        case=case,
        office=case.origin_office,
        paid_by=actor,
        paid_on=paid_on or today,
        received_before_departure=before,
        note=str(data.get("note") or "").strip(),
    )
    if paid_on and paid_on > today:
        errors.setdefault("paid_on", []).append(_("The date cannot be in the future."))
    if before:
        if upload is not None:
            errors.setdefault("receipt", []).append(
                _("No receipt is kept here for pocket money received before departure.")
            )
    else:
        _check_amounts(errors, case, payment, data)
        payment.receipt_signed_in_presence = bool(data.get("receipt_signed_in_presence"))
        checked = _checked_receipt(errors, upload, payment.receipt_signed_in_presence)
    if errors:
        raise _invalid(errors)
    if not before and checked is not None:
        payment.receipt_storage_name = receipts.new_receipt_name(checked)
        payment.receipt_original_name = checked.original_name
        payment.receipt_content_type = checked.content_type
        payment.receipt_size = checked.size
        payment.receipt_sha256 = checked.sha256
        written.append(payment.receipt_storage_name)
        receipts.write_receipt(payment.receipt_storage_name, checked.content)
    try:
        with transaction.atomic():
            payment.save(force_insert=True)
    except IntegrityError as exc:  # a concurrent payment for the same case
        raise ValidationFailed(
            _("Pocket money is already recorded for this returnee: one payment per returnee."),
            field_errors={"case": [_("Pocket money is already recorded for this returnee.")]},
        ) from exc
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=payment,
        offices=case.office_ids,
        case_reference=case.reference,
        summary=gettext_lazy("Pocket money received before departure recorded")
        if before
        else gettext_lazy("Pocket money paid"),
        changes={
            "received_before_departure": before,
            "paid_on": payment.paid_on,
            "amount_local": payment.amount_local,
            "currency": payment.currency,
            "exchange_rate": payment.exchange_rate,
            "amount_eur": payment.amount_eur,
            "rate": str(payment.rate_id) if payment.rate_id else None,
            "deviation_reason": payment.deviation_reason,
            "receipt_scan": payment.has_receipt_scan,
            "receipt_sha256": payment.receipt_sha256,
            "receipt_signed_in_presence": payment.receipt_signed_in_presence,
        },
        restricted_group=FieldGroup.FINANCIAL,
    )
    return payment


def _check_amounts(errors: dict, case: Case, payment: PocketMoneyPayment, data: dict) -> None:
    """R-ARR-4: the rate of the programme and origin country, unless a reason is given;
    a positive exchange rate and a EUR amount consistent with it."""
    amount = _decimal(errors, data, "amount_local", required=True)
    exchange = _decimal(errors, data, "exchange_rate", required=True)
    amount_eur = _decimal(errors, data, "amount_eur", required=False)
    currency = str(data.get("currency") or "").strip().upper()
    reason = str(data.get("deviation_reason") or "").strip()
    rate = rate_for(case, payment.paid_on)
    if rate is None:
        errors.setdefault("amount_local", []).append(
            _("No pocket money rate is set for this programme and origin country on this date.")
        )
        return
    currency = currency or rate.currency
    if currency != rate.currency:
        errors.setdefault("currency", []).append(
            _("Pay in %(currency)s, the currency of the rate.") % {"currency": rate.currency}
        )
    if amount is not None and exchange is not None:
        expected_eur = (amount / exchange).quantize(CENT, rounding=ROUND_HALF_UP)
        if amount_eur is None:
            amount_eur = expected_eur
        elif abs(amount_eur - expected_eur) > CENT:
            errors.setdefault("amount_eur", []).append(
                _("At this exchange rate %(amount)s %(currency)s is %(eur)s EUR.")
                % {"amount": amount, "currency": currency, "eur": expected_eur}
            )
    if amount is not None and amount != rate.amount_local and not reason:
        errors.setdefault("deviation_reason", []).append(
            _("The rate is %(amount)s %(currency)s: give the reason for paying another amount.")
            % {"amount": rate.amount_local, "currency": rate.currency}
        )
    payment.rate = rate
    payment.amount_local = amount
    payment.currency = currency
    payment.exchange_rate = exchange
    payment.amount_eur = amount_eur
    payment.deviation_reason = reason if amount != rate.amount_local else ""


def _checked_receipt(errors: dict, upload, signed_in_presence: bool):
    if upload is not None and signed_in_presence:
        errors.setdefault("receipt", []).append(
            _("Either attach the signed receipt or record that it was signed in your presence.")
        )
        return None
    if upload is None:
        if not signed_in_presence:
            errors.setdefault("receipt", []).append(
                _("Attach the signed receipt, or record that it was signed in your presence.")
            )
        return None
    try:
        return receipts.check_upload(upload)
    except receipts.UploadRefused as exc:
        errors.setdefault("receipt", []).append(exc.message)
        return None


def pocket_money_receipt_download(*, actor, payment: PocketMoneyPayment, ip_address=None) -> bytes:
    """The signed receipt's scan; an EXPORT audit line (R-DAT-3)."""
    from .policies import can_read_amounts

    case = payment.case
    if not can_read_amounts(actor, case) or not payment.has_receipt_scan:
        raise NotFound(_("Receipt not found."))
    content = receipts.read_stored(payment.receipt_storage_name)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditAction.EXPORT,
            obj=payment,
            offices=case.office_ids,
            case_reference=case.reference,
            summary=gettext_lazy("Signed pocket money receipt downloaded"),
            changes={"sha256": payment.receipt_sha256},
            ip_address=ip_address,
            restricted_group=FieldGroup.FINANCIAL,
        )
    return content
