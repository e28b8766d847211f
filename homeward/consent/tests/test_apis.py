"""The consent and signed-document API, and the declaration PDF: 200/201, 400 with field
messages, 403, 404 for missing and forbidden alike; downloads audited."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from homeward.audit.models import AuditAction, AuditEvent
from homeward.consent.models import Consent, SignedDocument

from .conftest import MINIMAL_PDF, image_bytes, speaks, stored_files

pytestmark = pytest.mark.urls("homeward.api.tests.urls")

TODAY = timezone.localdate()


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def consent_body(**overrides) -> dict:
    body = {
        "purpose": "data_collection",
        "scope": "Identity and migration history",
        "language": "fr",
        "form_version": "HW-VRD-2026.1",
        "given_on": str(TODAY),
        "signatory_name": "Aïssatou Diallo",
    }
    body.update(overrides)
    return body


def document_body(**overrides) -> dict:
    body = {
        "kind": "voluntary_return_declaration",
        "language": "fr",
        "form_version": "HW-VRD-2026.1",
        "signed_on": str(TODAY),
        "signatory_name": "Aïssatou Diallo",
    }
    body.update(overrides)
    return body


def file_part(name: str, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/pdf")


# ---- consents -------------------------------------------------------------------------------


def test_r_dat_1_consent_is_created_listed_and_withdrawn(world):
    case = speaks(world.case(), "fr")
    client = client_for(world.user("counsellor"))
    url = f"/api/v1/cases/{case.reference}/consents/"
    created = client.post(url, consent_body(), format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "active"
    assert body["purpose_label"].startswith("Voluntary return declaration")
    assert body["recorded_by"]["username"] == "counsellor_niamey"
    listed = client.get(url)
    assert listed.status_code == 200
    assert [c["id"] for c in listed.json()] == [body["id"]]
    assert AuditEvent.objects.filter(
        case_reference=case.reference, action=AuditAction.VIEW
    ).exists()
    withdraw_url = f"/api/v1/consents/{body['id']}/withdraw/"
    refused = client.post(withdraw_url, {"reason": ""}, format="json")
    assert refused.status_code == 400
    assert "reason" in refused.json()["errors"]
    withdrawn = client.post(withdraw_url, {"reason": "Changed their mind"}, format="json")
    assert withdrawn.status_code == 200
    assert withdrawn.json()["status"] == "withdrawn"
    assert withdrawn.json()["withdrawal_reason"] == "Changed their mind"


def test_consent_errors_are_field_messages(world):
    case = speaks(world.case(), "wo")
    client = client_for(world.user("counsellor"))
    url = f"/api/v1/cases/{case.reference}/consents/"
    response = client.post(url, consent_body(purpose="nope", given_on="soon"), format="json")
    assert response.status_code == 400
    assert {"purpose", "given_on"} <= set(response.json()["errors"])
    response = client.post(url, consent_body(), format="json")  # French: not understood
    assert response.status_code == 400
    assert "language" in response.json()["errors"]
    assert not Consent.objects.exists()


def test_consent_api_403_and_404(world):
    case = speaks(world.case(), "fr")
    url = f"/api/v1/cases/{case.reference}/consents/"
    forbidden = client_for(world.user("movement_officer")).post(url, consent_body(), format="json")
    assert forbidden.status_code == 403
    other_office = client_for(world.user("counsellor", "rabat"))
    assert other_office.get(url).status_code == 404
    assert other_office.post(url, consent_body(), format="json").status_code == 404
    assert (
        client_for(world.user("counsellor")).get("/api/v1/cases/XX-0/consents/").status_code == 404
    )
    missing = "/api/v1/consents/7d1e4c7e-8d55-4bbf-9b6e-3c1c36f0d2aa/withdraw/"
    response = client_for(world.user("counsellor")).post(missing, {"reason": "x"}, format="json")
    assert response.status_code == 404
    response = client_for(world.user("counsellor")).post(
        "/api/v1/consents/not-a-uuid/withdraw/", {"reason": "x"}, format="json"
    )
    assert response.status_code == 404


# ---- signed documents ----------------------------------------------------------------------


def test_r_frm_1_scan_is_uploaded_multipart_and_downloaded_as_an_attachment(world, private_dir):
    case = speaks(world.case(), "fr")
    client = client_for(world.user("counsellor"))
    url = f"/api/v1/cases/{case.reference}/documents/"
    response = client.post(
        url, {**document_body(), "file": file_part("signed.pdf", MINIMAL_PDF)}, format="multipart"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["has_scan"] and body["content_type"] == "application/pdf"
    assert body["original_name"] == "signed.pdf"
    download = client.get(body["download_url"])
    assert download.status_code == 200
    assert download.content == MINIMAL_PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment; filename=")
    assert "no-store" in download["Cache-Control"]
    assert AuditEvent.objects.filter(object_id=body["id"], action=AuditAction.EXPORT).count() == 1
    listed = client.get(url).json()
    assert [d["id"] for d in listed] == [body["id"]]


def test_recorded_signature_without_a_file(world):
    case = speaks(world.case(), "fr")
    client = client_for(world.user("counsellor"))
    response = client.post(
        f"/api/v1/cases/{case.reference}/documents/",
        {**document_body(), "signed_in_presence": "true"},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert not body["has_scan"]
    assert body["download_url"] is None
    assert body["witnessed_by"]["username"] == "counsellor_niamey"


def test_upload_refusals_are_400_on_file_and_write_nothing(world, settings, private_dir):
    case = speaks(world.case(), "fr")
    client = client_for(world.user("counsellor"))
    url = f"/api/v1/cases/{case.reference}/documents/"
    fake = client.post(
        url, {**document_body(), "file": file_part("scan.pdf", b"hello")}, format="multipart"
    )
    assert fake.status_code == 400
    assert "file" in fake.json()["errors"]
    settings.HOMEWARD_MAX_UPLOAD_BYTES = 50
    big = client.post(
        url, {**document_body(), "file": file_part("scan.pdf", MINIMAL_PDF)}, format="multipart"
    )
    assert big.status_code == 400
    assert "too large" in big.json()["errors"]["file"][0]
    neither = client.post(url, document_body(), format="multipart")
    assert neither.status_code == 400
    assert "file" in neither.json()["errors"]
    assert stored_files(private_dir) == []
    assert not SignedDocument.objects.exists()


def test_medical_document_is_404_for_a_role_without_medical_access(world):
    case = speaks(world.case(), "fr")
    medical = client_for(world.user("medical_officer"))
    response = medical.post(
        f"/api/v1/cases/{case.reference}/documents/",
        {
            **document_body(kind="fitness_to_travel"),
            "file": file_part("ftt.png", image_bytes()),
        },
        format="multipart",
    )
    assert response.status_code == 201, response.content
    document_id = response.json()["id"]
    counsellor = client_for(world.user("counsellor"))
    assert counsellor.get(f"/api/v1/documents/{document_id}/download/").status_code == 404
    assert counsellor.get(f"/api/v1/cases/{case.reference}/documents/").json() == []
    assert medical.get(f"/api/v1/documents/{document_id}/download/").status_code == 200
    line = AuditEvent.objects.get(object_id=document_id, action=AuditAction.EXPORT)
    assert line.restricted_group == "medical"
    forbidden = counsellor.post(
        f"/api/v1/cases/{case.reference}/documents/",
        {**document_body(kind="fitness_to_travel"), "signed_in_presence": "true"},
        format="multipart",
    )
    assert forbidden.status_code == 403


def test_download_of_a_missing_document_is_404(world):
    client = client_for(world.user("counsellor"))
    assert client.get("/api/v1/documents/not-a-uuid/download/").status_code == 404
    url = "/api/v1/documents/7d1e4c7e-8d55-4bbf-9b6e-3c1c36f0d2aa/download/"
    assert client.get(url).status_code == 404


# ---- generated PDF -------------------------------------------------------------------------


def test_r_frm_1_declaration_pdf_api(world):
    case = speaks(world.case(), "fr")
    client = client_for(world.user("counsellor"))
    url = f"/api/v1/cases/{case.reference}/documents/declaration.pdf"
    response = client.get(url, {"language": "fr"})
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="{case.reference}_declaration_fr.pdf"'
    )
    bad = client.get(url, {"language": "xx"})
    assert bad.status_code == 400
    assert "language" in bad.json()["errors"]
    assert (
        client_for(world.user("counsellor", "rabat")).get(url, {"language": "fr"}).status_code
        == 404
    )
    committee = client_for(world.user("committee_member", "dakar"))
    assert committee.get(url, {"language": "fr"}).status_code == 403


def test_r_frm_1_screening_form_pdf_api(world):
    from homeward.registration.models import Screening, ScreeningFinding

    case = world.case()
    screening = Screening.objects.create(
        case=case,
        stage="pre_departure",
        screened_on=TODAY,
        screened_by=world.user("counsellor"),
        capacity="able",
    )
    ScreeningFinding.objects.create(screening=screening, category="trafficking", note="secret")
    url = f"/api/v1/cases/{case.reference}/screenings/{screening.pk}/form.pdf"
    response = client_for(world.user("counsellor")).get(url, {"language": "en"})
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")
    assert response["Content-Disposition"].startswith("attachment;")
    assert client_for(world.user("counsellor")).get(url, {"language": ""}).status_code == 400
    missing = f"/api/v1/cases/{case.reference}/screenings/not-a-uuid/form.pdf"
    assert client_for(world.user("counsellor")).get(missing, {"language": "en"}).status_code == 404


def test_oversized_upload_is_dropped_before_the_service_sees_it(world, settings, monkeypatch):
    from rest_framework.authtoken.models import Token

    from homeward.consent import uploads

    def not_called(*args, **kwargs):
        raise AssertionError("the oversized file reached the service")

    monkeypatch.setattr(uploads, "check_upload", not_called)
    settings.HOMEWARD_MAX_UPLOAD_BYTES = 50
    case = speaks(world.case(), "fr")
    token = Token.objects.create(user=world.user("counsellor"))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = client.post(
        f"/api/v1/cases/{case.reference}/documents/",
        {**document_body(), "file": file_part("scan.pdf", MINIMAL_PDF)},
        format="multipart",
    )
    assert response.status_code == 400
    assert "too large" in response.json()["errors"]["file"][0]
    assert not SignedDocument.objects.exists()
