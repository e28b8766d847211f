"""API of vulnerability screenings and the referrals they propose (R-VUL-1…3).

Findings and referrals of a field group the user may not read for the case (trafficking,
GBV, medical) are left out of every answer, including the answer to the user's own POST:
a screener may record such a finding without being allowed to read it back (R-VOT-3).
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from homeward.cases.apis import INVALID, NOT_FOUND, REFERENCE, UserRefSerializer
from homeward.cases.models import VulnerabilityCategory
from homeward.cases.policies import writable_groups_for_case
from homeward.core.errors import PermissionDenied

from .apis import CONFLICT, FORBIDDEN, split_version, uuid_parameter, version_field, viewed
from .models import Capacity, OfficeVulnerability, Referral, ReferralStatus, ScreeningStage
from .selectors import (
    case_for,
    office_vulnerabilities_for,
    referral_get_for,
    referrals_for,
    screening_get_for,
    screenings_for,
)
from .services import referral_update, screening_record


class OtherVulnerabilitySerializer(serializers.ModelSerializer):
    class Meta:
        model = OfficeVulnerability
        ref_name = "OtherVulnerability"
        fields = ("id", "name")
        read_only_fields = fields


class FindingSerializer(serializers.Serializer):
    category = serializers.CharField()
    label = serializers.CharField(source="__str__", help_text="The category, or the office's name")
    other = OtherVulnerabilitySerializer(allow_null=True)
    note = serializers.CharField()

    class Meta:
        ref_name = "ScreeningFinding"


class ScreeningSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    stage = serializers.CharField()
    stage_label = serializers.CharField(source="get_stage_display")
    screened_on = serializers.DateField()
    screened_by = UserRefSerializer()
    capacity = serializers.CharField()
    capacity_label = serializers.CharField(source="get_capacity_display")
    notes = serializers.CharField()
    findings = FindingSerializer(
        source="readable_findings",
        many=True,
        help_text="Only findings of field groups the user may read for this case",
    )
    created_at = serializers.DateTimeField()

    class Meta:
        ref_name = "Screening"


class ScreeningListCreateApi(APIView):
    class InputSerializer(serializers.Serializer):
        stage = serializers.ChoiceField(ScreeningStage.choices)
        screened_on = serializers.DateField()
        capacity = serializers.ChoiceField(Capacity.choices)
        categories = serializers.ListField(
            child=serializers.ChoiceField(VulnerabilityCategory.choices),
            required=False,
            default=list,
            help_text="Every vulnerability identified (R-VUL-2)",
        )
        other_vulnerabilities = serializers.ListField(
            child=serializers.IntegerField(),
            required=False,
            default=list,
            help_text="Ids of the offices' other vulnerabilities (see other-vulnerabilities/)",
        )
        notes = serializers.CharField(required=False, allow_blank=True, default="")
        finding_notes = serializers.DictField(
            child=serializers.CharField(allow_blank=True, max_length=255),
            required=False,
            default=dict,
            help_text='A short note per category, e.g. {"disability": "uses a wheelchair"}',
        )

        class Meta:
            ref_name = "ScreeningInput"

        def validate_finding_notes(self, value: dict) -> dict:
            unknown = sorted(set(value) - set(VulnerabilityCategory.values))
            if unknown:
                raise serializers.ValidationError(
                    _("Unknown vulnerability: %s") % ", ".join(unknown)
                )
            return value

    @extend_schema(
        operation_id="screenings_list",
        summary="A case's screening history",
        parameters=[REFERENCE],
        responses={200: ScreeningSerializer(many=True), 404: NOT_FOUND},
    )
    def get(self, request, reference):
        """Newest first; each with the findings the user may read."""
        case = case_for(request.user, reference=reference)
        screenings = screenings_for(request.user, case)
        viewed(request, case, gettext_lazy("Vulnerability screenings viewed"))
        return Response(ScreeningSerializer(screenings, many=True).data)

    @extend_schema(
        operation_id="screenings_create",
        summary="Record a profile and vulnerability screening",
        parameters=[REFERENCE],
        request=InputSerializer,
        responses={201: ScreeningSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request, reference):
        """R-VUL-1/2: kept as history; sets the case's current vulnerability flags and
        (R-VUL-3) proposes a referral for each newly identified vulnerability. The answer
        shows only the findings the user may read."""
        case = case_for(request.user, reference=reference)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        screening = screening_record(
            actor=request.user, case_id=case.pk, data=serializer.validated_data
        )
        screening = screening_get_for(request.user, screening_id=screening.pk)
        return Response(ScreeningSerializer(screening).data, status=201)


class OtherVulnerabilityListApi(APIView):
    @extend_schema(
        operation_id="other_vulnerabilities_list",
        summary="The other vulnerabilities a screening of this case may record",
        parameters=[REFERENCE],
        responses={200: OtherVulnerabilitySerializer(many=True), 404: NOT_FOUND},
    )
    def get(self, request, reference):
        """R-VUL-2: configured by the case's host and origin offices (active ones)."""
        case = case_for(request.user, reference=reference)
        others = office_vulnerabilities_for(request.user, case)
        return Response(OtherVulnerabilitySerializer(others, many=True).data)


