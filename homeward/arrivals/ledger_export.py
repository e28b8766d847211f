"""R-ARR-4: the pocket-money ledger as an XLSX workbook (an audited export)."""

import io

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from homeward.accounts.roles import FieldGroup
from homeward.audit.models import AuditAction
from homeward.audit.services import audit_record

from .selectors import pocket_money_ledger


def pocket_money_ledger_xlsx(*, actor, office_id, month: str | None = None, ip_address=None):
    """The ledger (one sheet of lines, one of totals by month and currency) and its file
    name; writes an EXPORT audit line."""
    from openpyxl import Workbook

    ledger = pocket_money_ledger(actor, office_id=office_id, month=month)
    book = Workbook()
    sheet = book.active
    sheet.title = _("Payments")[:31]
    sheet.append(
        [
            _("Case reference"),
            _("Paid on"),
            _("Received before departure"),
            _("Amount paid"),
            _("Currency"),
            _("Exchange rate (1 EUR)"),
            _("Amount in EUR"),
            _("Reason for a different amount"),
            _("Receipt"),
            _("Paid by"),
        ]
    )
    for p in ledger.payments:
        sheet.append(
            [
                p.case.reference,
                p.paid_on,
                _("yes") if p.received_before_departure else _("no"),
                p.amount_local,
                p.currency,
                p.exchange_rate,
                p.amount_eur,
                p.deviation_reason,
                _("scan")
                if p.has_receipt_scan
                else (_("signed in presence") if p.receipt_signed_in_presence else ""),
                p.paid_by.get_full_name() or p.paid_by.get_username(),
            ]
        )
    totals = book.create_sheet(_("Totals")[:31])
    totals.append([_("Month"), _("Currency"), _("Payments"), _("Total paid"), _("Total in EUR")])
    for row in ledger.totals:
        totals.append(
            [
                row["month"].strftime("%Y-%m"),
                row["currency"],
                row["count"],
                row["local"],
                row["eur"],
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditAction.EXPORT,
            obj=ledger.office,
            offices=[ledger.office.pk],
            summary=gettext_lazy("Pocket money ledger exported"),
            changes={
                "month": ledger.month.strftime("%Y-%m") if ledger.month else "",
                "rows": len(ledger.payments),
            },
            ip_address=ip_address,
            restricted_group=FieldGroup.FINANCIAL,
        )
    suffix = f"_{ledger.month:%Y-%m}" if ledger.month else ""
    return buffer.getvalue(), f"pocket_money_{ledger.office.code}{suffix}.xlsx"
