"""Signed documents: R-FRM-1 signed state, upload checks from the bytes, storage outside the
web root, permission-checked and audited downloads."""

import datetime
import hashlib

import pytest
from django.utils import timezone

from homeward.accounts.roles import FieldGroup
from homeward.audit.models import AuditAction, AuditEvent
from homeward.consent import services
from homeward.consent.models import ConsentPurpose, DocumentKind, Signatory, SignedDocument
from homeward.consent.selectors import (
    document_get_for,
    documents_for,
    signed_document,
    signed_kinds,
)
from homeward.consent.services import (
    StoredFileDamaged,
    consent_record,
    document_download,
    document_record,
)
from homeward.consent.uploads import path_of
from homeward.core.errors import NotFound, PermissionDenied, ValidationFailed

from .conftest import MINIMAL_PDF, image_bytes, speaks, stored_files, upload

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def doc_data(**overrides) -> dict:
    data = {
        "kind": DocumentKind.VOLUNTARY_RETURN_DECLARATION,
        "language": "fr",
        "form_version": "HW-VRD-2026.1",
        "signed_on": TODAY,
        "signatory": Signatory.MIGRANT,
        "signatory_name": "Aïssatou Diallo",
    }
    data.update(overrides)
    return data


def record(world, case, *, actor=None, file=None, presence=False, **overrides):
    return document_record(
        actor=actor or world.user("counsellor"),
        case_id=case.pk,
        data=doc_data(**overrides),
        upload=file,
        signed_in_presence=presence,
    )


# ---- recording ------------------------------------------------------------------------------


def test_r_frm_1_signature_recorded_in_the_staff_members_presence(world, private_dir):
    case = speaks(world.case(), "fr")
    counsellor = world.user("counsellor")
    document = record(world, case, actor=counsellor, presence=True)
    assert document.witnessed_by == counsellor
    assert document.uploaded_by == counsellor
    assert not document.has_scan
    assert stored_files(private_dir) == []
    assert signed_kinds(case) == {DocumentKind.VOLUNTARY_RETURN_DECLARATION}
    assert signed_document(case, DocumentKind.VOLUNTARY_RETURN_DECLARATION) == document
    line = AuditEvent.objects.get(object_id=str(document.pk))
    assert line.action == AuditAction.CREATE
    assert line.changes["scan"] is False


def test_r_frm_1_a_scan_or_a_recorded_signature_is_required_not_both(world, private_dir):
    case = speaks(world.case(), "fr")
    with pytest.raises(ValidationFailed) as excinfo:
        record(world, case)
    assert "file" in excinfo.value.field_errors
    with pytest.raises(ValidationFailed) as excinfo:
        record(world, case, file=upload("scan.pdf", MINIMAL_PDF), presence=True)
    assert "not both" in excinfo.value.field_errors["file"][0]
    assert stored_files(private_dir) == []
    assert not SignedDocument.objects.exists()
    assert signed_kinds(case) == set()
    assert signed_document(case, DocumentKind.VOLUNTARY_RETURN_DECLARATION) is None


def test_r_frm_1_pdf_scan_is_stored_outside_the_web_root_under_a_random_name(world, private_dir):
    case = speaks(world.case(), "fr")
    document = record(world, case, file=upload("../../déclaration signée.pdf", MINIMAL_PDF))
    [stored] = stored_files(private_dir)
    assert stored == path_of(document.storage_name)
    assert private_dir.resolve() in stored.parents
    assert "déclaration" not in stored.name and stored.suffix == ".pdf"
    assert stored.read_bytes() == MINIMAL_PDF
    assert document.original_name == "déclaration signée.pdf"
    assert document.content_type == "application/pdf"
    assert document.size == len(MINIMAL_PDF)
    assert document.sha256 == hashlib.sha256(MINIMAL_PDF).hexdigest()
    assert document.field_group == FieldGroup.IDENTITY
    assert document.download_name == f"{case.reference}_voluntary_return_declaration_{TODAY}.pdf"


def test_text_file_named_pdf_is_refused_and_nothing_is_written(world, private_dir):
    case = speaks(world.case(), "fr")
    fake = upload("scan.pdf", b"just some text, not a PDF at all", "application/pdf")
    with pytest.raises(ValidationFailed) as excinfo:
        record(world, case, file=fake)
    assert "not a PDF, JPEG or PNG" in excinfo.value.field_errors["file"][0]
    assert stored_files(private_dir) == []
    assert not SignedDocument.objects.exists()
    assert not AuditEvent.objects.filter(case_reference=case.reference).exists()


