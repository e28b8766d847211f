import io

import pytest
from openpyxl import load_workbook

from homeward.accounts.roles import Role
from homeward.arrivals.ledger_export import pocket_money_ledger_xlsx
from homeward.arrivals.services import pocket_money_record
from homeward.audit.models import AuditAction, AuditEvent
from homeward.cases.models import Phase
from homeward.core.errors import PermissionDenied
from homeward.documents.arrival_forms import pocket_money_receipt_pdf
from homeward.documents.tests.pdftext import pdf_text
from homeward.people.models import PersonLanguage

from .conftest import paid

pytestmark = pytest.mark.django_db


def test_r_arr_4_receipt_pdf_in_the_returnees_language_with_the_reference(world, senegal_rate):
    case = world.case(phase=Phase.ARRIVED)
    PersonLanguage.objects.create(person=case.person, language="fr")
    actor = world.user(Role.RECEPTION_OFFICER, "dakar")
    pocket_money_record(actor=actor, case_id=case.pk, data=paid())
    pdf, language = pocket_money_receipt_pdf(actor=actor, case_id=case.pk)
    assert language == "fr"
    text = " ".join(pdf_text(pdf).split())
    assert case.reference in text
    assert "XOF" in text
    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORT, case_reference=case.reference, restricted_group="financial"
    ).exists()


def test_r_arr_4_receipt_refused_to_roles_without_financial_data(world, senegal_rate):
    case = world.case(phase=Phase.ARRIVED)
    with pytest.raises(PermissionDenied):
        pocket_money_receipt_pdf(
            actor=world.user(Role.MOVEMENT_OFFICER, "dakar"), case_id=case.pk, language="en"
        )


def test_r_arr_4_ledger_xlsx_export_is_audited(world, senegal_rate):
    case = world.case(phase=Phase.ARRIVED)
    actor = world.user(Role.FINANCE_OFFICER, "dakar")
    pocket_money_record(actor=actor, case_id=case.pk, data=paid())
    content, name = pocket_money_ledger_xlsx(actor=actor, office_id=world.dakar.pk)
    assert name == "pocket_money_DKR.xlsx"
    book = load_workbook(io.BytesIO(content))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[1][0] == case.reference
    totals = list(book.worksheets[1].iter_rows(values_only=True))
    assert totals[1][1:3] == ("XOF", 1)
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, object_id=str(world.dakar.pk))