# ---- referrals (R-VUL-3) -------------------------------------------------------------------


class ReferralSerializer(serializers.ModelSerializer):
    label = serializers.CharField(source="get_category_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Referral
        ref_name = "VulnerabilityReferral"
        fields = (
            "id",
            "category",
            "label",
            "screening",
            "provider",
            "status",
            "status_label",
            "urgent",
            "notes",
            "created_at",
            "updated_at",
            "version",
        )
        read_only_fields = fields


class ReferralListApi(APIView):
    @extend_schema(
        operation_id="referrals_list",
        summary="A case's referrals to services",
        parameters=[REFERENCE],
        responses={200: ReferralSerializer(many=True), 404: NOT_FOUND},
    )
    def get(self, request, reference):
        """Newest first; only referrals of field groups the user may read (R-VOT-3)."""
        case = case_for(request.user, reference=reference)
        referrals = referrals_for(request.user, case)
        viewed(request, case, gettext_lazy("Referrals viewed"))
        return Response(ReferralSerializer(referrals, many=True).data)


class ReferralUpdateApi(APIView):
    class InputSerializer(serializers.Serializer):
        version = version_field()
        provider = serializers.CharField(max_length=200, required=False, allow_blank=True)
        status = serializers.ChoiceField(ReferralStatus.choices, required=False)
        urgent = serializers.BooleanField(required=False)
        notes = serializers.CharField(required=False, allow_blank=True)

        class Meta:
            ref_name = "VulnerabilityReferralUpdateInput"

    @extend_schema(
        operation_id="referrals_partial_update",
        summary="Follow a referral to its service provider",
        parameters=[uuid_parameter("referral_id", "The referral's id.")],
        request=InputSerializer,
        responses={
            200: ReferralSerializer,
            400: INVALID,
            403: FORBIDDEN,
            404: OpenApiResponse(
                description="No such referral, not of the user's offices, or of a field group "
                "the user may not read."
            ),
            409: CONFLICT,
        },
    )
    def patch(self, request, referral_id):
        """A referral beyond `proposed` names its `provider`. Sensitive referrals (medical,
        trafficking, GBV) are followed only by the roles that write their group."""
        referral = referral_get_for(request.user, referral_id=referral_id)
        if referral.field_group not in writable_groups_for_case(request.user, referral.case):
            raise PermissionDenied(_("Your role does not allow this action on this case."))
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        version, data = split_version(serializer.validated_data)
        referral = referral_update(
            actor=request.user, referral_id=referral.pk, version=version, data=data
        )
        return Response(ReferralSerializer(referral).data)