def test_png_renamed_pdf_is_accepted_as_png(world, private_dir):
    case = speaks(world.case(), "fr")
    document = record(world, case, file=upload("scan.pdf", image_bytes("PNG"), "application/pdf"))
    assert document.content_type == "image/png"
    assert path_of(document.storage_name).suffix == ".png"
    assert document.download_name.endswith(".png")


def test_jpeg_scan_is_accepted(world):
    case = speaks(world.case(), "fr")
    document = record(world, case, file=upload("photo.jpg", image_bytes("JPEG"), "image/jpeg"))
    assert document.content_type == "image/jpeg"


def test_damaged_image_and_incomplete_pdf_are_refused(world, private_dir):
    case = speaks(world.case(), "fr")
    truncated = image_bytes("PNG", size=(64, 64))[:60]
    with pytest.raises(ValidationFailed) as excinfo:
        record(world, case, file=upload("scan.png", truncated, "image/png"))
    assert "damaged" in excinfo.value.field_errors["file"][0]
    with pytest.raises(ValidationFailed) as excinfo:
        record(world, case, file=upload("scan.pdf", MINIMAL_PDF[:40]))
    assert "incomplete" in excinfo.value.field_errors["file"][0]
    assert stored_files(private_dir) == []


def test_damaged_image_is_refused_even_where_weasyprint_tolerates_them(world, private_dir):
    """WeasyPrint switches Pillow to pad truncated images; upload checks must not."""
    import weasyprint  # noqa: F401
    from PIL import ImageFile

    assert ImageFile.LOAD_TRUNCATED_IMAGES
    case = speaks(world.case(), "fr")
    for fmt in ("PNG", "JPEG"):
        truncated = image_bytes(fmt, size=(64, 64))[:-40]
        with pytest.raises(ValidationFailed) as excinfo:
            record(world, case, file=upload("scan", truncated, "image/png"))
        assert "damaged" in excinfo.value.field_errors["file"][0]
    assert ImageFile.LOAD_TRUNCATED_IMAGES  # left as it was
    assert stored_files(private_dir) == []


def test_too_large_file_is_refused(world, settings, private_dir):
    settings.HOMEWARD_MAX_UPLOAD_BYTES = 100
    case = speaks(world.case(), "fr")
    big = MINIMAL_PDF + b"%" * 200
    with pytest.raises(ValidationFailed) as excinfo:
        record(world, case, file=upload("scan.pdf", big))
    assert "too large" in excinfo.value.field_errors["file"][0]
    assert "100" in excinfo.value.field_errors["file"][0]
    assert stored_files(private_dir) == []


def test_field_errors_and_file_errors_come_together(world, private_dir):
    case = speaks(world.case(), "fr")
    tomorrow = TODAY + datetime.timedelta(days=1)
    with pytest.raises(ValidationFailed) as excinfo:
        record(world, case, file=upload("a.pdf", b"nope"), signed_on=tomorrow, form_version="")
    assert {"file", "signed_on", "form_version"} <= set(excinfo.value.field_errors)


def test_r_vol_1_signed_declaration_in_a_language_the_migrant_understands(world):
    case = speaks(world.case(), "wo")
    with pytest.raises(ValidationFailed) as excinfo:
        record(world, case, presence=True, language="fr")
    assert "does not understand" in excinfo.value.field_errors["language"][0]
    document = record(
        world,
        case,
        presence=True,
        language="fr",
        interpreter_note="Read out in Wolof by the interpreter Awa Ndiaye",
    )
    assert document.language == "fr"


def test_file_is_removed_when_the_record_cannot_be_saved(world, private_dir, monkeypatch):
    case = speaks(world.case(), "fr")

    def broken_audit(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "audit_record", broken_audit)
    with pytest.raises(RuntimeError):
        record(world, case, file=upload("scan.pdf", MINIMAL_PDF))
    assert stored_files(private_dir) == []
    assert not SignedDocument.objects.exists()


def test_uploading_needs_the_permission_and_the_documents_field_group(world):
    case = speaks(world.case(), "fr")
    with pytest.raises(PermissionDenied):
        record(world, case, actor=world.user("auditor"), presence=True)
    with pytest.raises(NotFound):
        record(world, case, actor=world.user("counsellor", "rabat"), presence=True)
    with pytest.raises(PermissionDenied) as excinfo:
        record(world, case, presence=True, kind=DocumentKind.FITNESS_TO_TRAVEL)
    assert "kind" in excinfo.value.field_errors
    document = record(
        world,
        case,
        actor=world.user("medical_officer"),
        presence=True,
        kind=DocumentKind.FITNESS_TO_TRAVEL,
    )
    assert document.field_group == FieldGroup.MEDICAL
    assert AuditEvent.objects.get(object_id=str(document.pk)).restricted_group == "medical"


