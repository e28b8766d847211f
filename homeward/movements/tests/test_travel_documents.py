"""R-TRV-9 returnee information sheet and the ABN as PDFs (R-TRV-3, R-VOT-3)."""

import pytest

from homeward.audit.models import AuditAction, AuditEvent
from homeward.cases.models import VulnerabilityFlag
from homeward.core.errors import NotFound, PermissionDenied, ValidationFailed
from homeward.documents.tests.pdftext import pdf_text
from homeward.documents.travel import abn_pdf, returnee_sheet_pdf
from homeward.movements import services
from homeward.people.models import PersonLanguage

from .travel import book, booked_case, movement, ready_case

pytestmark = pytest.mark.django_db


def words(pdf: bytes) -> str:
    return " ".join(pdf_text(pdf).split())


def test_r_trv_9_sheet_in_the_returnees_language_with_reference_and_contacts(world):
    world.dakar.phone = "+221 33 000 00 00"
    world.dakar.save()
    booking = booked_case(world)
    case = booking.case
    PersonLanguage.objects.create(person=case.person, language="fr")
    pdf, language = returnee_sheet_pdf(actor=world.user("movement_officer"), case_id=case.pk)
    text = words(pdf)
    assert language == "fr"
    assert case.reference in text and "+221 33 000 00 00" in text
    assert "TK-1" in text
    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORT, case_reference=case.reference
    ).exists()


def test_r_trv_9_sheet_in_arabic_and_refusals(world):
    case = ready_case(world)
    pdf, language = returnee_sheet_pdf(
        actor=world.user("movement_officer"), case_id=case.pk, language="ar"
    )
    assert language == "ar" and case.reference in words(pdf)
    with pytest.raises(ValidationFailed):
        returnee_sheet_pdf(actor=world.user("movement_officer"), case_id=case.pk, language="xx")
    with pytest.raises(PermissionDenied):
        returnee_sheet_pdf(actor=world.user("medical_officer"), case_id=case.pk)
    with pytest.raises(NotFound):
        returnee_sheet_pdf(actor=world.user("movement_officer", "rabat"), case_id=case.pk)


def test_r_trv_3_abn_pdf_shows_protection_only_to_focal_points(world):
    mv = movement(world)
    case = ready_case(world)
    VulnerabilityFlag.objects.create(case=case, category="trafficking", note="Recruiter network")
    book(world, mv, case, final_destination="Kaolack")
    abn = services.abn_send(actor=world.user("movement_officer"), movement_id=mv.pk)
    general = words(abn_pdf(actor=world.user("reception_officer", "dakar"), abn_id=abn.pk))
    assert case.reference in general and "Kaolack" in general
    assert "Recruiter" not in general
    focal = words(abn_pdf(actor=world.user("avm_focal_point", "dakar"), abn_id=abn.pk))
    assert "Recruiter network" in focal
    exports = AuditEvent.objects.filter(action=AuditAction.EXPORT, object_id=str(abn.pk))
    assert sorted(e.restricted_group for e in exports) == ["", "trafficking"]
