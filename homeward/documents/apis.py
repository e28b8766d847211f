"""API of generated documents: the forms of a case as PDF files (R-FRM-1)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.views import APIView

from homeward.cases.apis import INVALID, NOT_FOUND, REFERENCE
from homeward.cases.selectors import case_get_for
from homeward.consent.apis import FORBIDDEN, attachment

from .rendering import document_languages
from .services import declaration_pdf, screening_form_pdf

LANGUAGE = OpenApiParameter(
    "language",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    required=True,
    enum=[code for code, _name in document_languages()],
    description="The language of the document: one the migrant understands.",
)
PDF = OpenApiResponse(OpenApiTypes.BINARY, description="The PDF file, as an attachment.")


class DeclarationPdfApi(APIView):
    """GET prints the voluntary return declaration (audited as an export)."""

    @extend_schema(
        operation_id="documents_declaration_pdf",
        summary="The voluntary return declaration, ready to sign, as PDF",
        parameters=[REFERENCE, LANGUAGE],
        responses={
            (200, "application/pdf"): PDF,
            400: INVALID,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def get(self, request, reference):
        """The declaration and authorization for collection of personal data, filled in
        from the case record, in English, French or Arabic (right to left)."""
        case = case_get_for(request.user, reference=reference)
        language = request.query_params.get("language", "")
        pdf = declaration_pdf(actor=request.user, case_id=case.pk, language=language)
        return attachment(pdf, "application/pdf", f"{case.reference}_declaration_{language}.pdf")


class ScreeningFormPdfApi(APIView):
    """GET prints a profile and vulnerability screening form (audited as an export)."""

    @extend_schema(
        operation_id="documents_screening_form_pdf",
        summary="A profile and vulnerability screening form, as PDF",
        parameters=[
            REFERENCE,
            OpenApiParameter(
                "screening_id",
                OpenApiTypes.UUID,
                OpenApiParameter.PATH,
                description="The screening's id.",
            ),
            LANGUAGE,
        ],
        responses={
            (200, "application/pdf"): PDF,
            400: INVALID,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def get(self, request, reference, screening_id):
        """The screening's date, stage and findings, with the migrant's profile. Only the
        findings and referrals of field groups the user may read for the case are printed
        (trafficking, GBV and medical findings reach only their readers)."""
        case = case_get_for(request.user, reference=reference)
        language = request.query_params.get("language", "")
        pdf = screening_form_pdf(
            actor=request.user, case_id=case.pk, screening_id=screening_id, language=language
        )
        return attachment(pdf, "application/pdf", f"{case.reference}_screening_{language}.pdf")
