"""R-FRM-1 / R-VUL-1: the profile and vulnerability screening form as PDF. It prints only
the findings the reader may see: trafficking, GBV and medical findings never reach others
(R-VOT-3, R-DAT-2) — checked on the text extracted from the PDF."""

import datetime

import pytest

from homeward.audit.models import AuditAction, AuditEvent
from homeward.consent.models import ConsentPurpose
from homeward.consent.services import consent_record
from homeward.core.errors import NotFound, PermissionDenied, ValidationFailed
from homeward.documents.services import screening_form_pdf
from homeward.people.models import PersonLanguage
from homeward.registration.models import (
    CaseProfile,
    Referral,
    Screening,
    ScreeningFinding,
)

from .pdftext import pdf_language, pdf_pages, pdf_text

pytestmark = pytest.mark.django_db

SCREENED_ON = datetime.date(2026, 3, 2)

# (category, note): the note is what must not leak.
FINDINGS = {
    "disability": "uses a wheelchair",
    "trafficking": "recruited through a smuggling ring in Agadez",
    "gbv": "assaulted in transit",
    "chronic_illness": "diabetes, needs insulin",
}
GENERAL = ["Disability", "uses a wheelchair"]
TRAFFICKING = ["Victim of trafficking", "smuggling ring in Agadez", "Shelter Espoir"]
GBV = ["Victim of violence", "assaulted in transit"]
MEDICAL = ["Chronic illness", "needs insulin", "Diabetes clinic"]


@pytest.fixture
def screened(world):
    manager = world.user("case_manager", "dakar")
    case = world.case(assigned_to=manager)
    counsellor = world.user("counsellor")
    screening = Screening.objects.create(
        case=case,
        stage="pre_departure",
        screened_on=SCREENED_ON,
        screened_by=counsellor,
        capacity="able",
        notes="Screened at the transit centre.",
    )
    for category, note in FINDINGS.items():
        ScreeningFinding.objects.create(screening=screening, category=category, note=note)
    Referral.objects.create(
        case=case, screening=screening, category="trafficking", provider="Shelter Espoir"
    )
    Referral.objects.create(
        case=case, screening=screening, category="chronic_illness", provider="Diabetes clinic"
    )
    Referral.objects.create(
        case=case, screening=screening, category="disability", provider="Handicap support"
    )
    CaseProfile.objects.create(case=case, occupation="Tailor", education="secondary")
    return case, screening


def text_for(user, case, screening, language="en") -> str:
    pdf = screening_form_pdf(
        actor=user, case_id=case.pk, screening_id=screening.pk, language=language
    )
    assert pdf.startswith(b"%PDF-")
    return " ".join(pdf_text(pdf).split())


def test_r_frm_1_screening_form_prints_the_screening_with_the_reference_on_every_page(
    world, screened
):
    case, screening = screened
    counsellor = world.user("counsellor")
    pdf = screening_form_pdf(
        actor=counsellor, case_id=case.pk, screening_id=screening.pk, language="en"
    )
    for page in pdf_pages(pdf):
        assert case.reference in page
    text = " ".join(pdf_text(pdf).split())
    for expected in (
        "Profile and vulnerability screening form",
        "Before departure",
        "March 2, 2026",
        "Able to make an informed decision",
        "Screened at the transit centre.",
        "Tailor",
        "Secondary",
        "Handicap support",
        "HW-PVS-2026.1",
        "Aïssatou",
    ):
        assert expected in text, expected
    line = AuditEvent.objects.get(case_reference=case.reference, action=AuditAction.EXPORT)
    assert line.changes == {
        "document": "screening_form",
        "language": "en",
        "screening": str(screening.pk),
    }


def test_r_frm_1_screening_form_shows_only_findings_the_reader_may_read(world, screened):
    case, screening = screened
    readers = {
        "counsellor": (GENERAL, TRAFFICKING + GBV + MEDICAL),
        "avm_focal_point": (GENERAL + TRAFFICKING + GBV, MEDICAL),
        "medical_officer": (GENERAL + MEDICAL, TRAFFICKING + GBV),
    }
    for role, (shown, hidden) in readers.items():
        text = text_for(world.user(role), case, screening)
        for value in shown:
            assert value in text, (role, value)
        for value in hidden:
            assert value not in text, (role, value)


def test_r_vot_3_case_manager_sees_trafficking_findings_only_while_the_consent_holds(
    world, screened
):
    case, screening = screened
    manager = world.user("case_manager", "dakar")
    assert "smuggling ring" not in text_for(manager, case, screening)
    PersonLanguage.objects.create(person=case.person, language="fr")
    consent = consent_record(
        actor=world.user("avm_focal_point"),
        case_id=case.pk,
        data={
            "purpose": ConsentPurpose.PROTECTION_SHARING,
            "scope": "Protection detail",
            "language": "fr",
            "form_version": "1",
            "given_on": SCREENED_ON,
            "signatory": "migrant",
            "signatory_name": "Aïssatou Diallo",
        },
    )
    assert "smuggling ring" in text_for(manager, case, screening)
    assert "assaulted in transit" not in text_for(manager, case, screening)  # GBV: not shared
    from homeward.consent.services import consent_withdraw

    consent_withdraw(actor=manager, consent_id=consent.pk, reason="The migrant withdrew it")
    assert "smuggling ring" not in text_for(manager, case, screening)


def test_screening_form_in_arabic_is_right_to_left(world, screened):
    case, screening = screened
    pdf = screening_form_pdf(
        actor=world.user("counsellor"), case_id=case.pk, screening_id=screening.pk, language="ar"
    )
    assert pdf_language(pdf) == "ar"
    text = " ".join(pdf_text(pdf).split())
    assert "استمارة الملف الشخصي وفحص أوجه الضعف" in text
    assert "إعاقة" in text  # disability
    assert "الاتجار" not in text  # no trafficking finding for a counsellor
    assert case.reference in text


def test_screening_form_refusals(world, screened):
    case, screening = screened
    other = world.case()
    counsellor = world.user("counsellor")
    with pytest.raises(NotFound):  # a screening of another case
        screening_form_pdf(
            actor=counsellor, case_id=other.pk, screening_id=screening.pk, language="en"
        )
    with pytest.raises(NotFound):
        screening_form_pdf(
            actor=world.user("counsellor", "rabat"),
            case_id=case.pk,
            screening_id=screening.pk,
            language="en",
        )
    with pytest.raises(PermissionDenied):
        screening_form_pdf(
            actor=world.user("committee_member", "dakar"),
            case_id=case.pk,
            screening_id=screening.pk,
            language="en",
        )
    with pytest.raises(ValidationFailed):
        screening_form_pdf(
            actor=counsellor, case_id=case.pk, screening_id=screening.pk, language="wo"
        )
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()