def test_document_linked_to_a_consent_of_the_same_case_takes_its_group(world):
    case = speaks(world.case(), "fr")
    other = speaks(world.case(), "fr")
    medical = world.user("medical_officer")
    consent = consent_record(
        actor=medical,
        case_id=case.pk,
        data={
            "purpose": ConsentPurpose.MEDICAL_DATA_SHARING,
            "scope": "Diagnosis and treatment",
            "recipients": "Hospital in Dakar",
            "language": "fr",
            "form_version": "1",
            "given_on": TODAY,
            "signatory": Signatory.MIGRANT,
            "signatory_name": "Aïssatou Diallo",
        },
    )
    with pytest.raises(ValidationFailed) as excinfo:
        record(world, other, actor=medical, presence=True, kind="other", consent=consent.pk)
    assert "consent" in excinfo.value.field_errors
    document = record(world, case, actor=medical, presence=True, kind="other", consent=consent.pk)
    assert document.consent == consent
    assert document.field_group == FieldGroup.MEDICAL


# ---- reading and downloading ----------------------------------------------------------------


def test_documents_for_lists_only_readable_groups(world):
    case = speaks(world.case(), "fr")
    declaration = record(world, case, presence=True)
    fitness = record(
        world,
        case,
        actor=world.user("medical_officer"),
        presence=True,
        kind=DocumentKind.FITNESS_TO_TRAVEL,
    )
    assert documents_for(world.user("counsellor"), case) == [declaration]
    assert set(documents_for(world.user("medical_officer"), case)) == {declaration, fitness}
    # Guards see every kind, whoever asks.
    assert signed_kinds(case) == {
        DocumentKind.VOLUNTARY_RETURN_DECLARATION,
        DocumentKind.FITNESS_TO_TRAVEL,
    }


def test_download_is_permission_checked_and_every_download_is_audited(world):
    case = speaks(world.case(), "fr")
    medical = world.user("medical_officer")
    content = image_bytes("PNG")
    document = record(
        world,
        case,
        actor=medical,
        file=upload("ftt.png", content, "image/png"),
        kind=DocumentKind.FITNESS_TO_TRAVEL,
    )
    with pytest.raises(NotFound):
        document_download(actor=world.user("counsellor"), document_id=document.pk)
    with pytest.raises(NotFound):
        document_download(actor=world.user("medical_officer", "rabat"), document_id=document.pk)
    for _ in range(2):
        served, data = document_download(actor=medical, document_id=document.pk)
        assert served == document and data == content
    lines = AuditEvent.objects.filter(object_id=str(document.pk), action=AuditAction.EXPORT)
    assert lines.count() == 2
    assert {line.restricted_group for line in lines} == {"medical"}


def test_recorded_signature_has_nothing_to_download(world):
    case = speaks(world.case(), "fr")
    document = record(world, case, presence=True)
    with pytest.raises(NotFound):
        document_download(actor=world.user("counsellor"), document_id=document.pk)
    assert document_get_for(world.user("counsellor"), document_id=document.pk) == document


def test_a_changed_or_missing_stored_file_is_not_served(world):
    case = speaks(world.case(), "fr")
    document = record(world, case, file=upload("scan.pdf", MINIMAL_PDF))
    path = path_of(document.storage_name)
    path.write_bytes(MINIMAL_PDF.replace(b"Catalog", b"Catalag"))
    with pytest.raises(StoredFileDamaged):
        document_download(actor=world.user("counsellor"), document_id=document.pk)
    path.unlink()
    with pytest.raises(StoredFileDamaged):
        document_download(actor=world.user("counsellor"), document_id=document.pk)
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_upload_limit_handler_drops_an_oversized_file_while_it_is_received(settings):
    import io

    from django.core.files.uploadhandler import MemoryFileUploadHandler
    from django.http.multipartparser import MultiPartParser
    from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

    from homeward.consent.uploads import UploadLimitHandler

    settings.HOMEWARD_MAX_UPLOAD_BYTES = 1000
    big = upload("big.pdf", MINIMAL_PDF + b"%" * 5000)
    small = upload("small.pdf", MINIMAL_PDF)
    body = encode_multipart(BOUNDARY, {"kind": "other", "file": big, "other": small})
    meta = {"CONTENT_TYPE": MULTIPART_CONTENT, "CONTENT_LENGTH": str(len(body))}
    limit = UploadLimitHandler()
    post, files = MultiPartParser(
        meta, io.BytesIO(body), [limit, MemoryFileUploadHandler()]
    ).parse()
    assert limit.oversized == {"file"}
    assert "file" not in files
    assert files["other"].read() == MINIMAL_PDF
    assert post["kind"] == "other"
