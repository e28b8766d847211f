"""API of consents (R-DAT-1) and signed documents (R-FRM-1).

Lists carry only the consents and documents whose field group the user may read for the
case; a document of another group answers 404 like a missing one. Scans are uploaded as
multipart form data and downloaded as attachments; every list read and every download is
audited (R-DAT-3).
"""

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from homeward.cases.apis import INVALID, NOT_FOUND, REFERENCE, UserRefSerializer
from homeward.cases.selectors import case_get_for
from homeward.core.errors import ValidationFailed

from .models import ConsentPurpose, DocumentKind, Signatory
from .selectors import consents_for, documents_for
from .services import (
    consent_record,
    consent_withdraw,
    consents_viewed,
    document_download,
    document_record,
)
from .uploads import limit_uploads, too_large_message

FORBIDDEN = OpenApiResponse(description="The user's role does not allow this on this case.")


def _uuid_parameter(name: str, description: str) -> OpenApiParameter:
    return OpenApiParameter(name, OpenApiTypes.UUID, OpenApiParameter.PATH, description=description)


def _client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    """A download: never shown inline, never stored by the browser or a proxy."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Content-Length"] = str(len(content))
    response["Cache-Control"] = "no-store, private"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---- consents ------------------------------------------------------------------------------


class ConsentSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    purpose = serializers.CharField()
    purpose_label = serializers.CharField(source="get_purpose_display")
    scope = serializers.CharField()
    recipients = serializers.CharField()
    language = serializers.CharField(help_text="ISO 639 code")
    interpreter_note = serializers.CharField()
    form_version = serializers.CharField()
    given_on = serializers.DateField()
    expires_on = serializers.DateField(allow_null=True)
    signatory = serializers.CharField()
    signatory_name = serializers.CharField()
    status = serializers.SerializerMethodField(help_text="active, expired or withdrawn (today)")
    recorded_by = UserRefSerializer()
    withdrawn_on = serializers.DateField(allow_null=True)
    withdrawn_by = UserRefSerializer(allow_null=True)
    withdrawal_reason = serializers.CharField()
    created_at = serializers.DateTimeField()
    version = serializers.IntegerField()

    class Meta:
        ref_name = "Consent"

    def get_status(self, consent) -> str:
        return consent.status()


class ConsentListCreateApi(APIView):
    """GET lists a case's consents (audited); POST records one."""

    class InputSerializer(serializers.Serializer):
        purpose = serializers.ChoiceField(ConsentPurpose.choices)
        scope = serializers.CharField(help_text="Which personal data the consent covers.")
        recipients = serializers.CharField(
            required=False,
            allow_blank=True,
            help_text="To whom; required for disclosures and medical data sharing.",
        )
        language = serializers.CharField(
            max_length=8, help_text="ISO 639 code; a language the migrant understands."
        )
        interpreter_note = serializers.CharField(
            required=False,
            allow_blank=True,
            max_length=255,
            help_text="Who interpreted, and into which language (required when the "
            "language is not one the migrant understands).",
        )
        form_version = serializers.CharField(max_length=32)
        given_on = serializers.DateField()
        expires_on = serializers.DateField(required=False, allow_null=True)
        signatory = serializers.ChoiceField(Signatory.choices, default=Signatory.MIGRANT)
        signatory_name = serializers.CharField(max_length=200)

        class Meta:
            ref_name = "ConsentInput"

    @extend_schema(
        operation_id="consents_list",
        summary="Consents of a case",
        parameters=[REFERENCE],
        responses={200: ConsentSerializer(many=True), 404: NOT_FOUND},
    )
    def get(self, request, reference):
        """Newest first; only consents whose field group the user may read (a consent to
        share protection detail or medical data reveals that detail)."""
        case = case_get_for(request.user, reference=reference)
        consents = consents_for(request.user, case)
        consents_viewed(actor=request.user, case=case, ip_address=_client_ip(request))
        return Response(ConsentSerializer(consents, many=True).data)

    @extend_schema(
        operation_id="consents_create",
        summary="Record a consent",
        parameters=[REFERENCE],
        request=InputSerializer,
        responses={201: ConsentSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request, reference):
        """A consent to share protection detail with the assigned case manager opens their
        access to it at once (R-VOT-3)."""
        case = case_get_for(request.user, reference=reference)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        consent = consent_record(
            actor=request.user, case_id=case.pk, data=dict(serializer.validated_data)
        )
        return Response(ConsentSerializer(consent).data, status=201)


class ConsentWithdrawApi(APIView):
    """POST records the migrant's withdrawal of a consent."""

    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(allow_blank=True, default="")

        class Meta:
            ref_name = "ConsentWithdrawInput"

    @extend_schema(
        operation_id="consents_withdraw",
        summary="Withdraw a consent",
        parameters=[_uuid_parameter("consent_id", "The consent's id.")],
        request=InputSerializer,
        responses={200: ConsentSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request, consent_id):
        """The consent ends today and sharing under it stops at once; a reason is required.
        A consent that is already withdrawn answers 400."""
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        consent = consent_withdraw(
            actor=request.user, consent_id=consent_id, reason=serializer.validated_data["reason"]
        )
        return Response(ConsentSerializer(consent).data)


# ---- signed documents ----------------------------------------------------------------------


class SignedDocumentSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    language = serializers.CharField()
    interpreter_note = serializers.CharField()
    form_version = serializers.CharField()
    signed_on = serializers.DateField()
    signatory = serializers.CharField()
    signatory_name = serializers.CharField()
    consent = serializers.UUIDField(source="consent_id", allow_null=True)
    has_scan = serializers.BooleanField()
    original_name = serializers.CharField(help_text="The uploaded file's name (display only).")
    size = serializers.IntegerField(allow_null=True)
    content_type = serializers.CharField()
    sha256 = serializers.CharField()
    witnessed_by = UserRefSerializer(
        allow_null=True, help_text="Signed in this staff member's presence (no scan)."
    )
    uploaded_by = UserRefSerializer()
    created_at = serializers.DateTimeField()
    download_url = serializers.SerializerMethodField()

    class Meta:
        ref_name = "SignedDocument"

    def get_download_url(self, document) -> str | None:
        if not document.has_scan:
            return None
        return f"/api/v1/documents/{document.pk}/download/"


class SignedDocumentListCreateApi(APIView):
    """GET lists a case's signed documents (audited); POST records one (multipart)."""

    parser_classes = [MultiPartParser, FormParser, JSONParser]

    class InputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(DocumentKind.choices)
        language = serializers.CharField(max_length=8, help_text="ISO 639 code")
        interpreter_note = serializers.CharField(required=False, allow_blank=True, max_length=255)
        form_version = serializers.CharField(max_length=32)
        signed_on = serializers.DateField()
        signatory = serializers.ChoiceField(Signatory.choices, default=Signatory.MIGRANT)
        signatory_name = serializers.CharField(max_length=200)
        consent = serializers.UUIDField(
            required=False, allow_null=True, help_text="The consent this form records."
        )
        file = serializers.FileField(
            required=False,
            allow_empty_file=True,
            use_url=False,
            help_text="The scan: PDF, JPEG or PNG (checked from its content), within the "
            "size limit. Leave out when `signed_in_presence` is true.",
        )
        signed_in_presence = serializers.BooleanField(
            default=False,
            help_text="Signed in front of the user, without a scan (a recorded signature).",
        )

        class Meta:
            ref_name = "SignedDocumentInput"

    def initial(self, request, *args, **kwargs):
        # Before authentication reads the body (CSRF check of session users).
        self.upload_limit = limit_uploads(request) if request.method == "POST" else None
        super().initial(request, *args, **kwargs)

    @extend_schema(
        operation_id="signed_documents_list",
        summary="Signed documents of a case",
        parameters=[REFERENCE],
        responses={200: SignedDocumentSerializer(many=True), 404: NOT_FOUND},
    )
    def get(self, request, reference):
        """Only documents whose field group the user may read (medical forms for medical
        staff); scans are downloaded from `download_url`."""
        case = case_get_for(request.user, reference=reference)
        documents = documents_for(request.user, case)
        consents_viewed(actor=request.user, case=case, ip_address=_client_ip(request))
        return Response(SignedDocumentSerializer(documents, many=True).data)

    @extend_schema(
        operation_id="signed_documents_create",
        summary="Record a signed document (scan or recorded signature)",
        parameters=[REFERENCE],
        request={"multipart/form-data": InputSerializer},
        responses={
            201: SignedDocumentSerializer,
            400: INVALID,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def post(self, request, reference):
        """Send `file` (multipart), or `signed_in_presence=true` without a file. A file that
        is not really a PDF, JPEG or PNG, or is too large, answers 400 on `file`."""
        case = case_get_for(request.user, reference=reference)
        serializer = self.InputSerializer(data=request.data)  # reads the body
        if "file" in self.upload_limit.oversized:
            raise ValidationFailed(
                _("Please correct the errors below."), field_errors={"file": [too_large_message()]}
            )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        upload = data.pop("file", None)
        presence = data.pop("signed_in_presence")
        document = document_record(
            actor=request.user,
            case_id=case.pk,
            data=data,
            upload=upload,
            signed_in_presence=presence,
        )
        return Response(SignedDocumentSerializer(document).data, status=201)


class SignedDocumentDownloadApi(APIView):
    """GET downloads a scan (audited)."""

    @extend_schema(
        operation_id="signed_documents_download",
        summary="Download the scan of a signed document",
        parameters=[_uuid_parameter("document_id", "The signed document's id.")],
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The scan, as an attachment (PDF, JPEG or PNG)."
            ),
            404: OpenApiResponse(
                description="No such document, not one the user may read, or no scan."
            ),
        },
    )
    def get(self, request, document_id):
        """Every download writes an audit line."""
        document, content = document_download(
            actor=request.user, document_id=document_id, ip_address=_client_ip(request)
        )
        return attachment(content, document.content_type, document.download_name)
