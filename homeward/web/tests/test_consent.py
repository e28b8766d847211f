"""The consent and documents page: listing, recording and withdrawing consents, recording
and downloading signed documents, printing the declaration; inline errors; query counts."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from homeward.audit.models import AuditAction, AuditEvent
from homeward.consent.models import Consent, ConsentPurpose, SignedDocument
from homeward.consent.services import consent_record, document_record
from homeward.people.models import PersonLanguage

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def private_dir(settings, tmp_path):
    settings.PRIVATE_FILES_DIR = tmp_path / "private"
    return settings.PRIVATE_FILES_DIR


@pytest.fixture
def case(world):
    case = world.case()
    PersonLanguage.objects.create(person=case.person, language="fr")
    return case


def page_url(case) -> str:
    return reverse("web:case_consent", args=[case.reference])


def consent_post(**overrides) -> dict:
    data = {
        "purpose": "data_collection",
        "scope": "Identity and migration history",
        "recipients": "",
        "given_on": str(TODAY),
        "expires_on": "",
        "language": "fr",
        "interpreter_note": "",
        "form_version": "HW-VRD-2026.1",
        "signatory": "migrant",
        "signatory_name": "Aïssatou Diallo",
    }
    data.update(overrides)
    return data


def document_post(**overrides) -> dict:
    data = {
        "kind": "voluntary_return_declaration",
        "signed_on": str(TODAY),
        "language": "fr",
        "interpreter_note": "",
        "form_version": "HW-VRD-2026.1",
        "signatory": "migrant",
        "signatory_name": "Aïssatou Diallo",
        "consent": "",
    }
    data.update(overrides)
    return data


def add_consent(world, case, **overrides):
    data = {
        "purpose": ConsentPurpose.DATA_COLLECTION,
        "scope": "Identity",
        "language": "fr",
        "form_version": "1",
        "given_on": TODAY,
        "signatory": "migrant",
        "signatory_name": "Aïssatou Diallo",
        **overrides,
    }
    return consent_record(actor=world.user("counsellor"), case_id=case.pk, data=data)


def test_page_lists_consents_and_documents_links_back_and_is_audited(client, world, case):
    consent = add_consent(world, case)
    document_record(
        actor=world.user("counsellor"),
        case_id=case.pk,
        data={
            "kind": "voluntary_return_declaration",
            "language": "fr",
            "form_version": "1",
            "signed_on": TODAY,
            "signatory": "migrant",
            "signatory_name": "Aïssatou Diallo",
        },
        signed_in_presence=True,
    )
    client.force_login(world.user("counsellor"))
    response = client.get(page_url(case))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Consent and documents" in html
    assert reverse("web:case_detail", args=[case.reference]) in html
    assert consent.get_purpose_display() in html
    assert "Active" in html
    assert "Signed in the presence of" in html
    assert reverse("web:case_declaration_pdf", args=[case.reference]) + "?language=fr" in html
    assert "understood by the migrant" in html
    assert response["Cache-Control"].startswith("max-age=0")
    assert AuditEvent.objects.filter(
        case_reference=case.reference, action=AuditAction.VIEW, actor_id=world.user("counsellor").pk
    ).exists()


def test_page_is_404_for_other_offices(client, world, case):
    client.force_login(world.user("counsellor", "rabat"))
    assert client.get(page_url(case)).status_code == 404


def test_r_dat_1_consent_recorded_from_the_page(client, world, case):
    client.force_login(world.user("counsellor"))
    url = reverse("web:case_consent_record", args=[case.reference])
    response = client.post(url, consent_post())
    assert response.status_code == 302
    assert response.url == page_url(case)
    consent = Consent.objects.get()
    assert consent.scope == "Identity and migration history"


def test_consent_errors_are_shown_inline(client, world, case):
    client.force_login(world.user("counsellor"))
    url = reverse("web:case_consent_record", args=[case.reference])
    tomorrow = TODAY + datetime.timedelta(days=1)
    response = client.post(url, consent_post(given_on=str(tomorrow), scope=""))
    assert response.status_code == 400
    html = response.content.decode()
    assert "The consent cannot be dated in the future." in html or "This field is required." in html
    response = client.post(url, consent_post(given_on=str(tomorrow)))
    assert response.status_code == 400
    assert "The consent cannot be dated in the future." in response.content.decode()
    assert not Consent.objects.exists()


def test_r_dat_1_withdrawal_from_the_page_needs_a_reason(client, world, case):
    consent = add_consent(world, case)
    client.force_login(world.user("counsellor"))
    url = reverse("web:case_consent_withdraw", args=[case.reference, consent.pk])
    response = client.post(url, {f"withdraw-{consent.pk}-reason": ""})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    response = client.post(url, {f"withdraw-{consent.pk}-reason": "The migrant asked"})
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_on == TODAY
    assert "Withdrawn" in client.get(page_url(case)).content.decode()


def test_withdrawing_a_consent_of_another_case_is_404(client, world, case):
    other = world.case()
    PersonLanguage.objects.create(person=other.person, language="fr")
    consent = add_consent(world, other)
    client.force_login(world.user("counsellor"))
    url = reverse("web:case_consent_withdraw", args=[case.reference, consent.pk])
    assert client.post(url, {f"withdraw-{consent.pk}-reason": "x"}).status_code == 404


def test_r_frm_1_scan_uploaded_from_the_page_and_downloaded(client, world, case, private_dir):
    client.force_login(world.user("counsellor"))
    url = reverse("web:case_document_record", args=[case.reference])
    scan = SimpleUploadedFile("signed.pdf", PDF, content_type="application/pdf")
    response = client.post(url, {**document_post(), "file": scan})
    assert response.status_code == 302, response.content.decode()
    document = SignedDocument.objects.get()
    html = client.get(page_url(case)).content.decode()
    download = reverse("web:case_document_download", args=[case.reference, document.pk])
    assert download in html
    response = client.get(download)
    assert response.status_code == 200
    assert response.content == PDF
    assert response["Content-Disposition"] == f'attachment; filename="{document.download_name}"'
    assert "no-store" in response["Cache-Control"]
    assert (
        AuditEvent.objects.filter(object_id=str(document.pk), action=AuditAction.EXPORT).count()
        == 1
    )


def test_upload_refusal_is_shown_on_the_file_field(client, world, case, private_dir):
    client.force_login(world.user("counsellor"))
    url = reverse("web:case_document_record", args=[case.reference])
    fake = SimpleUploadedFile("signed.pdf", b"plain text", content_type="application/pdf")
    response = client.post(url, {**document_post(), "file": fake})
    assert response.status_code == 400
    assert "This file is not a PDF, JPEG or PNG file." in response.content.decode()
    assert not SignedDocument.objects.exists()
    assert not private_dir.exists() or not any(p.is_file() for p in private_dir.rglob("*"))


def test_medical_document_is_neither_listed_nor_downloadable_for_a_counsellor(client, world, case):
    document = document_record(
        actor=world.user("medical_officer"),
        case_id=case.pk,
        data={
            "kind": "fitness_to_travel",
            "language": "fr",
            "form_version": "1",
            "signed_on": TODAY,
            "signatory": "migrant",
            "signatory_name": "Aïssatou Diallo",
        },
        upload=SimpleUploadedFile("ftt.pdf", PDF),
    )
    client.force_login(world.user("counsellor"))
    html = client.get(page_url(case)).content.decode()
    assert "Fitness to travel" not in html
    download = reverse("web:case_document_download", args=[case.reference, document.pk])
    assert client.get(download).status_code == 404
    client.force_login(world.user("medical_officer"))
    assert client.get(download).status_code == 200


def test_protection_consent_is_hidden_from_roles_without_trafficking_access(client, world, case):
    consent_record(
        actor=world.user("avm_focal_point"),
        case_id=case.pk,
        data={
            "purpose": ConsentPurpose.PROTECTION_SHARING,
            "scope": "Protection detail",
            "language": "fr",
            "form_version": "1",
            "given_on": TODAY,
            "signatory": "migrant",
            "signatory_name": "Aïssatou Diallo",
        },
    )
    client.force_login(world.user("counsellor"))
    html = client.get(page_url(case)).content.decode()
    assert "protection detail" not in html.lower()
    client.force_login(world.user("avm_focal_point"))
    assert "Protection detail" in client.get(page_url(case)).content.decode()


def test_roles_without_permissions_see_no_forms(client, world, case):
    client.force_login(world.user("auditor"))
    html = client.get(page_url(case)).content.decode()
    assert "Record a consent" not in html
    assert "Record a signed document" not in html
    assert "Print declaration" not in html


def test_declaration_is_printed_from_the_page(client, world, case):
    client.force_login(world.user("counsellor"))
    url = reverse("web:case_declaration_pdf", args=[case.reference])
    response = client.get(url, {"language": "ar"})
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    response = client.get(url, {"language": "xx"})
    assert response.status_code == 302  # back to the page with the message
    client.force_login(world.user("committee_member", "dakar"))
    assert client.get(url, {"language": "fr"}).status_code == 403


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_page_query_count_does_not_grow_with_records(
    client, world, case, django_assert_max_num_queries
):
    client.force_login(world.user("counsellor"))
    add_consent(world, case)
    client.get(page_url(case))  # warm the session
    few = _count(client, page_url(case))
    for i in range(8):
        add_consent(world, case, scope=f"Scope {i}")
        document_record(
            actor=world.user("counsellor"),
            case_id=case.pk,
            data={
                "kind": "other",
                "language": "fr",
                "form_version": "1",
                "signed_on": TODAY,
                "signatory": "migrant",
                "signatory_name": "Aïssatou Diallo",
            },
            signed_in_presence=True,
        )
    many = _count(client, page_url(case))
    assert few == many
    with django_assert_max_num_queries(25):
        client.get(page_url(case))


def test_screening_form_is_printed_from_the_page(client, world, case):
    from homeward.registration.models import Screening, ScreeningFinding

    screening = Screening.objects.create(
        case=case,
        stage="pre_departure",
        screened_on=TODAY,
        screened_by=world.user("counsellor"),
        capacity="able",
    )
    ScreeningFinding.objects.create(screening=screening, category="disability")
    client.force_login(world.user("counsellor"))
    url = reverse("web:case_screening_form_pdf", args=[case.reference, screening.pk])
    assert f"{url}?language=fr" in client.get(page_url(case)).content.decode()
    response = client.get(url, {"language": "fr"})
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")
    other = world.case()
    wrong_case = reverse("web:case_screening_form_pdf", args=[other.reference, screening.pk])
    assert client.get(wrong_case, {"language": "fr"}).status_code == 404


def test_upload_page_checks_the_csrf_token_and_drops_oversized_files(world, case, settings):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.user("counsellor"))
    url = reverse("web:case_document_record", args=[case.reference])
    scan = SimpleUploadedFile("signed.pdf", PDF, content_type="application/pdf")
    assert client.post(url, {**document_post(), "file": scan}).status_code == 403
    page = client.get(page_url(case))
    token = page.cookies["csrftoken"].value
    settings.HOMEWARD_MAX_UPLOAD_BYTES = 20
    scan = SimpleUploadedFile("signed.pdf", PDF, content_type="application/pdf")
    response = client.post(url, {**document_post(), "file": scan, "csrfmiddlewaretoken": token})
    assert response.status_code == 400
    assert "The file is too large" in response.content.decode()
    assert not SignedDocument.objects.exists()
