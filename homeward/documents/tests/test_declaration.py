"""R-FRM-1 / R-VOL-1: the voluntary return declaration as a real PDF, in the migrant's
language (Arabic right to left), with the case reference on every page; printing is
checked and audited."""

import pytest

from homeward.audit.models import AuditAction, AuditEvent
from homeward.core.errors import NotFound, PermissionDenied, ValidationFailed
from homeward.documents.services import declaration_pdf
from homeward.people.models import PersonName

from .pdftext import pdf_language, pdf_pages, pdf_runs, pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(world):
    case = world.case()
    case.person.nationalities.add("SN")
    case.person.place_of_birth = "Kolda"
    case.person.save()
    PersonName.objects.create(
        person=case.person, given_names="عائشة", family_name="ديالو", script="Arab"
    )
    world.niamey.address = "Boulevard de la République, Niamey"
    world.niamey.save()
    return case


def test_r_frm_1_declaration_is_a_pdf_with_the_record_and_the_reference_on_every_page(world, case):
    pdf = declaration_pdf(actor=world.user("counsellor"), case_id=case.pk, language="en")
    assert pdf.startswith(b"%PDF-")
    pages = pdf_pages(pdf)
    assert len(pages) >= 2
    for page in pages:
        assert case.reference in page
    text = pdf_text(pdf)
    for expected in (
        "Voluntary return declaration and authorization for collection of personal data",
        "Diallo",
        "Aïssatou",
        "March 14, 1995",  # date of birth
        "Senegal",  # nationality and country of return
        "Kolda",
        world.programme.name,
        "Niamey",
        "Boulevard de la République, Niamey",
        "nia@example.org",  # host office contacts
        "Dakar",
        "dkr@example.org",
        "I wish to return to Senegal of my own free will.",
        "at any time before departure",
        "only with my separate written consent",
        "Return counsellor",
        "Interpreter (if one was used)",
        "Form version",
        "HW-VRD-2026.1",
        "Language of this form : English",  # the colon is a separate run (CSS ::after)
    ):
        assert expected in " ".join(text.split()), expected


def test_r_vol_1_declaration_in_french(world, case):
    pdf = declaration_pdf(actor=world.user("counsellor"), case_id=case.pk, language="fr")
    text = " ".join(pdf_text(pdf).split())
    assert case.reference in text
    assert "Sénégal" in text  # the country's name follows the document's language
    assert "14 mars 1995" in text
    assert "\u00a0:" in pdf_text(pdf)  # French puts a (non-breaking) space before a colon


def test_r_frm_1_arabic_declaration_is_right_to_left_with_arabic_text(world, case):
    pdf = declaration_pdf(actor=world.user("counsellor"), case_id=case.pk, language="ar")
    assert pdf.startswith(b"%PDF-")
    assert pdf_language(pdf) == "ar"
    pages = pdf_pages(pdf)
    for page in pages:
        assert case.reference in page
    text = " ".join(pdf_text(pdf).split())
    assert "إعلان العودة الطوعية" in text
    assert "السّنغال" in text  # Senegal, in Arabic
    assert "عائشة ديالو" in text  # the Arabic spelling of the name
    assert "مارس" in text  # the month of birth
    assert "Voluntary return declaration" not in text
    # Laid out right to left: headings start at the right margin (A4 is 794 px wide).
    [(x, _text)] = [run for run in pdf_runs(pdf)[0] if run[1] == "1. المهاجر"]
    assert x > 500
    english = declaration_pdf(actor=world.user("counsellor"), case_id=case.pk, language="en")
    [(x, _text)] = [run for run in pdf_runs(english)[0] if run[1] == "1. The migrant"]
    assert x < 150


def test_arabic_document_html_is_marked_right_to_left(world, case):
    from django.template.loader import render_to_string

    from homeward.documents.services import case_context

    html = render_to_string(
        "documents/declaration.html",
        {**case_context(case), "lang": "ar", "dir": "rtl", "form_version": "x"},
    )
    assert '<html lang="ar" dir="rtl">' in html


def test_printing_is_audited_as_an_export(world, case):
    counsellor = world.user("counsellor")
    declaration_pdf(actor=counsellor, case_id=case.pk, language="fr")
    line = AuditEvent.objects.get(case_reference=case.reference, action=AuditAction.EXPORT)
    assert line.actor_id == counsellor.pk
    assert line.changes == {"document": "voluntary_return_declaration", "language": "fr"}


def test_printing_refusals(world, case):
    with pytest.raises(ValidationFailed) as excinfo:
        declaration_pdf(actor=world.user("counsellor"), case_id=case.pk, language="de")
    assert "language" in excinfo.value.field_errors
    with pytest.raises(NotFound):
        declaration_pdf(actor=world.user("counsellor", "rabat"), case_id=case.pk, language="en")
    with pytest.raises(PermissionDenied):
        declaration_pdf(
            actor=world.user("committee_member", "dakar"), case_id=case.pk, language="en"
        )
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()
